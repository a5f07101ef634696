"""Pages written from templates: where each kind goes, filling a template in, and what a page
still holds of its template.

Plain functions, no Sphinx: ``scripts/new_record.py`` writes pages with them (and must start
quickly), the extension checks pages with them.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.config import Config

# Folders relative to the source tree; conf.py may move them (handbook_record_dirs,
# handbook_runbook_dir, handbook_template_dir), and the extension and new_record.py both honour it.
DEFAULT_RECORD_DIRS = {"adr": "engineering/adr", "rfc": "engineering/rfcs"}
DEFAULT_RUNBOOK_DIR = "engineering/runbooks"
DEFAULT_TEMPLATE_DIR = "engineering/templates"

# The template's own words, filled in when a page is written from it.
PLACEHOLDER = re.compile(r"\{\{(number|title|date)\}\}")


@dataclasses.dataclass(frozen=True)
class Folders:
    """Where pages of each kind live and where their templates are, relative to the source tree."""

    records: dict[str, str]
    runbooks: str
    templates: str

    def folder_of(self, kind: str) -> str:
        return self.runbooks if kind == "runbook" else self.records[kind]


DEFAULT_FOLDERS = Folders(dict(DEFAULT_RECORD_DIRS), DEFAULT_RUNBOOK_DIR, DEFAULT_TEMPLATE_DIR)


def fill_template(template: str, values: dict[str, str]) -> str:
    """Replace ``{{number}}``, ``{{title}}`` and ``{{date}}`` in one pass, so a title that itself
    contains ``{{date}}`` is written as typed."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), template)


# A line of the template's guidance: at least this many words. Shorter lines ("## Context",
# "$ make html") are structure a page keeps, not text it must replace.
FEWEST_WORDS = 6


def guidance_lines(template: str) -> set[str]:
    """The lines a finished page no longer holds: the template's guidance for the writer, and its
    lines with placeholders left as they are (``# {{title}}`` in a page copied by hand). Compared
    whole, so a title that itself says ``{{date}}`` is the writer's, not a leftover."""
    found = set()
    for line in template.split("\n"):
        text = line.strip()
        if PLACEHOLDER.search(text) or (
                len(text.split()) >= FEWEST_WORDS and not text.startswith(("#", "```", ":"))):
            found.add(text)
    return found


@dataclasses.dataclass(frozen=True)
class Leftover:
    line: int  # 1-based, the first line still holding the template's text
    text: str  # that line
    count: int  # how many lines in all


def template_leftovers(lines: list[str], template: str) -> Leftover | None:
    """Where a page still holds its template's guidance or placeholders, if it does."""
    guidance = guidance_lines(template)
    found = [(number, line.strip()) for number, line in enumerate(lines, start=1) if line.strip() in guidance]
    if not found:
        return None
    return Leftover(found[0][0], found[0][1], len(found))



def template_of(docname: str, config: Config, srcdir: Path) -> str | None:
    """The template a page was written from, judged by its folder: a numbered page in a record
    folder, or any page but the index in the runbook folder. None for every other page, or when
    the template file is not there."""
    folder, _, basename = docname.rpartition("/")
    name = None
    for kind, record_dir in config.handbook_record_dirs.items():
        if folder == record_dir.strip("/") and basename[:1].isdigit():
            name = kind
    if folder == config.handbook_runbook_dir.strip("/") and basename != "index":
        name = "runbook"
    if name is None:
        return None
    path = srcdir / config.handbook_template_dir / f"{name}.md.tmpl"
    try:
        return _read_template(path, path.stat().st_mtime_ns)
    except OSError:
        return None


@functools.lru_cache(maxsize=16)
def _read_template(path: Path, mtime: int) -> str | None:
    """Read once per build, not once per page; a template edited since is read again."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
