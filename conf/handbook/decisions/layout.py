"""Where each record sits on the decision map: plain geometry, no Sphinx, no drawing.

The map is a timeline read from top to bottom: one row per record, oldest first, RFCs set a step
to the left of ADRs so that an ADR's "implements" line to its RFC is visible beside the boxes.
Supersedes arcs run down the right-hand margin, implements arcs down the left-hand one.

Why a hand layout and not Graphviz: the graph is a list ordered by date with a few arcs, which a
fixed row per record lays out completely; Graphviz would add a system package to every machine
that builds the handbook (and to CI) and reorder rows to shorten edges, losing the order by date.
Both renderings (``svg.py`` for HTML, ``tikz.py`` for the PDF) draw this one layout, so the site
and the PDF show the same picture.
"""

from __future__ import annotations

import dataclasses
import textwrap

# Sizes in CSS pixels. 360 wide fits a 375 px phone screen without scaling the text down.
WIDTH = 360
LEFT_MARGIN = 34  # room for implements arcs
RIGHT_MARGIN = 40  # room for supersedes arcs
INDENT = 16  # RFCs sit this far left of ADRs
BOX_WIDTH = WIDTH - LEFT_MARGIN - RIGHT_MARGIN - INDENT
TOP = 8
GAP = 10
LINE = 15  # one line of text
PADDING = 6
TITLE_CHARS = 40  # characters of title per line at 12 px in a box BOX_WIDTH wide
TITLE_LINES = 2


@dataclasses.dataclass(frozen=True)
class Entry:
    """One record as the map needs it."""

    kind: str  # "adr" or "rfc"
    number: int
    record_id: str  # "ADR-0005"
    title: str  # without the id
    status: str  # "unknown" when the record has none
    date: str  # ISO date, or "" when unknown
    docname: str
    supersedes: tuple[int, ...] = ()  # numbers of records of the same kind
    implements: tuple[int, ...] = ()  # RFC numbers (ADRs only)


@dataclasses.dataclass(frozen=True)
class Box:
    entry: Entry
    x: float
    y: float
    width: float
    height: float
    heading: str  # "ADR-0005 · 2026-10-26 · superseded"
    title_lines: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Arc:
    """A relation drawn from one box to another: ``source`` supersedes or implements ``target``."""

    relation: str  # "supersedes" or "implements"
    source: Box
    target: Box
    bulge: float  # how far into its margin the arc reaches


@dataclasses.dataclass(frozen=True)
class Layout:
    boxes: tuple[Box, ...]
    arcs: tuple[Arc, ...]
    width: float
    height: float
    statuses: tuple[str, ...]  # the statuses shown, for the legend


def order(entries: list[Entry]) -> list[Entry]:
    """By date (records without one last), RFCs before the ADRs of the same day, then by number."""
    return sorted(entries, key=lambda e: (e.date == "", e.date, e.kind != "rfc", e.number))


def title_lines(title: str) -> tuple[str, ...]:
    lines = textwrap.wrap(title, TITLE_CHARS, break_long_words=True) or [""]
    if len(lines) > TITLE_LINES:
        lines = lines[:TITLE_LINES]
        lines[-1] = lines[-1][:TITLE_CHARS - 1].rstrip() + "…"
    return tuple(lines)


def lay_out(entries: list[Entry], status_order: tuple[str, ...]) -> Layout:
    boxes: list[Box] = []
    y = float(TOP)
    for entry in order(entries):
        lines = title_lines(entry.title)
        height = PADDING * 2 + LINE * (1 + len(lines))
        x = LEFT_MARGIN + (0 if entry.kind == "rfc" else INDENT)
        heading = " · ".join(part for part in (entry.record_id, entry.date, entry.status) if part)
        boxes.append(Box(entry, x, y, BOX_WIDTH, height, heading, lines))
        y += height + GAP
    found = {(box.entry.kind, box.entry.number): box for box in boxes}
    arcs: list[Arc] = []
    for box in boxes:
        for number in box.entry.supersedes:
            if (target := found.get((box.entry.kind, number))) is not None:
                arcs.append(Arc("supersedes", box, target, 0))
        for number in box.entry.implements:
            if (target := found.get(("rfc", number))) is not None:
                arcs.append(Arc("implements", box, target, 0))
    arcs = _spread(arcs)
    shown = {box.entry.status for box in boxes}
    statuses = tuple(status for status in status_order if status in shown)
    statuses += tuple(sorted(shown - set(statuses)))
    return Layout(tuple(boxes), tuple(arcs), WIDTH, max(y - GAP + TOP, TOP * 2), statuses)


def _spread(arcs: list[Arc]) -> list[Arc]:
    """Nested arcs in one margin reach out further, so no two lie on top of each other.

    An arc spanning others is drawn outside them: its bulge grows with the number of arcs of the
    same margin that it encloses. The margin is narrow, so the steps are small and capped.
    """
    spread = []
    for arc in arcs:
        low, high = sorted((arc.source.y, arc.target.y))
        inside = sum(1 for other in arcs if other is not arc and other.relation == arc.relation
                     and low <= min(other.source.y, other.target.y)
                     and max(other.source.y, other.target.y) <= high)
        margin = RIGHT_MARGIN if arc.relation == "supersedes" else LEFT_MARGIN
        bulge = min(12 + 7 * inside, margin - 6)
        spread.append(dataclasses.replace(arc, bulge=bulge))
    return spread


def anchor(arc: Arc) -> tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]:
    """The arc as a cubic Bézier: start, two control points, end (on the boxes' near sides)."""
    source, target = arc.source, arc.target
    sy, ty = source.y + source.height / 2, target.y + target.height / 2
    if arc.relation == "supersedes":  # right-hand margin
        sx, tx = source.x + source.width, target.x + target.width
        edge = max(sx, tx) + arc.bulge
    else:  # left-hand margin
        sx, tx = source.x, target.x
        edge = min(sx, tx) - arc.bulge
    return (sx, sy), (edge, sy), (edge, ty), (tx, ty)
