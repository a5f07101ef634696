"""Every place a page uses an external URL, at the line a writer would edit.

Sphinx's linkcheck keeps only the first place each URI appears, so a broken link used on five pages
is reported once. Here each use is kept. The line MyST records for a link is where its paragraph,
list item or table starts; the URL's own line is found by looking for its text from there on, which
also makes the pull-request mode (only changed lines) see a link in the middle of a paragraph.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from docutils import nodes


class Occurrence(NamedTuple):
    uri: str
    docname: str
    filename: str  # relative to the source folder, as Sphinx's output.json has it
    path: str  # absolute, for annotations relative to wherever the check runs
    lineno: int


def is_external(uri: str) -> bool:
    return uri.lower().startswith(("http://", "https://"))


def find_uri(node: nodes.Node) -> str | None:
    """The URI a node points at: links, images, and raw content pulled from a URL (as Sphinx)."""
    if isinstance(node, nodes.reference) and "refuri" in node:
        return node["refuri"]
    if isinstance(node, nodes.image):
        uri = node.get("candidates", {}).get("?")
        return uri if uri and "://" in uri else None
    if isinstance(node, nodes.raw):
        uri = node.get("source")
        return uri if uri and "://" in uri else None
    return None


def node_line(node: nodes.Node) -> int | None:
    while node is not None:
        if node.line:
            return node.line
        node = node.parent
    return None


def locate(lines: list[str], found: Iterable[tuple[str, int | None]]) -> list[int]:
    """The line of each ``(uri, line where its block starts)``, in document order.

    Each use takes the first place at or after its block's start where the URI's text appears and
    that no earlier use of it has taken, so two uses in one paragraph get their own lines. A link
    made from front matter (a record's ``discussion:``) sits after its text, so the search then
    starts over from the top. A URI whose text is not in the source at all keeps the line it came
    with.
    """
    taken: set[tuple[int, int]] = set()
    located = []
    for uri, start in found:
        index = max((start or 1) - 1, 0)
        place = _first_free(lines, uri, index, taken) or _first_free(lines, uri, 0, taken)
        if place is None:
            located.append(start or 1)
        else:
            taken.add(place)
            located.append(place[0] + 1)
    return located


def _first_free(lines: list[str], uri: str, index: int, taken: set[tuple[int, int]]) -> tuple[int, int] | None:
    for number in range(index, len(lines)):
        column = lines[number].find(uri)
        while column != -1:
            if (number, column) not in taken:
                return number, column
            column = lines[number].find(uri, column + 1)
    return None


def wanted(occurrence: Occurrence, changes: dict[Path, frozenset[int] | None] | None) -> bool:
    """In pull-request mode, only uses on changed lines (or in new files) are checked."""
    if changes is None:
        return True
    path = Path(occurrence.path).resolve()
    if path not in changes:
        return False
    lines = changes[path]
    return lines is None or occurrence.lineno in lines
