"""Every place a page uses an external URL, at the line a writer would edit.

Sphinx's linkcheck keeps only the first place each URI appears, so a broken link used on five pages
is reported once. Here each use is kept. The line MyST records for a link is where its paragraph,
list item or table starts; the URL's own line is found by looking for its text from there on, which
also makes the pull-request mode (only changed lines) see a link in the middle of a paragraph.

MyST does not keep a URL as it was written: markdown-it percent-encodes non-ASCII characters and
spaces (``<https://x/a b>``), decodes entities (``&amp;``) and backslash escapes, and writes an
international host name in punycode. So the URL and the page's lines are both brought to one
spelling (``spelling``) before the one is looked for in the other.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

from docutils import nodes

from ..source import locate

_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_PUNYCODE_LABEL = re.compile(r"xn--[a-z0-9-]+", re.IGNORECASE)


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
        candidates: dict[str, str] = node.get("candidates", {})
        uri = candidates.get("?")
        return uri if uri and "://" in uri else None
    if isinstance(node, nodes.raw):
        uri = node.get("source")
        return uri if uri and "://" in uri else None
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


def spelling(text: str) -> str:
    """One spelling for a URL however it was written: as MyST wrote it, or as the writer did."""
    # Percent-escapes first: an autolink keeps a backslash as written, and MyST writes it as %5C.
    text = html.unescape(unquote(text, errors="replace"))
    return _PUNYCODE_LABEL.sub(_from_punycode, _BACKSLASH_ESCAPE.sub(r"\1", text))


def _from_punycode(match: re.Match[str]) -> str:
    try:
        return match[0].encode("ascii").decode("idna")
    except UnicodeError:
        return match[0]


def link_lines(lines: list[str], found: Iterable[tuple[str, int | None]]) -> list[int]:
    """The line of each ``(uri, line where its block starts)``, in document order (see ``locate``)."""
    return locate([spelling(line) for line in lines], [(spelling(uri), start) for uri, start in found])
