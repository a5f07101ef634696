"""Unit tests for the decision-record rules, without Sphinx."""

from __future__ import annotations

import textwrap

import pytest

from handbook import frontmatter
from handbook.records import fields, kinds, names
from handbook.records import log as log_rules
from handbook.records.fields import build_record
from handbook.records.log import check_log
from handbook.records.record import DecisionRecord, index_order

GOOD = """\
---
status: accepted
date: 2026-05-20
deciders: [platform-lead]
tags: [infra]
---
# ADR-0004: Queue jobs in PostgreSQL
"""


def record_from(text: str, docname: str = "engineering/adr/0004-queue-jobs", kind: kinds.RecordKind = kinds.ADR):
    front_matter = frontmatter.read_front_matter(textwrap.dedent(text))
    return build_record(kind, docname, "ADR-0004: Queue jobs in PostgreSQL", 7, front_matter)


def rules(problems) -> list[tuple[str, int]]:
    return [(problem.rule, problem.line) for problem in problems]


def test_front_matter_lines_are_source_lines():
    front_matter = frontmatter.read_front_matter(GOOD)
    assert front_matter.values["status"] == "accepted"
    assert front_matter.values["deciders"] == ["platform-lead"]
    assert front_matter.lines == {"status": 2, "date": 3, "deciders": 4, "tags": 5}
    assert front_matter.problems == []


def test_good_record_has_no_problems():
    found, problems = record_from(GOOD)
    assert problems == []
    assert found.number == 4 and found.status == "accepted" and found.date == "2026-05-20"
    assert found.link_text == "ADR-0004: Queue jobs in PostgreSQL"
    assert found.short_title == "Queue jobs in PostgreSQL"


def test_status_is_case_insensitive():
    found, problems = record_from(GOOD.replace("accepted", "ACCEPTED"))
    assert problems == [] and found.status == "accepted"


def test_unknown_status_lists_allowed_values():
    _, problems = record_from(GOOD.replace("accepted", "acepted"))
    assert rules(problems) == [("status", 2)]
    assert "proposed, accepted, rejected, deprecated, superseded" in problems[0].message


@pytest.mark.parametrize("date", ["2026-02-30", "20 May 2026", "2026-13-01", "[2026]"])
def test_impossible_date(date):
    _, problems = record_from(GOOD.replace("2026-05-20", date))
    assert ("date", 3) in rules(problems)


def test_missing_required_field_points_at_front_matter():
    _, problems = record_from(GOOD.replace("deciders: [platform-lead]\n", ""))
    assert rules(problems) == [("field", 1)]
    assert "'deciders'" in problems[0].message


def test_a_missing_status_says_which_statuses_there_are():
    """The finding's hint for record-status is "use one of the statuses the message lists"."""
    _, problems = record_from(GOOD.replace("status: accepted\n", ""))
    assert rules(problems) == [("status", 1)]
    assert "add 'status: proposed' (one of: proposed, accepted, rejected, deprecated, superseded)" in problems[0].message


def test_rfc_needs_authors_not_deciders():
    text = GOOD.replace("accepted", "draft")
    _, problems = build_record(kinds.RFC, "engineering/rfcs/0001-x", "RFC-0001: X", 7,
                                     frontmatter.read_front_matter(text))
    messages = " ".join(p.message for p in problems)
    assert "required field 'authors'" in messages and "unknown field 'deciders'" in messages


def test_superseded_needs_superseded_by():
    _, problems = record_from(GOOD.replace("accepted", "superseded"))
    assert rules(problems) == [("supersedes", 2)]


def test_superseded_by_needs_superseded_status():
    _, problems = record_from(GOOD.replace("tags: [infra]", "superseded-by: 9"))
    assert rules(problems) == [("supersedes", 5)]


def test_duplicate_key_is_a_problem_not_a_silent_overwrite():
    _, problems = record_from(GOOD.replace("tags: [infra]", "status: rejected"))
    assert ("front-matter", 5) in rules(problems)


