"""Sphinx's and MyST's reference warnings in a writer's words, with a "did you mean" where one
name in the handbook is close to what was written.

"local id not found in doc 'page': 'x'" becomes "'page.md' has no heading or label '#x'" and
"did you mean '#accepted-decisions'?" when a heading that close exists. Plain functions over the
names the build knows (pages, their anchors, labels), so they are unit-tested without Sphinx;
``make check`` applies them to its findings.
"""

from __future__ import annotations

import dataclasses
import difflib
import posixpath
import re
from collections.abc import Iterable


@dataclasses.dataclass(frozen=True)
class Known:
    """What a reference may name: pages (docnames), each page's anchors, and labels."""

    pages: frozenset[str]
    anchors: dict[str, frozenset[str]]
    labels: frozenset[str]
    suffix: str = ".md"


@dataclasses.dataclass(frozen=True)
class Reworded:
    message: str
    suggestion: str | None  # "did you mean '#accepted-decisions'?"


def _closest(word: str, choices: Iterable[str]) -> list[str]:
    return difflib.get_close_matches(word, sorted(set(choices)), n=2, cutoff=0.75)


def _did_you_mean(found: list[str]) -> str | None:
    return "did you mean " + " or ".join(f"'{name}'" for name in found) + "?" if found else None


def _pages_from(docname: str | None, known: Known) -> dict[str, str]:
    """Each page as a link from ``docname``'s folder would name it (``../adr/index.md``)."""
    folder = posixpath.dirname(docname or "")
    return {posixpath.relpath(page, folder or ".") + known.suffix: page for page in known.pages}


def reword(message: str, docname: str | None, known: Known) -> Reworded | None:
    """The message in a writer's terms, or None when it is not one of the reference messages."""
    if match := re.fullmatch(r"local id not found in doc '([^']+)': '([^']+)'", message):
        page, anchor = match.groups()
        return Reworded(f"'{page}{known.suffix}' has no heading or label '#{anchor}'",
                        _did_you_mean([f"#{a}" for a in _closest(anchor, known.anchors.get(page, ()))]))
    if match := re.fullmatch(r"'myst' cross-reference target not found: '([^']+)'", message):
        target = match.group(1)
        path, _, anchor = target.partition("#")
        if re.search(r"\.html?$", path):
            source = re.sub(r"\.html?$", known.suffix, path) + (f"#{anchor}" if anchor else "")
            return Reworded(f"the link points at the built file '{target}', not at a page's source",
                            _did_you_mean([source]))
        if path.endswith(known.suffix) or "/" in path:
            pages = _pages_from(docname, known)
            return Reworded(f"the link points at '{path}', which is not a page of the handbook",
                            _did_you_mean(_closest(path, pages)))
        here = known.anchors.get(docname or "", frozenset())
        return Reworded(f"'{target}' is neither a heading or label on this page nor a page",
                        _did_you_mean([f"#{a}" for a in _closest(target, here)]
                                      or _closest(target, known.labels)))
    if match := re.fullmatch(r"undefined label: '([^']+)'", message):
        label = match.group(1)
        return Reworded(f"no label '{label}' is defined anywhere in the handbook",
                        _did_you_mean(_closest(label, known.labels)))
    if match := re.fullmatch(r"toctree contains reference to nonexisting document '([^']+)'", message):
        entry = match.group(1)
        pages = _pages_from(docname, known)
        names = {name.removesuffix(known.suffix): page for name, page in pages.items()}
        return Reworded(f"the toctree lists '{entry}', which is not a page of the handbook",
                        _did_you_mean(_closest(entry.removesuffix(known.suffix), names)))
    if match := re.fullmatch(r"(image|download) file not readable: (.+)", message):
        what, path = match.groups()
        return Reworded(f"the {what} '{posixpath.basename(path)}' does not exist (looked for {path})", None)
    return None
