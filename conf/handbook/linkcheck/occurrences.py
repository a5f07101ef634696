"""Every place a page uses an external URL, at the line a writer would edit.

Sphinx's linkcheck keeps only the first place each URI appears, so a broken link used on five pages
is reported once. Here each use is kept. The line MyST records for a link is where its paragraph,
list item or table starts; the URL's own line is found by looking for its text from there on, which
also makes the pull-request mode (only changed lines) see a link in the middle of a paragraph.
"""

from __future__ import annotations

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