@pytest.mark.parametrize("text, line", [
    ("---\nstatus: [unclosed\n---\n", 2),
    ("---\n- a list\n---\n", 2),
    ("---\nstatus: accepted\n", 1),
])
def test_broken_front_matter_is_located(text, line):
    front_matter = frontmatter.read_front_matter(text)
    assert [p.rule for p in front_matter.problems] == ["front-matter"]
    assert front_matter.problems[0].line == line


def test_file_name_must_be_numbered_slug():
    _, problems = record_from(GOOD, docname="engineering/adr/4_Queue Jobs")
    assert rules(problems) == [("filename", 1)]
    assert "0004-queue-jobs.md" in problems[0].message


def test_title_number_must_match_file_number():
    front_matter = frontmatter.read_front_matter(GOOD)
    _, problems = build_record(kinds.ADR, "engineering/adr/0005-x", "ADR-0004: Queue", 7, front_matter)
    assert rules(problems) == [("title", 7)]


@pytest.mark.parametrize("value, number", [("9", 9), ("0009", 9), ("ADR-0009", 9), ("adr 9", 9),
                                            ("nine", None), ("", None), ("9.5", None)])
def test_parse_number(value, number):
    assert kinds.parse_number(value) == number


def test_slugify():
    assert names.slugify("Use X for Y!") == "use-x-for-y"
    assert names.slugify("  ¿¡ ") == ""


def make(number, status="accepted", supersedes=(), superseded_by=None, docname=None):
    return DecisionRecord(
        kind="adr", number=number, docname=docname or f"engineering/adr/{number:04d}-r", title=f"R{number}",
        status=status, date="2026-01-01", people=["x"], supersedes=list(supersedes),
        superseded_by=superseded_by, tags=[], discussion=None, lines={"supersedes": 5, "superseded-by": 6})


def test_log_accepts_reciprocal_supersedes():
    assert check_log([make(1, "superseded", superseded_by=2), make(2, supersedes=[1])]) == []


def test_log_rejects_one_way_supersedes_in_both_directions():
    forward = check_log([make(1), make(2, supersedes=[1])])
    assert [(p.docname, p.line) for p in forward] == [("engineering/adr/0002-r", 5)]
    assert "superseded-by: 2" in forward[0].message
    backward = check_log([make(1, "superseded", superseded_by=2), make(2)])
    assert [(p.docname, p.line) for p in backward] == [("engineering/adr/0001-r", 6)]
    assert "supersedes: [1]" in backward[0].message


def test_log_rejects_dangling_references():
    problems = check_log([make(1, "superseded", superseded_by=7), make(2, supersedes=[8])])
    assert sorted(p.message.split(",")[0] for p in problems) == [
        "ADR-0001 is superseded by ADR-0007", "ADR-0002 supersedes ADR-0008"]


def test_log_rejects_duplicate_numbers():
    problems = check_log([make(3, docname="engineering/adr/0003-a"), make(3, docname="engineering/adr/0003-b")])
    assert [(p.rule, p.docname) for p in problems] == [("number", "engineering/adr/0003-b")]
    assert "0003-a" in problems[0].message and "next free number is 0004" in problems[0].message


def test_log_rejects_a_successor_not_in_force():
    proposed = check_log([make(1, "superseded", superseded_by=2), make(2, "proposed", supersedes=[1])])
    assert [(p.rule, p.docname) for p in proposed] == [("lifecycle", "engineering/adr/0002-r")]
    assert "still proposed, so no decision on this is in force" in proposed[0].message
    rejected = check_log([make(1, "superseded", superseded_by=2), make(2, "rejected", supersedes=[1])])
    assert [p.rule for p in rejected] == ["lifecycle"] and "was rejected" in rejected[0].message
    # A chain is fine: the successor has since been superseded or deprecated in its turn.
    assert check_log([make(1, "superseded", superseded_by=2), make(2, "superseded", [1], superseded_by=3),
                      make(3, supersedes=[2])]) == []
    assert check_log([make(1, "superseded", superseded_by=2), make(2, "deprecated", supersedes=[1])]) == []


