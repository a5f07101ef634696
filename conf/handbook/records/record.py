"""A decision record as the index and status boxes need it, and the orders an index lists in."""

from __future__ import annotations

import dataclasses

from .kinds import KINDS, TITLE_ID_RE


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
    # False when its front matter could not be read: rules that need its fields say nothing more
    # about it (the reading error is the one message), and other records do not blame it.
    readable: bool = True

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
