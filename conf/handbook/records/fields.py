"""One record's own rules: its file name, title and front-matter fields, as a table of checks.

Each rule reads what it needs from a ``Reading`` and notes what it finds (a value for the record
or a located problem). Rules that need other records are in ``log.py``. No Sphinx.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable
from typing import Any

from ..dates import parse_date
from ..frontmatter import FrontMatter
from ..problems import Problem, quoted
from .kinds import FILENAME_RE, GENERAL_FIELDS, SUPERSESSION_FIELDS, TITLE_ID_RE, RecordKind, other_kind_named, parse_number
from .names import suggest_record_name
from .record import DecisionRecord


@dataclasses.dataclass
class Reading:
    """One record being read: its sources, and what the rules have found so far."""

    kind: RecordKind
    docname: str
    title: str
    title_line: int
    front_matter: FrontMatter
    problems: list[Problem] = dataclasses.field(default_factory=list)
    found: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def values(self) -> dict[str, Any]:
        return self.front_matter.values

    def line(self, field: str) -> int:
        return self.front_matter.lines.get(field, self.front_matter.first_line)

    def problem(self, rule: str, line: int, message: str) -> None:
        self.problems.append(Problem(rule, line, message))

    def given(self, field: str) -> bool:
        return self.values.get(field) not in (None, "", [])

    def text(self, field: str, rule: str = "field") -> str | None:
        """A single value, stripped; a list or mapping where one value belongs is a problem."""
        value = self.values.get(field)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.problem(rule, self.line(field), f"'{field}' must be a single value, not a list or mapping")
            return None
        return value.strip()

    def items(self, field: str) -> list[str]:
        """A list of values; ``deciders: platform-lead`` is a list of one."""
        value = self.values.get(field)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [value.strip()] if value.strip() else []
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return [item.strip() for item in value if item.strip()]
        self.problem("field", self.line(field), f"'{field}' must be a list such as [a, b]")
        return []


def did_you_mean(word: str, choices: dict[str, str]) -> str:
    """`` did you mean 'accepted'?`` for a near miss among ``choices`` (what a writer might type ->
    what it stands for), or nothing."""
    close = difflib.get_close_matches(word.lower(), list(choices), n=3, cutoff=0.7)
    meant = list(dict.fromkeys(choices[match] for match in close))
    return f" did you mean {' or '.join(repr(m) for m in meant)}?" if meant else ""


# The rules, in the order their findings are listed. Each takes the Reading.

def file_name(reading: Reading) -> None:
    basename = reading.docname.rpartition("/")[2]
    match = FILENAME_RE.match(basename)
    reading.found["number"] = int(match.group("number")) if match else None
    if not match:
        reading.problem("filename", 1, f"file name '{quoted(basename)}.md' does not match NNNN-slug.md; "
                                       f"rename it, e.g. '{suggest_record_name(basename)}.md'")


def title(reading: Reading) -> None:
    kind, number = reading.kind, reading.found["number"]
    if not reading.title:
        reading.problem("title", reading.front_matter.first_line,
                        f"the {kind.noun} has no title; add a first heading '# {kind.label}-NNNN: Title'")
        return
    match = TITLE_ID_RE.match(reading.title)
    if match and number is not None and (
            match.group("label").upper() != kind.label or int(match.group("number")) != number):
        reading.problem("title", reading.title_line,
                        f"title says '{match.group(0).strip()}' but the file name makes this "
                        f"{kind.record_id(number)}; make them agree")


def required_fields(reading: Reading) -> None:
    kind = reading.kind
    examples = {"status": f"status: {kind.initial_status}' (one of: {', '.join(kind.statuses)})",
                "date": "date: YYYY-MM-DD', the date of the last status change"}
    if not reading.values:
        # No front matter at all is one mistake, not one per required field.
        reading.problem("front-matter", reading.front_matter.first_line,
                        f"this {kind.label} has no front matter; start the file with '---', 'status: "
                        f"{kind.initial_status}', 'date: YYYY-MM-DD', '{kind.people_field}: [...]' and '---'")
        return
    for field in kind.required_fields:
        if not reading.given(field):
            example = examples.get(field, f"{field}: [handbook-maintainers]'")
            reading.problem(field if field in examples else "field", reading.front_matter.first_line,
                            f"required field '{field}' is missing from the front matter; add '{example}")


def unknown_fields(reading: Reading) -> None:
    kind = reading.kind
    own = sorted(kind.known_fields - GENERAL_FIELDS)
    for field in sorted(reading.values):
        if field in SUPERSESSION_FIELDS and not kind.supersedes:
            reading.problem("field", reading.line(field),
                            f"'{field}' is for ADRs: {kind.label}s are answered, not superseded (ADR-0007); "
                            f"link the other {kind.label} in the text and remove '{field}'")
        elif field not in kind.known_fields:
            hint = did_you_mean(field, {known: known for known in kind.known_fields})
            reading.problem("field", reading.line(field),
                            f"unknown field '{quoted(field)}' for an {kind.label};{hint or ''} known fields are: "
                            + ", ".join(own))


def status(reading: Reading) -> None:
    kind = reading.kind
    value = reading.text("status", "status")
    reading.found["status"] = None
    if value is None:
        return
    if value.lower() in kind.statuses:
        reading.found["status"] = value.lower()
        return
    hint = did_you_mean(value, {**kind.synonyms, **{status: status for status in kind.statuses}})
    reading.problem("status", reading.line("status"),
                    f"unknown {kind.label} status '{quoted(reading.values['status'])}';{hint} use one of: "
                    + ", ".join(kind.statuses))


def date(reading: Reading) -> None:
    value = reading.text("date", "date")
    parsed = parse_date(value) if value is not None else None
    reading.found["date"] = parsed.isoformat() if parsed else None
    if value is not None and parsed is None:
        reading.problem("date", reading.line("date"),
                        f"date '{quoted(value)}' is not a real ISO date; write it as YYYY-MM-DD, e.g. 2026-05-20")


def _reference(reading: Reading, field: str, value: str) -> int | None:
    """The record number a supersedes/superseded-by entry names, or a problem saying why not."""
    kind, number = reading.kind, reading.found["number"]
    other = other_kind_named(value, kind)
    if other is not None:
        reading.problem("supersedes", reading.line(field),
                        f"'{field}' names {quoted(value.strip())}, but an {kind.label} is superseded only by "
                        f"another {kind.label}; link the {other} in the text instead")
        return None
    parsed = parse_number(value, kind)
    if parsed is None:
        reading.problem("supersedes", reading.line(field),
                        f"'{field}' entry '{quoted(value)}' is not a record number; write numbers, "
                        f"e.g. {field}: {'[2]' if field == 'supersedes' else '9'}")
        return None
    if number is not None and parsed == number:
        verb = "supersede itself" if field == "supersedes" else "be superseded by itself"
        reading.problem("supersedes", reading.line(field), f"{kind.record_id(number)} cannot {verb}")
        return None
    return parsed


def supersession(reading: Reading) -> None:
    reading.found["supersedes"], reading.found["superseded_by"] = [], None
    if not reading.kind.supersedes:
        return  # the fields are unknown to this kind, and said so once by unknown_fields
    supersedes: list[int] = []
    for item in reading.items("supersedes"):
        parsed = _reference(reading, "supersedes", item)
        if parsed is not None and parsed not in supersedes:
            supersedes.append(parsed)
    reading.found["supersedes"] = supersedes

    by_text = reading.text("superseded-by", "supersedes")
    reading.found["superseded_by"] = _reference(reading, "superseded-by", by_text) if by_text else None
    state = reading.found["status"]
    if state == "superseded" and "superseded-by" not in reading.values:
        reading.problem("supersedes", reading.line("status"),
                        "status is 'superseded' but 'superseded-by' is missing; add 'superseded-by: N' naming the "
                        "successor")
    if reading.found["superseded_by"] is not None and state is not None and state != "superseded":
        reading.problem("supersedes", reading.line("superseded-by"),
                        f"'superseded-by' is set but status is '{state}'; set status: superseded or remove "
                        "'superseded-by'")


def discussion(reading: Reading) -> None:
    value = reading.text("discussion")
    reading.found["discussion"] = value
    if value is not None and not re.match(r"https?://\S+$", value):
        reading.problem("field", reading.line("discussion"),
                        f"'discussion' must be an http(s) URL, not '{quoted(value)}'")
        reading.found["discussion"] = None


def people(reading: Reading) -> None:
    field = reading.kind.people_field
    reading.found["people"] = reading.items(field)
    if not reading.found["people"] and reading.given(field) and not any(
            problem.line == reading.line(field) for problem in reading.problems):
        reading.problem("field", reading.line(field),
                        f"'{field}' names nobody; list who decided, e.g. {field}: [handbook-maintainers]")


def tags(reading: Reading) -> None:
    reading.found["tags"] = reading.items("tags")


# (rule, needs the front matter read): a record whose front matter could not be read gets the
# reading error alone, not a missing field for every field it has.
RULES: tuple[tuple[Callable[[Reading], None], bool], ...] = (
    (file_name, False),
    (title, False),
    (required_fields, True),
    (unknown_fields, True),
    (status, True),
    (date, True),
    (supersession, True),
    (discussion, True),
    (people, True),
    (tags, True),
)


def build_record(kind: RecordKind, docname: str, title_text: str, title_line: int,
                 front_matter: FrontMatter) -> tuple[DecisionRecord, list[Problem]]:
    """Check one record's own front matter and return what can be known of it."""
    reading = Reading(kind, docname, title_text, title_line, front_matter, list(front_matter.problems))
    readable = not (front_matter.problems and not front_matter.values)
    for rule, needs_fields in RULES:
        if readable or not needs_fields:
            rule(reading)
    found = reading.found
    lines = {**front_matter.lines, "__title__": title_line}
    record = DecisionRecord(
        kind=kind.name, number=found["number"], docname=docname, title=title_text, status=found.get("status"),
        date=found.get("date"), people=found.get("people", []), supersedes=found.get("supersedes", []),
        superseded_by=found.get("superseded_by"), tags=found.get("tags", []), discussion=found.get("discussion"),
        lines=lines, readable=readable)
    return record, reading.problems
