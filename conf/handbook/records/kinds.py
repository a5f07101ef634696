"""What an ADR or an RFC is: its fields, its statuses and its lifecycle, and how numbers and
file names name records. Plain data, no Sphinx."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

# Front matter that any handbook page may carry; a record does not warn about these.
GENERAL_FIELDS = frozenset(
    {"orphan", "nocomments", "nosearch", "tocdepth", "html_meta", "myst", "substitutions",
     "owner", "last-reviewed", "review-every", "redirect-from", "allow-active-content"}
)
# The fields of supersession; a kind has them only when its records can be superseded.
SUPERSESSION_FIELDS = frozenset({"supersedes", "superseded-by"})


@dataclasses.dataclass(frozen=True)
class RecordKind:
    """One record family. Statuses are ordered as a record moves through its life, so the order
    also sorts the status legend."""

    name: str  # "adr"
    label: str  # "ADR", as in "ADR-0004"
    noun: str  # "decision record", for messages
    people_field: str  # "deciders" or "authors"
    statuses: tuple[str, ...]
    initial_status: str
    retired: frozenset[str]  # statuses that get the warning-style box
    optional_fields: frozenset[str]
    # The lifecycle (ADR-0007): a record is open while it waits for a decision. Only a record in a
    # replaceable status may be superseded, so a kind without one never supersedes: this is the one
    # place that says only ADRs supersede.
    open: frozenset[str]
    replaceable: frozenset[str] = frozenset()
    why_not_replaceable: dict[str, str] = dataclasses.field(default_factory=dict)
    # Words writers use for a status, mapped to the status they mean (for "did you mean").
    synonyms: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def supersedes(self) -> bool:
        return bool(self.replaceable)

    @property
    def required_fields(self) -> tuple[str, ...]:
        return ("status", "date", self.people_field)

    @property
    def known_fields(self) -> frozenset[str]:
        own = self.optional_fields | (SUPERSESSION_FIELDS if self.supersedes else frozenset())
        return frozenset(self.required_fields) | own | GENERAL_FIELDS

    def record_id(self, number: int) -> str:
        return f"{self.label}-{number:04d}"


ADR = RecordKind(
    name="adr",
    label="ADR",
    noun="decision record",
    people_field="deciders",
    statuses=("proposed", "accepted", "rejected", "deprecated", "superseded"),
    initial_status="proposed",
    retired=frozenset({"rejected", "deprecated", "superseded"}),
    # implements: the RFCs whose outcome the ADR records (drawn on the decision map).
    optional_fields=frozenset({"tags", "implements"}),
    open=frozenset({"proposed"}),
    replaceable=frozenset({"accepted"}),
    why_not_replaceable={
        "proposed": "a proposal is revised or rejected, not superseded",
        "rejected": "a rejected record stays as it is; a new proposal links it in its text",
        "deprecated": "a deprecated record has nothing in force to replace",
    },
    synonyms={"approved": "accepted", "agreed": "accepted", "declined": "rejected", "draft": "proposed",
              "obsolete": "deprecated", "replaced": "superseded", "retired": "deprecated"},
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
    synonyms={"approved": "accepted", "agreed": "accepted", "declined": "rejected", "done": "implemented",
              "proposed": "review", "in-review": "review", "abandoned": "withdrawn"},
)

KINDS = {kind.name: kind for kind in (ADR, RFC)}

# "0004-queue-jobs-in-postgresql": four digits, a hyphen, a lower-case slug.
FILENAME_RE = re.compile(r"^(?P<number>\d{4})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)$")
# A title that names its own record: "ADR-0004: ...", "RFC 12 - ...".
TITLE_ID_RE = re.compile(r"^\s*(?P<label>ADR|RFC)[-\s]?(?P<number>\d+)\b", re.IGNORECASE)
# A reference to a record: "9", "0009", "ADR-0009", "adr 9".
REFERENCE_RE = re.compile(r"\s*(?:(ADR|RFC)[-\s]?)?0*(\d{1,6})\s*", re.IGNORECASE)


def parse_number(value: Any, kind: RecordKind | None = None) -> int | None:
    """``9``, ``0009``, ``ADR-0009`` or ``adr 9`` all name record 9; given a kind, an id with
    another kind's label (``RFC-0001`` in an ADR) names no record of this kind."""
    if not isinstance(value, str):
        return None
    match = REFERENCE_RE.fullmatch(value)
    if not match or (kind is not None and match.group(1) and match.group(1).upper() != kind.label):
        return None
    return int(match.group(2))


def other_kind_named(value: str, kind: RecordKind) -> str | None:
    """The label of another kind that ``value`` names (``RFC`` in ``RFC-0001``), if any."""
    match = REFERENCE_RE.fullmatch(value)
    label = match.group(1).upper() if match and match.group(1) else None
    return label if label is not None and label != kind.label else None


def record_kind_for(docname: str, record_dirs: dict[str, str]) -> RecordKind | None:
    """The kind of record a document would be, judged by the folder it lives in."""
    folder, _, _ = docname.rpartition("/")
    for kind_name, record_dir in record_dirs.items():
        if folder == record_dir.strip("/"):
            return KINDS[kind_name]
    return None


def looks_like_record(docname: str, values: dict[str, Any]) -> bool:
    """Pages in a records folder are records when numbered or carrying a status.

    The folder also holds plain pages (its index, the RFC process); those have neither.
    """
    basename = docname.rpartition("/")[2]
    return basename[:1].isdigit() or "status" in values
