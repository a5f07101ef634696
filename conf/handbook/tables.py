"""Generated tables (What's new, the review page): one way to build them, for HTML and paper.

Neutral ground: docutils only. Callers give the ``longtable`` class so that on paper a long table
breaks across pages instead of running off the first.
"""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes

Cell = nodes.Node | Sequence[nodes.Node]


def generated_table(headings: Sequence[str], widths: Sequence[int], rows: Sequence[Sequence[Cell]],
                    classes: Sequence[str]) -> nodes.table:
    """A table with a header row; each cell is a paragraph, a node, or a list of inline nodes."""
    table = nodes.table(classes=list(classes))
    group = nodes.tgroup(cols=len(headings))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.row()
    for heading in headings:
        head += nodes.entry("", nodes.paragraph(text=heading))
    group += nodes.thead("", head)
    body = nodes.tbody()
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            if isinstance(cell, nodes.paragraph):
                row += nodes.entry("", cell)
            elif isinstance(cell, nodes.Node):
                row += nodes.entry("", nodes.paragraph("", "", cell))
            else:
                row += nodes.entry("", nodes.paragraph("", "", *cell))
        body += row
    group += body
    return table
