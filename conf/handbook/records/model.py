"""Decision records as plain data: what an ADR or RFC is, and how its front matter is read.

Nothing here imports Sphinx, so the rules can be unit-tested (and fuzzed) on their own; the
Sphinx glue lives in ``domain.py`` and ``directives.py``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

# Generic reading and messages live in the neutral modules; the names stay importable from here
# for the record rules and their tests.
from ..dates import parse_date
from ..frontmatter import FrontMatter, read_front_matter
from ..problems import Problem, printable
from ..problems import quoted as _value

from .names import slugify, suggest_record_name

__all__ = ["FrontMatter", "Problem", "parse_date", "printable", "read_front_matter", "slugify"]

# One record family per kind: where its files live, what it calls its people, its statuses.
# Ordered as a record moves through its life, so the order also sorts the status legend.


@dataclasses.dataclass(frozen=True)
class RecordKind:
    name: str  # "adr"
    label: str  # "ADR", as in "ADR-0004"
    noun: str  # "decision record", for messages
    people_field: str  # "deciders" or "authors"
    statuses: tuple[str, ...]
    initial_status: str
    retired: frozenset[str]  # statuses that get the warning-style box
    optional_fields: frozenset[str]
    # The lifecycle (ADR-0007). Only kinds with replaceable statuses supersede; a record is open
    # while it waits for a decision, and a successor must have left that state to be in force.
    open: frozenset[str]
    replaceable: frozenset[str] = frozenset()
    why_not_replaceable: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def required_fields(self) -> tuple[str, ...]:
        return ("status", "date", self.people_field)

    @property
    def known_fields(self) -> frozenset[str]:
        return frozenset(self.required_fields) | self.optional_fields | GENERAL_FIELDS

    def record_id(self, number: int) -> str:
        return f"{self.label}-{number:04d}"


# Front matter that any handbook page may carry; a record does not warn about these.
GENERAL_FIELDS = frozenset(
    {"orphan", "nocomments", "nosearch", "tocdepth", "html_meta", "myst", "substitutions",
     "owner", "last-reviewed", "review-every", "redirect-from", "allow-active-content"}
)

ADR = RecordKind(
    name="adr",
    label="ADR",
    noun="decision record",
    people_field="deciders",
    statuses=("proposed", "accepted", "rejected", "deprecated", "superseded"),
    initial_status="proposed",
    retired=frozenset({"rejected", "deprecated", "superseded"}),
    # implements: the RFCs whose outcome the ADR records (drawn on the decision map).
    optional_fields=frozenset({"supersedes", "superseded-by", "tags", "implements"}),
    open=frozenset({"proposed"}),
    replaceable=frozenset({"accepted"}),
    why_not_replaceable={
        "proposed": "a proposal is revised or rejected, not superseded",
        "rejected": "a rejected record stays as it is; a new proposal links it in its text",
        "deprecated": "a deprecated record has nothing in force to replace",
    },
)

RFC = RecordKind(
    name="rfc",
    label="RFC",
    noun="request for comments",
    people_field="authors",
    statuses=("draft", "review", "accepted", "rejected", "withdrawn", "implemented"),
    initial_status="draft",
    retired=frozenset({"rejected", "withdrawn"}),
    # RFCs are answered, not replaced: a later RFC links an earlier one in its text.
    optional_fields=frozenset({"tags", "discussion"}),
    open=frozenset({"draft", "review"}),
)

KINDS = {kind.name: kind for kind in (ADR, RFC)}

# "0004-queue-jobs-in-postgresql": four digits, a hyphen, a lower-case slug.
FILENAME_RE = re.compile(r"^(?P<number>\d{4})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)$")
# A title that names its own record: "ADR-0004: ...", "RFC 12 - ...".
TITLE_ID_RE = re.compile(r"^\s*(?P<label>ADR|RFC)[-\s]?(?P<number>\d+)\b", re.IGNORECASE)


def parse_number(value: Any, kind: RecordKind | None = None) -> int | None:
    """``9``, ``0009``, ``ADR-0009`` or ``adr 9`` all name record 9; given a kind, an id with
    another kind's label (``RFC-0001`` in an ADR) names no record of this kind."""
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"\s*(?:(ADR|RFC)[-\s]?)?0*(\d{1,6})\s*", value, re.IGNORECASE)
    if not match or (kind is not None and match.group(1) and match.group(1).upper() != kind.label):
        return None
    return int(match.group(2))


def record_kind_for(docname: str, record_dirs: dict[str, str]) -> RecordKind | None:
    """The kind of record a document would be, judged by the folder it lives in."""
    folder, _, _ = docname.rpartition("/")
    for kind_name, record_dir in record_dirs.items():
        if folder == record_dir.strip("/"):
            return KINDS[kind_name]
    return None


def looks_like_record(docname: str, front_matter: FrontMatter) -> bool:
    """Pages in a records folder are records when numbered or carrying a status.

    The folder also holds plain pages (its index, the RFC process); those have neither.
    """
    basename = docname.rpartition("/")[2]
    return basename[:1].isdigit() or "status" in front_matter.values


