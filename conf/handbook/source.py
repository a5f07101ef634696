"""A page's source as writers see it: its lines, its front matter, and where a URL stands in it.

Several capabilities need the same facts about the page being read (decision records and page
reviews its front matter; the quality checks and the link check the line a link is written on).
They get them here, read and parsed once per page, and with lines counted as Sphinx and editors
count them: at newlines only, not at the other characters ``str.splitlines()`` also breaks on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes

from .frontmatter import FrontMatter, read_front_matter

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment


def read_lines(path: Path | str) -> list[str]:
    """A source file's lines, split at newlines only; an unreadable file has none (Sphinx says why)."""
    try:
        # Bytes that are not UTF-8 become U+FFFD, as the page itself is read (quality/encoding.py):
        # the rest of the page, its front matter included, still counts.
        text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return []
    return [line.removesuffix("\r") for line in text.split("\n")]


@dataclasses.dataclass(frozen=True)
class PageSource:
    lines: list[str]
    front_matter: FrontMatter


def page_source(env: BuildEnvironment, docname: str) -> PageSource:
    """The page's lines and front matter, read once while the page is being read.

    Kept in ``env.current_document``, which Sphinx empties after each page, so nothing of it reaches the
    pickled environment.
    """
    current = env.current_document
    reading = current.docname == docname
    if reading and "handbook_source" in current:
        return current["handbook_source"]
    lines = read_lines(env.doc2path(docname))
    found = PageSource(lines, read_front_matter("\n".join(lines)))
    if reading:
        current["handbook_source"] = found
    return found


def node_line(node: nodes.Node | None) -> int | None:
    """The nearest line number at or above a node (inline nodes often carry none of their own)."""
    while node is not None:
        if node.line:
            return node.line
        node = node.parent
    return None


def locate(lines: list[str], found: Iterable[tuple[str, int | None]]) -> list[int]:
    """The line of each ``(text, line where its block starts)``, in document order.

    Each use takes the first place at or after its block's start where the text appears and that
    no earlier use of it has taken, so two uses in one paragraph get their own lines. Text placed
    before its block (a record's ``discussion:`` link comes from front matter) is then searched for
    from the top. Text not in the source at all keeps the line it came with.
    """
    taken: set[tuple[int, int]] = set()
    located = []
    for text, start in found:
        index = max((start or 1) - 1, 0)
        place = _first_free(lines, text, index, taken) or _first_free(lines, text, 0, taken)
        if place is None:
            located.append(start or 1)
        else:
            taken.add(place)
            located.append(place[0] + 1)
    return located


def _first_free(lines: list[str], text: str, index: int, taken: set[tuple[int, int]]) -> tuple[int, int] | None:
    for number in range(index, len(lines)):
        column = lines[number].find(text)
        while column != -1:
            if (number, column) not in taken:
                return number, column
            column = lines[number].find(text, column + 1)
    return None
