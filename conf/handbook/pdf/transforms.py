"""Shape the single LaTeX document the PDF is built from.

Sphinx inlines each page's toctree children where the toctree stands. A toctree placed inside a
page's "## Contents" section would make every child page a sub-section of "Contents", ahead of the
page's own later sections. Here, after assembly, each inlined page moves to the end of the page that
includes it: a page's own text first, then its child pages, each one level below the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from docutils import nodes
from sphinx import addnodes

from ..pages import show_review
from .emoji import wrap_emoji
from .scripts import mark_scripts

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.latex import LaTeXBuilder


def _including_section(marker: addnodes.start_of_file) -> nodes.section | None:
    """The top section of the page whose toctree inlined ``marker``."""
    top = None
    parent = marker.parent
    while parent is not None and not isinstance(parent, (addnodes.start_of_file, nodes.document)):
        if isinstance(parent, nodes.section):
            top = parent
        parent = parent.parent
    return top


def children_after_their_page(doctree: nodes.document) -> None:
    for marker in list(doctree.findall(addnodes.start_of_file)):
        top = _including_section(marker)
        if top is None or marker.parent is top:
            continue
        wrapper = marker.parent
        wrapper.remove(marker)
        top.append(marker)
        # A toctree wrapper (compound) left empty would print nothing, but keep the tree tidy.
        if isinstance(wrapper, nodes.compound) and not wrapper.children:
            wrapper.parent.remove(wrapper)


def _depth(section: nodes.section) -> int:
    """How many sections hold this one, itself included (a chapter is 1)."""
    depth = 0
    parent: nodes.Element | None = section
    while parent is not None:
        depth += isinstance(parent, nodes.section)
        parent = parent.parent
    return depth


def children_below_their_page(doctree: nodes.document) -> None:
    """Number child pages, not the own sections of a page that has them (``\\handbookownsections``).

    A page's own sections and its child pages are both one level below the page; numbered alike,
    an index page's "Lifecycle" and its records would look like siblings in the contents.
    """
    for section in list(doctree.findall(nodes.section)):
        markers = [child for child in section.children if isinstance(child, addnodes.start_of_file)]
        own = [child for child in section.children if isinstance(child, nodes.section)]
        if not markers or not own:
            continue
        # LaTeX levels: chapter 0, section 1, ...; the own sections are one below this section.
        level = _depth(section) - 1
        section.insert(section.index(own[0]),
                       nodes.raw("", rf"\handbookownsections{{{level}}}", format="latex"))
        section.insert(section.index(markers[0]), nodes.raw("", r"\handbookchildpages", format="latex"))


def owner_and_review_lines(app: Sphinx, doctree: nodes.document) -> None:
    """Each page's owner and review dates, as the site shows them under its title.

    The LaTeX builder resolves one assembled document, so the pages capability's handler sees only
    the root page; here every page it holds gets the same treatment.
    """
    for marker in doctree.findall(addnodes.start_of_file):
        # show_review puts the lines in the first section below the node it is given: here, the page's.
        show_review(app, cast(nodes.document, marker), marker["docname"])


def keep_titles_with_their_text(doctree: nodes.document) -> None:
    """Start each page on a new page if less than a few lines are left, so no title is stranded at
    the foot of a page with its status box or first paragraph on the next."""
    for marker in doctree.findall(addnodes.start_of_file):
        marker.insert(0, nodes.raw("", r"\needspace{12\baselineskip}", format="latex"))


def mark_dropdowns(doctree: nodes.document) -> None:
    """sphinx-design prints a dropdown open, as its title and content; give it a frame to match."""
    for node in doctree.findall(nodes.container):
        if node.get("design_component") == "dropdown":
            node["classes"].append("handbook-print-dropdown")


# Type size by the number of columns: up to 6 as every table, then smaller so 12 still fit a page.
TABLE_SIZES = [(6, r"\small"), (9, r"\footnotesize"), (10**6, r"\scriptsize")]


def size_wide_tables(doctree: nodes.document) -> None:
    for table in list(doctree.findall(nodes.table)):
        group = next(iter(table.findall(nodes.tgroup)), None)
        columns = int(group.get("cols", 0)) if group is not None else 0
        size = next(size for most, size in TABLE_SIZES if columns <= most)
        if size == TABLE_SIZES[0][1]:
            continue
        parent = table.parent
        parent.insert(parent.index(table), nodes.raw("", rf"\renewcommand{{\handbooktablesize}}{{{size}}}",
                                                     format="latex"))
        parent.insert(parent.index(table) + 1, nodes.raw("", r"\renewcommand{\handbooktablesize}{\small}",
                                                         format="latex"))


def shape_latex_document(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved`` for the LaTeX builder, on the assembled document."""
    if app.builder.format == "latex" and docname in {entry[0] for entry in cast("LaTeXBuilder", app.builder).document_data}:
        children_after_their_page(doctree)
        children_below_their_page(doctree)
        owner_and_review_lines(app, doctree)
        keep_titles_with_their_text(doctree)
        mark_dropdowns(doctree)
        size_wide_tables(doctree)
        mark_scripts(doctree)
        wrap_emoji(doctree)