@dataclasses.dataclass
class DecisionRecord:
    """A record as the index and status boxes need it: plain values only, so it pickles."""

    kind: str
    number: int | None
    docname: str
    title: str
    status: str | None
    date: str | None
    people: list[str]
    supersedes: list[int]
    superseded_by: int | None
    tags: list[str]
    discussion: str | None
    lines: dict[str, int]

    @property
    def record_id(self) -> str:
        return KINDS[self.kind].record_id(self.number) if self.number is not None else self.docname

    @property
    def link_text(self) -> str:
        """``ADR-0009: Title``, without doubling an id the title already carries."""
        if self.number is not None and TITLE_ID_RE.match(self.title):
            return self.title
        return f"{self.record_id}: {self.title}" if self.title else self.record_id

    @property
    def short_title(self) -> str:
        """The title without a leading ``ADR-0009:``, for tables that show the id beside it."""
        match = TITLE_ID_RE.match(self.title)
        rest = self.title[match.end():].lstrip(" :-\u2013\u2014") if match else self.title
        return rest or self.title

    def line_of(self, field: str) -> int:
        return self.lines.get(field, self.lines.get("__title__", 1))


def build_record(kind: RecordKind, docname: str, title: str, title_line: int,
                 front_matter: FrontMatter) -> tuple[DecisionRecord, list[Problem]]:
    """Check one record's own front matter and return what can be known of it.

    Cross-record rules (numbers taken twice, supersedes both ways) need every record and are in
    ``check_log``.
    """
    values, lines = front_matter.values, dict(front_matter.lines)
    lines["__title__"] = title_line
    problems = list(front_matter.problems)
    first = front_matter.first_line

    def text_field(field: str, rule: str = "field") -> str | None:
        value = values.get(field)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            problems.append(Problem(rule, lines[field], f"'{field}' must be a single value, not a list or mapping"))
            return None
        return value.strip()

    def list_field(field: str) -> list[str]:
        value = values.get(field)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [value.strip()] if value.strip() else []  # "deciders: platform-lead": a list of one
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return [item.strip() for item in value if item.strip()]
        problems.append(Problem("field", lines[field], f"'{field}' must be a list such as [a, b]"))
        return []

    basename = docname.rpartition("/")[2]
    match = FILENAME_RE.match(basename)
    number = int(match.group("number")) if match else None
    if not match:
        problems.append(Problem(
            "filename", 1,
            f"file name '{basename}.md' does not match NNNN-slug.md; rename it, e.g. "
            f"'{suggest_record_name(basename)}.md'"))

    if not title:
        problems.append(Problem("title", first, f"the {kind.noun} has no title; add a first heading '# {kind.label}-NNNN: Title'"))
    else:
        id_match = TITLE_ID_RE.match(title)
        if id_match and number is not None and (
                id_match.group("label").upper() != kind.label or int(id_match.group("number")) != number):
            problems.append(Problem(
                "title", title_line,
                f"title says '{id_match.group(0).strip()}' but the file name makes this "
                f"{kind.record_id(number)}; make them agree"))

    for field in kind.required_fields:
        if field not in values or values[field] in ("", [], None):
            problems.append(Problem(
                field if field in ("status", "date") else "field", first,
                f"required field '{field}' is missing from the front matter; add '{field}: ...'"))
    for field in sorted(values):
        if field not in kind.known_fields:
            problems.append(Problem(
                "field", lines[field],
                f"unknown field '{_value(field)}' for an {kind.label}; known fields are: "
                + ", ".join(sorted(kind.known_fields - GENERAL_FIELDS))))

    status = text_field("status", "status")
    if status is not None:
        status = status.lower()
        if status not in kind.statuses:
            problems.append(Problem(
                "status", lines["status"],
                f"unknown {kind.label} status '{_value(values['status'])}'; use one of: " + ", ".join(kind.statuses)))
            status = None

    date_text = text_field("date", "date")
    date = None
    if date_text is not None:
        parsed = parse_date(date_text)
        if parsed is None:
            problems.append(Problem(
                "date", lines["date"],
                f"date '{_value(date_text)}' is not a real ISO date; write it as YYYY-MM-DD, e.g. 2026-05-20"))
        else:
            date = parsed.isoformat()

    supersedes: list[int] = []
    for item in list_field("supersedes"):
        parsed_number = parse_number(item)
        if parsed_number is None:
            problems.append(Problem(
                "supersedes", lines["supersedes"],
                f"'supersedes' entry '{_value(item)}' is not a record number; write numbers, e.g. supersedes: [2]"))
        elif number is not None and parsed_number == number:
            problems.append(Problem("supersedes", lines["supersedes"], f"{kind.record_id(number)} cannot supersede itself"))
        elif parsed_number not in supersedes:
            supersedes.append(parsed_number)

    superseded_by = None
    by_text = text_field("superseded-by", "supersedes")
    if by_text is not None:
        superseded_by = parse_number(by_text)
        if superseded_by is None:
            problems.append(Problem(
                "supersedes", lines["superseded-by"],
                f"'superseded-by: {_value(by_text)}' is not a record number; write the successor's number, e.g. superseded-by: 9"))
        elif number is not None and superseded_by == number:
            problems.append(Problem("supersedes", lines["superseded-by"], f"{kind.record_id(number)} cannot be superseded by itself"))
            superseded_by = None
    if status == "superseded" and "superseded-by" not in values:
        problems.append(Problem(
            "supersedes", lines["status"],
            "status is 'superseded' but 'superseded-by' is missing; add 'superseded-by: N' naming the successor"))
    if superseded_by is not None and status is not None and status != "superseded":
        problems.append(Problem(
            "supersedes", lines["superseded-by"],
            f"'superseded-by' is set but status is '{status}'; set status: superseded or remove 'superseded-by'"))

    discussion = text_field("discussion")
    if discussion is not None and not re.match(r"https?://\S+$", discussion):
        problems.append(Problem("field", lines["discussion"], f"'discussion' must be an http(s) URL, not '{_value(discussion)}'"))
        discussion = None

    people = list_field(kind.people_field)
    if not people and kind.people_field in values and values[kind.people_field] not in ("", [], None):
        problems.append(Problem(
            "field", lines[kind.people_field],
            f"'{kind.people_field}' names nobody; list who decided, e.g. {kind.people_field}: [handbook-maintainers]"))

    record = DecisionRecord(
        kind=kind.name, number=number, docname=docname, title=title, status=status, date=date,
        people=people, supersedes=supersedes, superseded_by=superseded_by,
        tags=list_field("tags"), discussion=discussion, lines=lines,
    )
    return record, problems


