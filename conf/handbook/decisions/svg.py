"""The decision map as inline SVG for HTML pages.

No script and no ``style`` attributes (the site's Content-Security-Policy allows neither inline):
colours are SVG presentation attributes, everything themeable comes from ``decisions.css``. Each
box is a link to its record, with an accessible name that says what the box says.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.sax import saxutils

from .layout import Arc, Box, Layout, anchor

# Same colours as the status badges (handbook.css): white text on each reads at 4.5:1 or better.
STATUS_COLOURS = {
    "proposed": "#8a5a00", "accepted": "#1a7f37", "rejected": "#c4182a", "deprecated": "#953800",
    "superseded": "#7339c9", "draft": "#57606a", "review": "#0860c8", "withdrawn": "#3b4249",
    "implemented": "#0b6b54",
}
UNKNOWN_COLOUR = "#57606a"

# Characters XML 1.0 does not allow (control characters, lone surrogates, U+FFFE/U+FFFF): a title
# holding one (the bad-text check reports it) must not make the whole picture unreadable.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def escape(text: str) -> str:
    return saxutils.escape(NOT_XML.sub("\ufffd", text))


def quoteattr(text: str) -> str:
    return saxutils.quoteattr(NOT_XML.sub("\ufffd", text))


def accessible_name(box: Box) -> str:
    """What the box says, with the title in full: the visible text starts the name (WCAG 2.5.3)."""
    return f"{box.heading}: {box.entry.title}" if box.entry.title else box.heading


def render(layout: Layout, href: Callable[[str], str], label: str, ident: str) -> str:
    """The map as one ``<svg>`` element; ``href`` gives a record's URL from its docname, ``ident``
    makes the marker ids unique on the page."""
    height = f"{layout.height:g}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="handbook-decision-map" width="{layout.width:g}" '
        f'height="{height}" viewBox="0 0 {layout.width:g} {height}" role="group" '
        f'aria-label={quoteattr(label)}>',
        "<defs>",
    ]
    for relation in ("supersedes", "implements"):
        parts.append(
            f'<marker id="{ident}-{relation}" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path class="handbook-map-arrow" d="M0,0 L8,4 L0,8 z"/>'
            "</marker>")
    parts.append("</defs>")
    parts.extend(_arc(arc, ident) for arc in layout.arcs)
    parts.extend(_box(box, href(box.entry.docname)) for box in layout.boxes)
    parts.append("</svg>")
    return "".join(parts)


def _arc(arc: Arc, ident: str) -> str:
    (sx, sy), (c1x, c1y), (c2x, c2y), (tx, ty) = anchor(arc)
    path = f"M{sx:g},{sy:g} C{c1x:g},{c1y:g} {c2x:g},{c2y:g} {tx:g},{ty:g}"
    what = f"{arc.source.entry.record_id} {arc.relation} {arc.target.entry.record_id}"
    return (f'<path class="handbook-map-{arc.relation}" d="{path}" fill="none" '
            f'marker-end="url(#{ident}-{arc.relation})"><title>{escape(what)}</title></path>')


def _box(box: Box, url: str) -> str:
    fill = STATUS_COLOURS.get(box.entry.status, UNKNOWN_COLOUR)
    name = accessible_name(box)
    text_x = box.x + 8
    lines = [f'<text x="{text_x:g}" y="{box.y + 6 + 12:g}" class="handbook-map-heading">{escape(box.heading)}</text>']
    for number, line in enumerate(box.title_lines, start=1):
        lines.append(f'<text x="{text_x:g}" y="{box.y + 6 + 12 + 15 * number:g}" class="handbook-map-title">'
                     f"{escape(line)}</text>")
    return (f'<a href={quoteattr(url)} class="handbook-map-record '
            f'handbook-map-{box.entry.kind}"><title>{escape(name)}</title>'
            f'<rect x="{box.x:g}" y="{box.y:g}" width="{box.width:g}" height="{box.height:g}" rx="5" '
            f'fill="{fill}"/>' + "".join(lines) + "</a>")
