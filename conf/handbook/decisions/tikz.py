"""The decision map for the PDF: the same layout drawn with TikZ, each box a link to its record.

TikZ rather than the SVG converted to PDF or PNG: it comes with the TeX Live the PDF already
needs (texlive-pictures, a dependency of texlive-latex-extra), so there is no converter to install,
the text stays text (searchable, selectable, in the PDF's fonts) and the links are real
``\\hyperref`` links to each record's chapter.
"""

from __future__ import annotations

from sphinx.util import texescape
from sphinx.util.texescape import escape, tex_replace_map

from .layout import Arc, Box, Layout, anchor
from .svg import STATUS_COLOURS, UNKNOWN_COLOUR

# One CSS pixel of the layout in TeX points: 360 px become 9.5 cm, inside an A4 text block.
POINTS_PER_PIXEL = 0.75
UNIT = f"{POINTS_PER_PIXEL}pt"


def document_label(docname: str) -> str:
    """The label Sphinx's LaTeX writer gives a document (``docname::doc``), escaped as it does."""
    ident = f"{docname}::doc".translate(tex_replace_map)
    ident = ident.encode("ascii", "backslashreplace").decode("ascii").replace("\\", "_")
    return rf"\detokenize{{{ident}}}"


def colour_name(status: str) -> str:
    return "handbookmap" + "".join(char for char in status if char.isalpha())


# Records per picture: about one page of boxes at their natural size. A long log becomes several
# pictures, one after the other, each readable; an arc to a record in another picture is cut at the
# picture's edge, where the other record's id is written.
ROWS_PER_PICTURE = 12


def render(layout: Layout, engine: str = "lualatex") -> str:
    texescape.init()  # the LaTeX builder does this too; escape() maps nothing before it
    lines = ["", r"\begingroup"]
    for status in layout.statuses:
        colour = STATUS_COLOURS.get(status, UNKNOWN_COLOUR).lstrip("#").upper()
        lines.append(rf"\definecolor{{{colour_name(status)}}}{{HTML}}{{{colour}}}")
    boxes = list(layout.boxes)
    for start in range(0, len(boxes), ROWS_PER_PICTURE):
        chunk = boxes[start:start + ROWS_PER_PICTURE]
        lines += [
            r"\begin{center}",
            r"\begin{adjustbox}{max width=\linewidth, max totalheight=0.85\textheight}",
            rf"\begin{{tikzpicture}}[x={UNIT}, y=-{UNIT}, >=stealth]",
        ]
        lines += _arcs(layout, chunk)
        for box in chunk:
            lines += _box(box, engine)
        lines += [r"\end{tikzpicture}", r"\end{adjustbox}", r"\end{center}"]
    lines += [r"\endgroup", ""]
    return "\n".join(lines)


def _arcs(layout: Layout, chunk: list[Box]) -> list[str]:
    """The arcs with an end in this picture, cut at its top and bottom edges."""
    inside = {id(box) for box in chunk}
    top, bottom = chunk[0].y - 5, chunk[-1].y + chunk[-1].height + 5
    lines = [r"\begin{scope}", rf"\clip (0,{top:g}) rectangle ({layout.width:g},{bottom:g});"]
    labels = []
    for arc in layout.arcs:
        ends = (id(arc.source) in inside, id(arc.target) in inside)
        if not any(ends):
            continue
        lines.append(_arc(arc))
        if not all(ends):
            other = arc.target if ends[0] else arc.source
            (_, _), (edge_x, _), _, _ = anchor(arc)
            y = top + 4 if other.y < top else bottom - 4
            place = "north" if other.y < top else "south"
            side = "east" if arc.relation == "implements" else "west"
            labels.append(rf"\node[anchor={place} {side}, inner sep=1pt, font=\sffamily\tiny, text=black!70] "
                          rf"at ({edge_x:g},{y:g}) {{{escape(other.entry.record_id)}}};")
    return [*lines, r"\end{scope}", *labels]


def _arc(arc: Arc) -> str:
    (sx, sy), (c1x, c1y), (c2x, c2y), (tx, ty) = anchor(arc)
    style = "->, thick, black!60" if arc.relation == "supersedes" else "->, thick, dashed, black!60"
    return rf"\draw[{style}] ({sx:g},{sy:g}) .. controls ({c1x:g},{c1y:g}) and ({c2x:g},{c2y:g}) .. ({tx:g},{ty:g});"


def _box(box: Box, engine: str) -> list[str]:
    colour = colour_name(box.entry.status)
    label = document_label(box.entry.docname)
    text = [rf"\textbf{{{escape(box.heading, engine)}}}"] + [escape(line, engine) for line in box.title_lines]
    body = r"\\".join(text)
    return [
        rf"\fill[{colour}, rounded corners=3] ({box.x:g},{box.y:g}) rectangle ++({box.width:g},{box.height:g});",
        rf"\node[anchor=north west, inner sep=0pt, text=white, font=\sffamily\scriptsize, align=left, "
        rf"text width={(box.width - 16) * POINTS_PER_PIXEL:g}pt] at ({box.x + 8:g},{box.y + 6:g}) "
        rf"{{\hyperref[{label}]{{\color{{white}}{body}}}}};",
    ]
