"""Rules that need the whole decision log, as a table: numbers taken once, supersession written
on both sides, and the lifecycle of ADR-0007 (a successor in force, no cycles). No Sphinx."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

from .kinds import KINDS, RecordKind
from .record import DecisionRecord


@dataclasses.dataclass
class LogProblem:
    """A cross-record problem, located in one record's source."""

    rule: str
    docname: str
    line: int
    message: str


@dataclasses.dataclass
class Log:
    """The records of one kind: every holder of each number, and the first holder of each."""

    kind: RecordKind
    holders: dict[int, list[DecisionRecord]]

    @property
    def by_number(self) -> dict[int, DecisionRecord]:
        return {number: records[0] for number, records in self.holders.items()}

    def in_order(self) -> list[DecisionRecord]:
        return [self.by_number[number] for number in sorted(self.holders)]


def numbers_taken_once(log: Log) -> Iterator[LogProblem]:
    for number, holders in sorted(log.holders.items()):
        for extra in holders[1:]:
            yield LogProblem(
                "number", extra.docname, 1,
                f"{log.kind.record_id(number)} is taken twice: '{holders[0].docname}' and '{extra.docname}'; "
                f"renumber one (the next free number is {max(log.holders) + 1:04d})")


def supersedes_answered(log: Log) -> Iterator[LogProblem]:
    """Every record a record supersedes exists and names it back in ``superseded-by``."""
    for record in log.in_order():
        for old in record.supersedes:
            target = log.by_number.get(old)
            if target is None:
                yield LogProblem("supersedes", record.docname, record.line_of("supersedes"),
                                 f"{record.record_id} supersedes {log.kind.record_id(old)}, which does not exist; "
                                 "fix the number")
            elif target.readable and target.superseded_by != record.number:
                yield LogProblem("supersedes", record.docname, record.line_of("supersedes"),
                                 f"{record.record_id} supersedes {target.record_id}, but {target.record_id} does "
                                 f"not say so; set 'status: superseded' and 'superseded-by: {record.number}' "
                                 f"in {target.docname}")


def successor_answers(log: Log) -> Iterator[LogProblem]:
    """A record's successor exists and lists it in ``supersedes``."""
    for record in log.in_order():
        if record.superseded_by is None:
            continue
        successor = log.by_number.get(record.superseded_by)
        if successor is None:
            yield LogProblem("supersedes", record.docname, record.line_of("superseded-by"),
                             f"{record.record_id} is superseded by {log.kind.record_id(record.superseded_by)}, "
                             "which does not exist; fix the number")
        elif successor.readable and record.number not in successor.supersedes:
            yield LogProblem("supersedes", record.docname, record.line_of("superseded-by"),
                             f"{record.record_id} is superseded by {successor.record_id}, but "
                             f"{successor.record_id} does not list it; add 'supersedes: [{record.number}]' "
                             f"to {successor.docname}")


def successor_in_force(log: Log) -> Iterator[LogProblem]:
    """A superseded record's successor was decided: not still open, not rejected (ADR-0007)."""
    for record in log.in_order():
        successor = log.by_number.get(record.superseded_by) if record.superseded_by is not None else None
        if successor is None or record.number not in successor.supersedes or successor.status is None:
            continue
        if successor.status in log.kind.open:
            yield LogProblem("lifecycle", successor.docname, successor.line_of("status"),
                             f"{successor.record_id} supersedes {record.record_id} but is still {successor.status}, "
                             f"so no decision on this is in force; accept {successor.record_id} when its review "
                             f"concludes, or set {record.record_id} back to accepted and remove the supersession")
        elif successor.status == "rejected":
            yield LogProblem("lifecycle", successor.docname, successor.line_of("status"),
                             f"{successor.record_id} supersedes {record.record_id} but was rejected; set "
                             f"{record.record_id} back to accepted and remove the supersession from both")


def supersession_goes_forward(log: Log) -> Iterator[LogProblem]:
    """No chain of ``superseded-by`` comes back to where it started; each cycle is named once."""
    by_number, reported = log.by_number, set()
    for start in sorted(by_number):
        seen: list[int] = []
        number: int | None = start
        while number is not None and number in by_number and number not in seen:
            seen.append(number)
            number = by_number[number].superseded_by
        if number is None or number not in seen:
            continue
        cycle = seen[seen.index(number):]
        if frozenset(cycle) in reported:
            continue
        reported.add(frozenset(cycle))
        first = by_number[min(cycle)]
        path = " -> ".join(log.kind.record_id(n) for n in [*cycle, cycle[0]])
        yield LogProblem("lifecycle", first.docname, first.line_of("superseded-by"),
                         f"supersession goes round in a cycle ({path}); a record is superseded only by a later "
                         "decision, so make one of them the decision in force")


RULES: tuple[Callable[[Log], Iterator[LogProblem]], ...] = (
    numbers_taken_once,
    supersedes_answered,
    successor_answers,
    successor_in_force,
    supersession_goes_forward,
)


def check_log(records: list[DecisionRecord]) -> list[LogProblem]:
    """Every rule of the table over the records of each kind."""
    holders: dict[str, dict[int, list[DecisionRecord]]] = {}
    for record in sorted(records, key=lambda r: r.docname):
        if record.number is not None:
            holders.setdefault(record.kind, {}).setdefault(record.number, []).append(record)
    return [problem for kind_name, numbered in sorted(holders.items())
            for rule in RULES for problem in rule(Log(KINDS[kind_name], numbered))]
