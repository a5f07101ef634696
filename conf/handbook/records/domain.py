"""Where the decision log lives during a build: one Domain, keyed by docname.

Like ``sphinx.ext.todo``'s domain: data is filled while each page is read (``process_doc``), purged
when a page changes (``clear_doc``), merged back from parallel readers (``merge_domaindata``), and the
rules that need every record run once on ``env-check-consistency``.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from docutils import nodes
from sphinx.util import logging

from .. import source
from ..frontmatter import front_matter_end
from ..pagedata import PageDataDomain
from ..warnings_ import HandbookWarning, warn
from . import scaffolding
from .fields import build_record
from .kinds import KINDS, looks_like_record, record_kind_for
from .log import check_log
from .nodes import record_index_placeholder, status_box_placeholder
from .record import DecisionRecord

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)


def record_warning(rule: str) -> HandbookWarning:
    """The warning for a record rule: ``file:line: WARNING: ... [handbook.record-<rule>]``."""
    return HandbookWarning.for_rule("record", rule)


class DecisionRecordsDomain(PageDataDomain):
    name = "records"
    label = "Decision records"
    # records: docname -> DecisionRecord fields (plain dict); indexes: docname -> kinds it lists;
    # boxes: docname -> kinds of status box it shows.
    initial_data: ClassVar[dict[str, dict[str, Any]]] = {"records": {}, "indexes": {}, "boxes": {}}
    tables = ("records", "indexes", "boxes")
    before: dict[str, dict[str, Any]] = {}  # the records table as the last build left it (not pickled)

    @property
    def records(self) -> dict[str, dict[str, Any]]:
        return self.table("records")

    @property
    def indexes(self) -> dict[str, list[str]]:
        return self.table("indexes")

    @property
    def boxes(self) -> dict[str, list[str]]:
        return self.table("boxes")

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        """Read a page's record (if it is one) and note which boxes and indexes it shows."""
        boxes = sorted({node["kind"] for node in document.findall(status_box_placeholder)})
        indexes = sorted({node["kind"] for node in document.findall(record_index_placeholder)})
        if boxes:
            self.boxes[docname] = boxes
        if indexes:
            self.indexes[docname] = indexes

        kind = record_kind_for(docname, env.config.handbook_record_dirs)
        page = source.page_source(env, docname)
        front_matter = page.front_matter
        warn_template_text(env, docname, page.lines)
        if kind is None or not looks_like_record(docname, front_matter.values):
            warn_plain_page(env, docname, page, document)
            return

        title, title_line = _first_heading(document)
        record, problems = build_record(kind, docname, title, title_line, front_matter)
        for problem in problems:
            warn(record_warning(problem.rule), problem.message, (docname, problem.line))
        if kind.name not in boxes and not misspelt_directive(page.lines, f"{kind.name}-status"):
            warn(HandbookWarning.RECORD_DIRECTIVE,
                 f"this {kind.label} has no status box; add a '```{{{kind.name}-status}}```' block under its title",
                 (docname, title_line))
        for node in document.findall(status_box_placeholder):
            if node["kind"] != kind.name:
                warn(HandbookWarning.RECORD_DIRECTIVE,
                     f"{{{node['kind']}-status}} used on an {kind.label}; use {{{kind.name}-status}}", node)
        self.records[docname] = dataclasses.asdict(record)

    # Read-only views for the writers of boxes and indexes.

    def all_records(self, kind: str | None = None) -> list[DecisionRecord]:
        found = [DecisionRecord(**fields) for fields in self.records.values()]
        return [record for record in found if kind is None or record.kind == kind]

    def find(self, kind: str, number: int) -> DecisionRecord | None:
        matches = [r for r in self.all_records(kind) if r.number == number]
        return min(matches, key=lambda r: r.docname) if matches else None

    def get_record(self, docname: str) -> DecisionRecord | None:
        fields = self.records.get(docname)
        return DecisionRecord(**fields) if fields else None


def warn_template_text(env: BuildEnvironment, docname: str, lines: list[str]) -> None:
    """A page written from a template (a record, a runbook) that still holds the template's text."""
    template = scaffolding.template_of(docname, env.config, Path(env.srcdir))
    leftover = scaffolding.template_leftovers(lines, template) if template is not None else None
    if leftover is not None:
        more = f" (and {leftover.count - 1} more line(s))" if leftover.count > 1 else ""
        warn(HandbookWarning.TEMPLATE_TEXT,
             f"this page still holds its template's text{more}: '{leftover.text}'; replace it with the "
             "page's own words", (docname, leftover.line))


