"""Tags as plain data: read from front matter, named by a slug, counted. No Sphinx here.

Any page may carry ``tags: [infra, ci]`` in its front matter (decision records already do). A tag
is known by its slug (``CI`` and ``ci`` are one tag, ``On call`` is ``on-call``), which names its
page; it is shown as first written, in the order pages are listed.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import Any

from ..frontmatter import FrontMatter
from ..problems import Problem, quoted


def slug(tag: str) -> str:
    """``On-call & CI`` -> ``on-call-ci``: lower-case letters and digits (any script) joined by hyphens."""
    text = unicodedata.normalize("NFKC", tag).casefold()
    return "-".join(re.findall(r"[^\W_]+", text))


def read_tags(front_matter: FrontMatter) -> tuple[list[str], list[Problem]]:
    """The page's tags, each once, in the order written; and what is wrong with them."""
    if "tags" not in front_matter.values:
        return [], []
    value: Any = front_matter.values["tags"]
    line = front_matter.lines.get("tags", front_matter.first_line)
    if value == "":
        return [], []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        return [], [Problem("tag", line, "'tags' must be a list of words, e.g. tags: [infra, ci]")]
    tags: list[str] = []
    problems: list[Problem] = []
    for item in (item.strip() for item in items):
        if not slug(item):
            problems.append(Problem("tag", line, f"tag '{quoted(item)}' has no letters or digits; remove it"))
        elif slug(item) not in {slug(tag) for tag in tags}:
            tags.append(item)
    return tags, problems


@dataclasses.dataclass(frozen=True)
class Tag:
    slug: str
    name: str  # as first written
    pages: tuple[str, ...]  # docnames, sorted


def collect(tags_by_page: dict[str, list[str]]) -> list[Tag]:
    """Every tag with the pages that carry it, most used first, then by name."""
    names: dict[str, str] = {}
    pages: dict[str, list[str]] = {}
    for docname in sorted(tags_by_page):
        for tag in tags_by_page[docname]:
            key = slug(tag)
            names.setdefault(key, tag)
            pages.setdefault(key, []).append(docname)
    found = [Tag(key, names[key], tuple(pages[key])) for key in names]
    return sorted(found, key=lambda tag: (-len(tag.pages), tag.name.casefold(), tag.slug))