def test_log_names_a_cycle_once():
    problems = check_log([make(5, "superseded", [6], superseded_by=6), make(6, "superseded", [5], superseded_by=5)])
    assert [(p.rule, p.docname, p.line) for p in problems] == [("lifecycle", "engineering/adr/0005-r", 6)]
    assert "ADR-0005 -> ADR-0006 -> ADR-0005" in problems[0].message
    three = check_log([make(1, "superseded", [3], superseded_by=2), make(2, "superseded", [1], superseded_by=3),
                       make(3, "superseded", [2], superseded_by=1)])
    assert [p.rule for p in three] == ["lifecycle"]


def test_log_does_not_blame_a_record_whose_front_matter_is_unreadable():
    unreadable = make(2)
    unreadable.readable = False
    assert check_log([make(1, "superseded", superseded_by=2), unreadable]) == []


def test_broken_front_matter_is_the_only_problem():
    found, problems = record_from("---\nstatus: accepted\ndeciders: [a\n---\n")
    assert rules(problems) == [("front-matter", 3)]
    assert not found.readable


@pytest.mark.parametrize("value, kind, number", [("RFC-0001", kinds.ADR, None), ("ADR-0001", kinds.ADR, 1),
                                                 ("1", kinds.RFC, 1), ("ADR-2", kinds.RFC, None)])
def test_parse_number_keeps_to_the_kind(value, kind, number):
    assert kinds.parse_number(value, kind) == number


def test_an_rfc_named_in_an_adrs_supersedes_is_not_that_adr():
    found, problems = record_from(GOOD.replace("tags: [infra]", "supersedes: [RFC-0001]"))
    assert found.supersedes == [] and rules(problems) == [("supersedes", 5)]
    assert "names RFC-0001" in problems[0].message


@pytest.mark.parametrize("typed, meant", [("aproved", "'accepted'"), ("Approved", "'accepted'"),
                                          ("superseeded", "'superseded'"), ("deprected", "'deprecated'")])
def test_status_suggestions(typed, meant):
    _, problems = record_from(GOOD.replace("accepted", typed))
    assert f"did you mean {meant}" in problems[0].message


def test_rules_are_a_table():
    """Each rule is one entry: a rule that is left out is a rule that does not run."""
    assert [rule.__name__ for rule, _ in fields.RULES][:2] == ["file_name", "title"]
    assert all(needs for rule, needs in fields.RULES[2:])
    assert [rule.__name__ for rule in log_rules.RULES] == [
        "numbers_taken_once", "supersedes_answered", "successor_answers", "successor_in_force",
        "supersession_goes_forward"]


def test_index_orders():
    records = [make(1), make(2, "proposed"), make(3, "rejected")]
    for found, date in zip(records, ("2026-01-01", "2026-03-01", "2026-02-01"), strict=True):
        found.date = date
    assert [r.number for r in index_order(records, "number")] == [1, 2, 3]
    assert [r.number for r in index_order(records, "newest")] == [2, 3, 1]
    assert [r.number for r in index_order(records[::-1], "open-first")] == [2, 3, 1]


def test_an_unclosed_bracket_is_found_where_it_opens():
    text = "---\nstatus: accepted\ndeciders: [a\nsupersedes: [5]\ntags: [x]\n---\n"
    [problem] = frontmatter.read_front_matter(text).problems
    assert problem.line == 3 and "flow sequence that starts on this line and is not closed" in problem.message


def test_no_front_matter_at_all_is_one_problem():
    _, problems = record_from("# ADR-0004: Queue jobs in PostgreSQL\n")
    assert rules(problems) == [("front-matter", 1)]
    assert "has no front matter; start the file with '---', 'status: proposed'" in problems[0].message
