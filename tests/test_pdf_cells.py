"""Which table cells go without Sphinx's varwidth wrapper (conf/handbook/pdf/cells.py).

A cell left unwrapped is set by tabulary on one line to be measured: anything in it that is not
line-level (a list, a block, a box) must keep the wrapper, whatever inline markup it sits in. The
typeset cells are read back in test_pdf_scripts.py.
"""

from __future__ import annotations

from docutils import nodes
from hypothesis import given
from hypothesis import strategies as st
from sphinx import addnodes

from handbook.pdf.cells import line_level_latex, plain_cell

INLINE = [nodes.emphasis, nodes.strong, nodes.literal, nodes.reference, addnodes.literal_emphasis]
WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8).map(nodes.Text)


def wrapped(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.tuples(st.sampled_from(INLINE), st.lists(children, max_size=3)).map(
        lambda kind_and_children: kind_and_children[0]("", "", *kind_and_children[1]))


# Line-level content: words, marked scripts and emoji, and inline markup around them, nested.
LINE_LEVEL = st.recursive(
    WORDS | st.just(line_level_latex(r"\handbookemoji{x}")) | st.builds(nodes.inline, st.just(""), st.just("x")),
    wrapped, max_leaves=12)

# What is not: a box, an image, a writer's own raw LaTeX, and blocks that have no business in a line.
NOT_LINE_LEVEL = st.sampled_from([
    lambda: nodes.inline("", "Accepted", classes=["handbook-badge", "handbook-badge-accepted"]),
    lambda: nodes.image(uri="x.png"),
    lambda: nodes.raw("", r"\begin{itemize}\item x\end{itemize}", format="latex"),
    lambda: nodes.bullet_list("", nodes.list_item("", nodes.paragraph(text="x"))),
]).map(lambda make: make())


def cell(*children: nodes.Node, **attributes: int) -> nodes.entry:
    return nodes.entry("", *children, **attributes)


@given(st.lists(LINE_LEVEL, max_size=4))
def test_a_paragraph_of_line_level_content_is_plain(content):
    assert plain_cell(cell(nodes.paragraph("", "", *content)))


@given(st.lists(LINE_LEVEL, max_size=3), NOT_LINE_LEVEL, st.lists(LINE_LEVEL, max_size=3), st.booleans())
def test_anything_else_anywhere_in_the_paragraph_keeps_the_wrapper(before, other, after, nest):
    inner = nodes.strong("", "", other) if nest else other
    assert not plain_cell(cell(nodes.paragraph("", "", *before, inner, *after)))


def test_an_empty_cell_is_plain_and_a_merged_or_multi_block_cell_is_not():
    assert plain_cell(cell())
    assert not plain_cell(cell(nodes.paragraph(text="x"), morerows=1))
    assert not plain_cell(cell(nodes.paragraph(text="x"), morecols=2))
    assert not plain_cell(cell(nodes.paragraph(text="x"), nodes.paragraph(text="y")))
    assert not plain_cell(cell(nodes.literal_block("", "x")))