def warn_plain_page(env: BuildEnvironment, docname: str, page: source.PageSource, document: nodes.document) -> None:
    """A page that is not a record: its front matter, and status boxes it should not have."""
    # Front matter is read for every page here, so a page that is not a record hears of broken
    # front matter too (conf.py leaves it to the handbook, not to MyST). A page that opens with
    # '---' and never closes it starts with a thematic break, as MyST reads it.
    if front_matter_end(page.lines) is not None:
        for problem in page.front_matter.problems:
            warn(HandbookWarning.FRONT_MATTER, problem.message, (docname, problem.line))
    for node in document.findall(status_box_placeholder):
        warn(HandbookWarning.RECORD_DIRECTIVE,
             f"{{{node['kind']}-status}} is only for {KINDS[node['kind']].label}s, which live in "
             f"'{env.config.handbook_record_dirs[node['kind']]}/NNNN-slug.md' with a status in front "
             "matter; move the page or remove the directive", node)


DIRECTIVE_FENCE = re.compile(r"^\s*(?:`{3,}|~{3,}|:{3,})\{([^}\s]+)\}")


def misspelt_directive(lines: list[str], name: str) -> bool:
    """Whether the page opens a directive whose name is a near miss for ``name`` (``{adr-staus}``):
    MyST reports the unknown directive, and a missing status box would be the same mistake again."""
    for line in lines:
        match = DIRECTIVE_FENCE.match(line)
        if match and match.group(1) != name and difflib.SequenceMatcher(None, match.group(1), name).ratio() >= 0.75:
            return True
    return False


def _first_heading(document: nodes.document) -> tuple[str, int]:
    section = next(iter(document.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        return "", 1
    title = section[0]
    return title.astext().strip(), title.line or section.line or 1


def check_consistency(app: Sphinx, env: BuildEnvironment) -> None:
    """Cross-record rules, once per build, after every page has been read (and merged)."""
    domain = cast("DecisionRecordsDomain", env.domains["records"])
    for problem in check_log(domain.all_records()):
        warn(record_warning(problem.rule), problem.message, (problem.docname, problem.line))


def remember_records(app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str],
                     removed: Set[str]) -> Iterable[str]:
    """``env-get-outdated``: what every record showed before this build reads anything."""
    domain = cast("DecisionRecordsDomain", env.domains["records"])
    domain.before = dict(domain.records)
    return []


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> Iterable[str]:
    """``env-get-updated``: the pages that show a record whose shown facts changed in this build.

    Indexes and status boxes are filled in when a page is written, so a page that shows another
    record needs writing, not reading, and only when what it shows of that record changed: its
    number, title, status, date or relations, or the record appeared or went. An edit to a
    record's body changes none of these and writes that record alone.
    """
    domain = cast("DecisionRecordsDomain", env.domains["records"])
    before, now = domain.before, domain.records
    domain.before = {}
    moved = [docname for docname in before.keys() | now.keys()
             if _shown(before.get(docname)) != _shown(now.get(docname))]
    if not moved:
        return []
    kinds = {fields["kind"] for docname in moved for fields in (before.get(docname), now.get(docname)) if fields}
    numbers = {(fields["kind"], fields["number"]) for docname in moved
               for fields in (before.get(docname), now.get(docname)) if fields}
    outdated = {docname for docname, shown in domain.indexes.items() if kinds & set(shown)}
    outdated |= {docname for docname, fields in now.items()
                 if {(fields["kind"], number) for number in _related(fields)} & numbers}
    return sorted(outdated & env.found_docs)


def _shown(fields: dict[str, Any] | None) -> dict[str, Any] | None:
    # Line numbers are where warnings point, not anything a page shows.
    return None if fields is None else {key: value for key, value in fields.items() if key != "lines"}


def _related(fields: dict[str, Any]) -> list[int]:
    superseded_by = fields["superseded_by"]
    return [*fields["supersedes"], *([superseded_by] if superseded_by is not None else [])]
