"""Table cells that hold one line-level paragraph are written as Sphinx wrote them before 9.0.

Sphinx 9 wraps every table cell in a ``varwidth`` environment, so that a list or a code block in a
cell can take part in tabulary's choice of column widths. For a cell of plain text that wrapper
only costs: varwidth sets the cell in a box and then takes the box apart line by line to measure
it, and tabulary sets every cell more than once. In a handbook with a table on most pages, that
was half of LuaLaTeX's time (ADR-0008), and the pages came out the same without it. A paragraph of
text is what tabulary measures natively (its "T" columns), and what Sphinx's fixed-width columns
set as a paragraph, so in such tables such a cell goes without the wrapper. A cell with anything
else (a list, a block, a merged cell, a badge, an image) keeps it, and so does every cell of a
table whose columns are Sphinx's ``l`` ones, where the wrapper is what makes the text wrap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes

from ..translators import derive_translator
from .latex import BOXED_ROLES

if TYPE_CHECKING:
    from sphinx.application import Sphinx

# Marks LaTeX that stays within a line (the script and emoji switches of scripts.py and emoji.py).
LINE_LEVEL = "handbook_line_level"

# What sets as words on a line: text, and the inline markup that only changes its font or links it.
LINE_LEVEL_NODES = (nodes.Text, nodes.literal, nodes.emphasis, nodes.strong, nodes.reference,
                    nodes.title_reference, nodes.subscript, nodes.superscript, nodes.abbreviation,
                    nodes.target, addnodes.literal_emphasis, addnodes.literal_strong)

VARWIDTH_START = r"\begin{varwidth}[t]{\sphinxcolwidth{1}{"
VARWIDTH_END = r"\sphinxbeforeendvarwidth" + "\n" + r"\end{varwidth}%" + "\n"


def line_level_latex(text: str) -> nodes.raw:
    """A raw LaTeX node that switches font or language inside a line, and nothing more."""
    node = nodes.raw("", text, format="latex")
    node[LINE_LEVEL] = True
    return node


def line_level(node: nodes.Node) -> bool:
    if isinstance(node, nodes.raw):
        return bool(node.get(LINE_LEVEL))
    if isinstance(node, nodes.inline):
        return not any(name.startswith(BOXED_ROLES) for name in node["classes"])
    return isinstance(node, LINE_LEVEL_NODES)


def plain_cell(entry: nodes.entry) -> bool:
    """Whether a cell is empty or one paragraph of line-level content, and spans one row and column."""
    if entry.get("morerows") or entry.get("morecols"):
        return False
    if len(entry) == 0:
        return True
    paragraph = entry[0]
    return (len(entry) == 1 and isinstance(paragraph, nodes.paragraph)
            and all(line_level(node) for node in paragraph.findall(include_self=False)))


class PlainCellWrapper(str):
    """The start or end of the varwidth wrapper of a plain cell: written as it is unless the table's
    columns turn out to set paragraphs (``paragraph_columns``), then left out."""

    __slots__ = ()


def paragraph_columns(table: Any) -> bool:
    """Whether a table's columns set a cell as a paragraph of their width: tabulary's ``T`` columns,
    or Sphinx's ``\\X`` ones. Its ``l`` columns (a long table or one with code, when no widths are
    given) set a cell on one line and only the wrapper makes its text wrap; a writer's own column
    spec (``tabularcolumns``) may be anything."""
    if table.colspec:
        return False
    spec = table.get_colspec()
    return "T" in spec or r"\X{" in spec


def without_varwidth_for_plain_cells(base: type[Any]) -> type[Any]:
    """``base`` (Sphinx's LaTeX translator, or what another extension made of it) writing plain cells
    without the varwidth wrapper."""

    class PlainCellTranslator(base):
        def visit_entry(self, node: nodes.entry) -> None:
            super().visit_entry(node)
            if not plain_cell(node):
                return
            # Sphinx has written the wrapper's start to the row (followed at most by a heading cell's
            # font switch) and put its end on the context stack; the cell's text goes to a body of
            # its own. The column type is known only once the whole table is read (depart_table).
            row = self.bodystack[-1]
            start = next((index for index in (-1, -2) if len(row) >= -index
                          and row[index].startswith(VARWIDTH_START)), None)
            if start is None or self.context[-1] != VARWIDTH_END:
                return  # not the mark-up this was written against: leave the cell as Sphinx wrote it
            row[start] = PlainCellWrapper(row[start])
            self.context[-1] = PlainCellWrapper(self.context[-1])

        def depart_table(self, node: nodes.table) -> None:
            if self.table is not None and paragraph_columns(self.table):
                for part in (self.table.header, self.table.body):
                    part[:] = ["" if isinstance(item, PlainCellWrapper) else item for item in part]
            super().depart_table(node)

    PlainCellTranslator.__name__ = f"PlainCell{base.__name__}"
    return PlainCellTranslator


def use_plain_cells(app: Sphinx) -> None:
    """``builder-inited``: the LaTeX builder writes plain cells without varwidth."""
    derive_translator(app, "latex", "_handbook_plain_cells", without_varwidth_for_plain_cells)