# How an index may list its records (``:sort:``): by number, the oldest first (the default); the
# newest first; or the records still open for a decision first, each group newest first.
INDEX_ORDERS = ("number", "newest", "open-first")


def index_order(records: list[DecisionRecord], order: str) -> list[DecisionRecord]:
    by_number = sorted(records, key=lambda record: (record.number or 0, record.docname))
    if order == "number":
        return by_number
    # Newest first: by date, then by number; a record without a valid date goes last.
    newest = sorted(reversed(by_number), key=lambda record: record.date or "", reverse=True)
    if order == "newest":
        return newest
    return sorted(newest, key=lambda record: record.status not in KINDS[record.kind].open)


@dataclasses.dataclass
class LogProblem:
    """A cross-record problem, located in one record's source."""

    rule: str
    docname: str
    line: int
    message: str


def check_log(records: list[DecisionRecord]) -> list[LogProblem]:
    """Rules that need the whole decision log: unique numbers, and supersedes both ways."""
    problems: list[LogProblem] = []
    by_kind: dict[str, dict[int, list[DecisionRecord]]] = {}
    for record in sorted(records, key=lambda r: r.docname):
        if record.number is not None:
            by_kind.setdefault(record.kind, {}).setdefault(record.number, []).append(record)

    for kind_name, numbered in sorted(by_kind.items()):
        kind = KINDS[kind_name]
        for number, holders in sorted(numbered.items()):
            for extra in holders[1:]:
                problems.append(LogProblem(
                    "number", extra.docname, 1,
                    f"{kind.record_id(number)} is taken twice: '{holders[0].docname}' and '{extra.docname}'; "
                    f"renumber one (the next free number is {max(numbered) + 1:04d})"))
        records_of_kind = {number: holders[0] for number, holders in numbered.items()}
        for record in sorted(records_of_kind.values(), key=lambda r: r.number or 0):
            this = record.record_id
            for old in record.supersedes:
                target = records_of_kind.get(old)
                if target is None:
                    problems.append(LogProblem(
                        "supersedes", record.docname, record.line_of("supersedes"),
                        f"{this} supersedes {kind.record_id(old)}, which does not exist; fix the number"))
                elif target.superseded_by != record.number:
                    problems.append(LogProblem(
                        "supersedes", record.docname, record.line_of("supersedes"),
                        f"{this} supersedes {target.record_id}, but {target.record_id} does not say so; "
                        f"set 'status: superseded' and 'superseded-by: {record.number}' in {target.docname}"))
            if record.superseded_by is not None:
                successor = records_of_kind.get(record.superseded_by)
                if successor is None:
                    problems.append(LogProblem(
                        "supersedes", record.docname, record.line_of("superseded-by"),
                        f"{this} is superseded by {kind.record_id(record.superseded_by)}, which does not exist; "
                        "fix the number"))
                elif record.number not in successor.supersedes:
                    problems.append(LogProblem(
                        "supersedes", record.docname, record.line_of("superseded-by"),
                        f"{this} is superseded by {successor.record_id}, but {successor.record_id} does not list it; "
                        f"add 'supersedes: [{record.number}]' to {successor.docname}"))
    return problems
