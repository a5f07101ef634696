"""Decision records under hostile front matter: every page ends in a record or in located problems.

Property-based (Hypothesis). The plain functions of ``handbook.records`` get thousands of
generated pages: wrong types, nested maps, huge numbers, any Unicode, YAML that is not a mapping,
duplicate keys, anchors and alias bombs, long lines, tabs, NUL bytes, unterminated quotes, ``---``
inside values. Whatever comes in, the parser returns values or problems, never an exception or a
hang, and every problem names a rule, a line of the page and a message. A few dozen real Sphinx
builds then feed the directives the same kind of input and read their warnings the way
``make check`` does.

"A line of the page" is counted as Sphinx and editors count it: at line feeds (and carriage returns,
which Python's text mode turns into line feeds), not at U+2028, form feeds and the other characters
``str.splitlines()`` also breaks at (``quality/text.py`` makes the same choice, for the same reason).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import multiprocessing
import pickle
import re
import resource
import signal
import tempfile
import unicodedata
from pathlib import Path

import pytest
from conftest import write_tree
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from handbook import dates, frontmatter
from handbook.records import kinds
from handbook.records.fields import build_record
from handbook.records.log import check_log
from handbook.records.record import DecisionRecord

pytestmark = pytest.mark.slow

# --- what every answer must look like -----------------------------------------------------------

# Problem.rule becomes the warning subtype "handbook.record-<rule>"; the README lists these.
RULES = {"front-matter", "status", "date", "field", "supersedes", "filename", "title", "number", "directive",
         "lifecycle"}
DEADLINE = dt.timedelta(seconds=2)  # per generated page; parsing one takes milliseconds
HANG = 20  # seconds: a parse still running after this is a hang, reported as a failure, not waited out


def page_lines(text: str) -> int:
    """How many lines a page has, as Sphinx and an editor number them."""
    return len(re.split(r"\r\n|\r|\n", text))


def unprintable(message: str) -> list[str]:
    """Characters that break a one-line ``file:line: WARNING: message`` or drive the terminal."""
    return [f"U+{ord(char):04X}" for char in message
            if char != "\t" and unicodedata.category(char) in ("Cc", "Zl", "Zp")]


def assert_located(problems, text: str, rules=RULES) -> None:
    last = page_lines(text)
    for problem in problems:
        assert problem.rule in rules, problem
        assert isinstance(problem.line, int) and 1 <= problem.line <= last, (
            f"problem on line {problem.line} of a {last}-line page: {problem}")
        assert isinstance(problem.message, str) and problem.message.strip(), problem


def assert_plain(value) -> None:
    """Front matter values are what the environment can pickle: strings, lists, the mapping marker."""
    if isinstance(value, list):
        for item in value:
            assert_plain(item)
    elif isinstance(value, dict):
        assert value == {"__mapping__": True} or value == {}, value
    else:
        assert isinstance(value, str), value


class Hang(Exception):
    pass


@contextlib.contextmanager
def finishes_within(seconds: float):
    """Turn a parse that never ends into a failing example instead of a test run that never ends."""
    def stop(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def read(text: str) -> frontmatter.FrontMatter:
    with finishes_within(HANG):
        front_matter = frontmatter.read_front_matter(text)
    assert isinstance(front_matter, frontmatter.FrontMatter)
    return front_matter


def build(kind: kinds.RecordKind, docname: str, text: str, title: str, title_line: int):
    front_matter = read(text)
    with finishes_within(HANG):
        record, problems = build_record(kind, docname, title, title_line, front_matter)
    return front_matter, record, problems


# --- generated pages ----------------------------------------------------------------------------

# Words YAML, dates and record numbers are easy to get wrong with.
TRICKY = [
    "", " ", "~", "null", "Null", "yes", "no", "on", "off", "true", "False", ".inf", "-.inf", ".nan", "0x1F",
    "0o17", "1e999", "-0", "9" * 400, "-" + "9" * 40, "2026-02-30", "2026-05-20", "2026-5-20", "20260520",
    "2026-05-20T10:00:00Z", "12:30:00", "٢٠٢٦-٠٥-٢٠", "ADR-0009", "adr 9", "0009", "९", "RFC-12", "9.5",
    "accepted", "ACCEPTED", "superseded", "draft", "acepted", "proposed ", "https://example.org/t/1",
    "javascript:alert(1)", "'", '"', "'unterminated", '"unterminated', "'it''s'", "---", "...", "--- x",
    "a --- b", "- item", "? key", ": value", "#comment", "a #comment", "{", "[", "]", "}", "{a: [b", "|", ">",
    "%YAML 1.2", "!!binary aGk=", "!!python/object:os.system x", "&anchor x", "*alias", "<<", "\t", "\x00",
    "a\x00b", "\x1b[31mred\x1b[0m", "\u202eevil\u202c", "🚀", "👩🏽‍💻", "🇰🇪", "❤️", "مرحبا بالعالم", "שלום",
    "قرار معماري", "\u2028", "a\u2029b", "\x85", "\x0c", "\x1c", "\ufeff", "\ufffd", "\U0010fffd",
]
KEYS = [
    "status", "date", "deciders", "authors", "supersedes", "superseded-by", "tags", "discussion",
    "owner", "last-reviewed", "review-every", "Status", "STATUS", "date ", "superseeded-by", "x", "",
    "~", "null", "yes", "1", "🚀", "مفتاح", "a b", "-", "key:with:colons", "__title__", "__mapping__",
]

any_text = st.text(max_size=40)  # any code point but surrogates, which a UTF-8 file cannot hold
scalars = st.one_of(
    any_text,
    st.sampled_from(TRICKY),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    # Long lines: no flow brackets, which YAML would read as thousands of nested lists.
    st.builds(lambda piece, times: piece * times,
              st.text(alphabet=st.characters(exclude_characters="[]{}"), min_size=1, max_size=4),
              st.integers(min_value=50, max_value=1500)),
)
trees = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(KEYS), children, max_size=3),
    max_leaves=6,
)

YAML_PRINTABLE = re.compile("[\t\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def double_quoted(text: str) -> str:
    """A YAML double-quoted scalar for any text: escapes for what YAML cannot hold raw.

    U+2028 and U+2029 stay raw (YAML allows them, as line breaks that a double-quoted string keeps),
    with the spaces and tabs beside them escaped, which YAML would trim; U+0085 is escaped, because
    YAML 1.1 reads it as a line break and folds it into a space.
    """
    out = []
    for index, char in enumerate(text):
        near_break = any(other in "\u2028\u2029" for other in text[max(index - 1, 0):index + 2])
        if char in '"\\':
            out.append("\\" + char)
        elif char in " \t" and near_break:  # YAML trims white space around a line break
            out.append("\\x20" if char == " " else "\\t")
        elif char != "\x85" and YAML_PRINTABLE.fullmatch(char):
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@st.composite
def rendered_scalar(draw, text: str) -> str:
    style = draw(st.sampled_from(["plain", "plain", "plain", "double", "double", "single"]))
    if style == "double":
        return double_quoted(text)
    if style == "single":
        return single_quoted(text)
    return text


@st.composite
def flow(draw, value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(draw(flow(item)) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{draw(rendered_scalar(key))}: {draw(flow(item))}" for key, item in value.items()) + "}"
    return draw(rendered_scalar(value))


@st.composite
def entry_lines(draw, key: str, value) -> list[str]:
    """One ``key: value`` of the front matter, in flow or block style."""
    head = draw(rendered_scalar(key)) + ":"
    style = draw(st.sampled_from(["flow", "flow", "block", "literal", "empty"]))
    if style == "empty":
        return [head]
    if style == "literal" and isinstance(value, str):
        return [head + " " + draw(st.sampled_from(["|", ">", "|-", ">+"]))] + [
            "  " + line for line in value.split("\n")]
    if style == "block" and isinstance(value, list):
        return [head] + [f"  - {draw(flow(item))}" for item in value]
    if style == "block" and isinstance(value, dict):
        return [head] + [f"  {draw(rendered_scalar(k))}: {draw(flow(v))}" for k, v in value.items()]
    return [f"{head} {draw(flow(value))}"]


JUNK_LINES = ["---", "...", "--- ", "# a comment", "", "   ", "\t", "\tstatus: accepted", "- a list item",
              "status: 'unterminated", 'date: "unterminated', "key: [unclosed", "&a anchored: x", "*a : y",
              "? complex key", ": orphan value", "%TAG ! tag:example.org,2026:", "  indented: x", "\x00",
              "a: b: c", "<<: *missing"]

TITLES = ["ADR-0001: Queue jobs", "ADR-0004: Number differs", "RFC-0001: Wrong kind", "", "#", "Plain title",
          "ADR-99999999999999999999: Huge", "adr 1 - lower case", "🚀 Launch", "قرار", "ADR-0001:"]
DOCNAMES = ["engineering/adr/0001-a", "engineering/adr/0012-use-x", "engineering/adr/12_Use_X",
            "engineering/adr/notes", "engineering/rfcs/0003-b", "engineering/adr/٠٠٠٤-x",
            "engineering/adr/9999-z", "engineering/adr/0000-zero"]


# Values a writer would plausibly give each field, right or nearly right.
people = st.lists(st.sampled_from(["platform-lead", "handbook-maintainers", "Ana María", "قرار", "🚀 team", "a"]),
                  max_size=3)
record_numbers = st.integers(min_value=0, max_value=12).map(str) | st.sampled_from(["ADR-0002", "adr 3", "x", "0"])
PLAUSIBLE = {
    "status": st.sampled_from([*kinds.ADR.statuses, *kinds.RFC.statuses, "Accepted", "acepted", ""]),
    "date": st.dates().map(dt.date.isoformat) | st.sampled_from(["2026-02-30", "2026-5-20", "20 May 2026", ""]),
    "deciders": people, "authors": people, "tags": people,
    "supersedes": st.lists(record_numbers, max_size=3) | record_numbers,
    "superseded-by": record_numbers,
    "discussion": st.sampled_from(["https://example.org/discussions/1", "http://x", "not a link", "ftp://x"]),
    "owner": st.sampled_from(["handbook-maintainers", "", "a b"]),
    "last-reviewed": st.dates().map(dt.date.isoformat),
    "review-every": st.integers(min_value=-5, max_value=5000).map(str),
}


@st.composite
def pages(draw) -> str:
    """A page that starts with something like front matter, and the rest of the page after it."""
    entries = []
    if draw(st.integers(min_value=0, max_value=9)) < 7:  # most pages carry the three required fields
        for field in ("status", "date", draw(st.sampled_from(["deciders", "authors"]))):
            entries.append((field, draw(PLAUSIBLE[field])))
    for key, value in draw(st.lists(st.tuples(st.sampled_from(KEYS) | any_text, trees), max_size=4)):
        entries.append((key, draw(PLAUSIBLE[key]) if key in PLAUSIBLE and draw(st.booleans()) else value))
    lines: list[str] = []
    for key, value in draw(st.permutations(entries)):
        lines += draw(entry_lines(key, value))
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 3]))):
        junk = draw(st.sampled_from(JUNK_LINES) | any_text)
        lines.insert(draw(st.integers(min_value=0, max_value=len(lines))), junk)
    opening = draw(st.sampled_from(["---"] * 6 + ["--- ", "---\t", "----", " ---", "", "\ufeff---"]))
    closing = draw(st.sampled_from(["---"] * 6 + ["...", "--- ", None]))
    body = [opening, *lines] + ([closing] if closing is not None else [])
    body += [f"# {draw(st.sampled_from(TITLES))}", "", "```{adr-status}", "```", ""]
    newline = draw(st.sampled_from(["\n", "\n", "\n", "\r\n"]))
    return newline.join(body)


@st.composite
def not_mappings(draw) -> str:
    """Front matter that is valid YAML but not ``field: value`` lines."""
    block = draw(st.sampled_from([
        "- a\n- b", "just some text", "42", "~", "[status, accepted]", "'quoted: not a mapping'",
        "? a\n? b", "!!set {a, b}", "|\n  a literal block", "&a [1, *a]",
    ]) | any_text.map(double_quoted))
    return f"---\n{block}\n---\n# ADR-0001: X\n"


# --- the parser -------------------------------------------------------------------------------


def check_page(text: str, kind: kinds.RecordKind, docname: str, title: str, title_line: int) -> None:
    front_matter, record, problems = build(kind, docname, text, title, title_line)
    last = page_lines(text)
    assert_located(front_matter.problems, text, rules={"front-matter"})
    for key, line in front_matter.lines.items():
        assert isinstance(key, str) and key in front_matter.values
        assert 1 <= line <= last, f"field {key!r} said to be on line {line} of a {last}-line page"
    for value in front_matter.values.values():
        assert_plain(value)
    assert_located(problems, text)
    assert isinstance(record, DecisionRecord)
    assert record.status is None or record.status in kind.statuses
    assert record.date is None or dates.parse_date(record.date) is not None
    assert all(isinstance(person, str) for person in record.people + record.tags)
    assert all(isinstance(number, int) for number in record.supersedes)
    # What the domain keeps in the environment must pickle and come back equal.
    fields = dataclasses.asdict(record)
    assert pickle.loads(pickle.dumps(fields)) == fields
    with finishes_within(HANG):
        log = check_log([record])
    for problem in log:
        assert problem.docname == docname and problem.rule in RULES
        assert 1 <= problem.line <= max(last, title_line)


def with_title_line(texts: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str, int]]:
    """A page and the line its title is on (any line of the page)."""
    return st.tuples(texts, st.integers(min_value=0, max_value=1000)).map(
        lambda drawn: (drawn[0], 1 + drawn[1] % page_lines(drawn[0])))


# Any text at all, or text made mostly of what YAML's syntax is made of; mostly with a closing line.
YAMLISH = st.sampled_from(list("ab0: -[]{}'\"#&*!|>?,%@`~\n\n\t\\")) | st.characters()
any_front_matter = st.builds(
    lambda body, closing, rest: "---\n" + body + closing + rest,
    st.text(max_size=200) | st.text(alphabet=YAMLISH, max_size=200),
    st.sampled_from(["\n---\n", "\n---\n", "\n...\n", "\n---", ""]),
    st.sampled_from(["", "# ADR-0001: A\n", "# ADR-0001: A\n\n```{adr-status}\n```\n"]))


@settings(max_examples=1800, deadline=DEADLINE)
@given(page=with_title_line(any_front_matter),
       kind=st.sampled_from([kinds.ADR, kinds.RFC]), docname=st.sampled_from(DOCNAMES), title=st.sampled_from(TITLES))
# U+001C (like a form feed or U+2028) is no line break to Sphinx or an editor, but is one to str.splitlines().
@example(page=("---\nstatus: accepted\x1c\x1c\x1c\x1cstatus: again\n---\n", 1), kind=kinds.ADR,
         docname=DOCNAMES[0], title=TITLES[0])
def test_any_text_after_an_opening_line_reads_to_values_or_located_problems(page, kind, docname, title):
    text, title_line = page
    check_page(text, kind, docname, title, title_line)


@settings(max_examples=400, deadline=DEADLINE, suppress_health_check=[HealthCheck.too_slow])
@given(page=with_title_line(pages() | not_mappings()), kind=st.sampled_from([kinds.ADR, kinds.RFC]),
       docname=st.sampled_from(DOCNAMES), title=st.sampled_from(TITLES))
@example(page=("---\nstatus: proposed\ntags: " + "\x1e" * 20 + "\ndeciders: [a]\n---\n# ADR-0001: A\n", 1),
         kind=kinds.ADR, docname=DOCNAMES[0], title=TITLES[0])
def test_generated_front_matter_reads_to_a_record_or_located_problems(page, kind, docname, title):
    text, title_line = page
    check_page(text, kind, docname, title, title_line)


# --- fields are where they are written, with the values as written -----------------------------

plain_keys = st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)
# Values the writer quotes: any text at all, written as a YAML double-quoted string.
quoted_values = st.one_of(any_text, st.sampled_from(TRICKY), st.text(alphabet="a\u2028\u2029 \t", max_size=8))


@st.composite
def written_front_matter(draw) -> tuple[str, dict, dict]:
    """Front matter, the values a reader should get, and the line each key is written on."""
    keys = draw(st.lists(plain_keys, unique=True, max_size=8))
    lines, values, where = ["---"], {}, {}
    for key in keys:
        shape = draw(st.sampled_from(["scalar", "list", "block-list", "mapping", "null"]))
        where[key] = len(lines) + 1
        if shape == "scalar":
            value = draw(quoted_values)
            lines.append(f"{key}: {double_quoted(value)}")
        elif shape == "null":
            value = ""
            lines.append(f"{key}:{draw(st.sampled_from(['', ' ~', ' null']))}")
        elif shape == "mapping":
            value = {"__mapping__": True}
            lines += [f"{key}:", f"  inner: {double_quoted(draw(quoted_values))}"]
        else:
            value = draw(st.lists(quoted_values, max_size=4))
            if shape == "list":
                lines.append(f"{key}: [{', '.join(double_quoted(item) for item in value)}]")
            else:
                lines += [f"{key}:"] + [f"  - {double_quoted(item)}" for item in value] if value else [f"{key}: []"]
        values[key] = value
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["# a comment", "", "# --- not the end", "   "])))
    lines += ["---", "# ADR-0001: Title", ""]
    return "\n".join(lines), values, where


@settings(max_examples=250, deadline=DEADLINE)
@given(written=written_front_matter())
@example(written=("---\nnote: \"one\u2028two\"\nstatus: \"accepted\"\n---\n# ADR-0001: Title\n",
                  {"note": "one\u2028two", "status": "accepted"}, {"note": 2, "status": 3}))
def test_fields_are_found_on_the_line_they_are_written_on_with_their_values(written):
    text, values, where = written
    front_matter = read(text)
    assert front_matter.problems == []
    assert front_matter.lines == where
    assert front_matter.values == values


# --- a record without problems is a whole record -------------------------------------------------

GOOD = {"status": "accepted", "date": "2026-05-20", "deciders": "[platform-lead]"}


@settings(max_examples=250, deadline=DEADLINE)
@given(overrides=st.dictionaries(st.sampled_from(["status", "date", "deciders", "tags", "supersedes"]),
                                 trees.flatmap(flow), max_size=3))
@example(overrides={"deciders": '[""]'})
@example(overrides={"deciders": '"  "'})
@example(overrides={"deciders": "[~, ' ']"})
def test_a_record_without_problems_is_a_whole_record(overrides):
    """No problem reported means a status, a real date and at least one named person."""
    fields = {**GOOD, **overrides}
    text = "---\n" + "".join(f"{key}: {value}\n" for key, value in fields.items()) + "---\n# ADR-0001: A\n"
    _, record, problems = build(kinds.ADR, "engineering/adr/0001-a", text, "ADR-0001: A", 5)
    assert_located(problems, text)
    assert all(person.strip() for person in record.people), f"a blank person in {record.people!r}"
    if not problems:
        assert record.status in kinds.ADR.statuses
        assert dates.parse_date(record.date) is not None
        assert record.people, f"no deciders and no problem for {text!r}"
        assert record.number == 1


# --- messages print as one line ----------------------------------------------------------------


@settings(max_examples=150, deadline=DEADLINE, suppress_health_check=[HealthCheck.too_slow])
@given(text=pages(), kind=st.sampled_from([kinds.ADR, kinds.RFC]), docname=st.sampled_from(DOCNAMES))
@example(text="---\nstatus: |\n  accepted\n  /etc/x.md:1: WARNING: forged\ndate: 2026-05-20\ndeciders: [a]\n---\n",
         kind=kinds.ADR, docname=DOCNAMES[0])
@example(text='---\nstatus: "\\e[2J\\e[31mred"\ndate: 2026-05-20\ndeciders: [a]\n---\n', kind=kinds.ADR,
         docname=DOCNAMES[0])
def test_problem_messages_print_on_one_line(text, kind, docname):
    """Sphinx prints each problem as ``file:line: WARNING: message``: a message that quotes a value
    must not break that line in two, or send escape sequences to the terminal."""
    _, _, problems = build(kind, docname, text, TITLES[0], 1)
    for problem in problems:
        assert not unprintable(problem.message), f"{unprintable(problem.message)} in {problem.message!r}"


# --- the whole decision log -----------------------------------------------------------------------

numbers = st.one_of(st.integers(min_value=0, max_value=6), st.integers(min_value=-(10**20), max_value=10**20))


@st.composite
def decision_logs(draw) -> list[DecisionRecord]:
    records = []
    for index in range(draw(st.integers(min_value=0, max_value=6))):
        kind = draw(st.sampled_from(["adr", "rfc"]))
        number = draw(st.none() | numbers)
        lines = draw(st.dictionaries(st.sampled_from(["supersedes", "superseded-by", "status", "__title__"]),
                                     st.integers(min_value=1, max_value=60)))
        records.append(DecisionRecord(
            kind=kind, number=number, docname=f"engineering/{kind}/{index:04d}-{draw(st.text(max_size=8))}",
            title=draw(st.sampled_from(TITLES) | any_text), status=draw(st.none() | st.sampled_from(kinds.KINDS[kind].statuses)),
            date=None, people=[], supersedes=draw(st.lists(numbers, max_size=4)), superseded_by=draw(st.none() | numbers),
            tags=[], discussion=None, lines=lines))
    return records


@settings(max_examples=150, deadline=DEADLINE)
@given(records=decision_logs())
def test_the_decision_log_rules_take_any_set_of_records(records):
    with finishes_within(HANG):
        problems = check_log(records)
    by_docname = {record.docname: record for record in records}
    for problem in problems:
        assert problem.rule in {"number", "supersedes", "lifecycle"} and problem.message.strip()
        record = by_docname[problem.docname]
        assert problem.line == 1 or problem.line in record.lines.values(), (problem, record.lines)
    # Each cross-record rule is reported once per record and reason, whatever the order given.
    again = check_log(list(reversed(records)))
    assert sorted(map(repr, again)) == sorted(map(repr, problems))


# --- anchors, aliases and alias bombs ----------------------------------------------------------


def parse_in_child(text: str, seconds: float = 5, memory: int = 256 * 2**20):
    """Parse a page in a forked child with a time limit and a memory allowance.

    An alias bomb would otherwise take the test run's memory with it; the child dies instead and the
    example fails with what happened.
    """
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        size = int(re.search(r"VmSize:\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1)) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size + memory, resource.getrlimit(resource.RLIMIT_AS)[1]))
        try:
            front_matter = frontmatter.read_front_matter(text)
            record, problems = build_record(kinds.ADR, "engineering/adr/0001-a", "ADR-0001: A", 1, front_matter)
            pickle.dumps(dataclasses.asdict(record))  # what the domain keeps in the environment
            check_log([record])
            send.send(("done", [(p.rule, p.line, p.message) for p in problems]))
        except BaseException as error:  # noqa: BLE001 - reported to the parent, whatever it is
            send.send(("raised", f"{type(error).__name__}: {error}"[:500]))

    process = context.Process(target=child, daemon=True)
    process.start()
    send.close()  # the child holds the only writing end now: its death reads as end of file
    try:
        if not receive.poll(seconds):
            return "hung", f"still parsing after {seconds} s"
        return receive.recv()
    except EOFError:
        return "died", f"the parser's process died (exit code {process.exitcode})"
    finally:
        if process.is_alive():
            process.kill()
        process.join()


def alias_chain(levels: int, width: int, field: str = "tags", leaf: str = "lol") -> str:
    lines = ["---", "status: accepted", "date: 2026-05-20", "deciders: [a]", f"l0: &l0 {leaf}"]
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join([*lines, f"{field}: *l{levels}", "---", "# ADR-0001: A", ""])


BOMBS = {
    "billion laughs": alias_chain(9, 9),
    "self-reference": "---\nstatus: accepted\ntags: &a [*a, *a, *a, *a]\n---\n",
    "wide, not deep": ("---\nbase: &b [" + ", ".join(["x"] * 1000) + "]\n"
                       + "".join(f"k{n}: [" + ", ".join(["*b"] * 1000) + "]\n" for n in range(30)) + "---\n"),
    "mappings and sequences": "---\na: &a {x: [1, 2]}\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\ntags: [*c, *c, *c]\n---\n",
    "alias as key": "---\n&k status: accepted\n*k : rejected\n---\n",
}


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_alias_bombs_end_in_problems_not_in_a_hang(bomb):
    text = BOMBS[bomb]
    outcome, detail = parse_in_child(text)
    assert outcome == "done", f"{bomb}: {detail}"
    for rule, line, message in detail:
        assert rule in RULES and 1 <= line <= page_lines(text) and message


# Failing examples here each cost the whole time limit, so they are reported as found, not shrunk.
@settings(max_examples=30, deadline=dt.timedelta(seconds=30), phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(levels=st.integers(min_value=1, max_value=12), width=st.integers(min_value=1, max_value=12),
       field=st.sampled_from(["tags", "deciders", "supersedes", "status", "x-data"]),
       leaf=st.sampled_from(["lol", "'a b'", "[1, 2]", "{k: v}", "~", "&inner x"]))
def test_generated_alias_chains_end_in_problems_not_in_a_hang(levels, width, field, leaf):
    text = alias_chain(levels, width, field, leaf)
    outcome, detail = parse_in_child(text)
    assert outcome == "done", f"{width}**{levels} values under {field!r}: {detail}"
    for rule, line, message in detail:
        assert rule in RULES and 1 <= line <= page_lines(text) and message


def test_deep_nesting_is_a_problem_not_a_crash():
    for opener in ("[", "{", "[a, ", "- "):
        text = "---\ntags: " + opener * 600 + "\n---\n"
        assert_located(read(text).problems, text, rules={"front-matter"})


# --- real builds: the directives and the domain ----------------------------------------------------

BUILD_SETTINGS = settings(
    max_examples=20, deadline=dt.timedelta(seconds=60),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# "path:line: WARNING: message [handbook.subtype]", and where a new warning starts.
HANDBOOK_WARNING = re.compile(r"^(?P<path>/.+?):(?P<line>\d+): WARNING: (?P<message>.+) \[handbook\.(?P<subtype>[a-z-]+)\]$")
WARNING_START = re.compile(r"^(?:.*?: )?(?:WARNING|ERROR|CRITICAL|SEVERE): ")

RECORDS_INDEX = "# Decisions\n\n```{{adr-index}}\n:status: {status}\n```\n\n```{{toctree}}\n:glob:\n\n0*\n```\n"
ROOT = "# Handbook\n\n```{toctree}\nengineering/adr/index\n```\n"


def accepted_adr(number: int, status: str) -> str:
    return (f"---\nstatus: {status}\ndate: 2026-05-20\ndeciders: [a]\n---\n# ADR-{number:04d}: Decision {number}\n\n"
            "```{adr-status}\n```\n")


def warnings_of(text: str) -> list[str]:
    """The build's warnings, one string each; a warning whose message spans lines stays one string."""
    found: list[str] = []
    for line in text.split("\n"):  # not splitlines(): a message may hold U+2028 and the like
        if not line.strip():
            continue
        if WARNING_START.match(line) or not found:
            found.append(line)
        else:
            found[-1] += "\n" + line
    return [warning for warning in found if warning.strip()]


def assert_build_is_sound(built, srcdir: Path) -> None:
    everything = built.warnings + built.app.status.getvalue()
    assert "Traceback" not in everything and "Exception occurred" not in everything, everything
    for warning in warnings_of(built.warnings):
        if "[handbook." not in warning:
            continue  # Sphinx's and MyST-Parser's own warnings are theirs to format
        match = HANDBOOK_WARNING.match(warning)
        assert match and "\n" not in warning, f"a handbook warning that is not one located line: {warning!r}"
        assert not unprintable(match.group("message")), warning
        path = Path(match.group("path"))
        assert path.is_file() and srcdir in path.parents, warning
        assert 1 <= int(match.group("line")) <= page_lines(path.read_text(encoding="utf-8-sig")), warning


def fresh_dirs(tmp_path: Path) -> tuple[Path, Path]:
    """Each generated example gets its own source and build folders: no incremental state leaks."""
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    return root / "src", root / "_build"


status_options = st.one_of(
    st.text(alphabet=st.characters(exclude_characters="\n\r"), max_size=40),
    st.lists(st.sampled_from([*kinds.ADR.statuses, "Accepted", "ACCEPTED", "acepted", "draft", ",", "review"]),
             min_size=1, max_size=4).flatmap(lambda words: st.sampled_from([" ", ", ", ","]).map(lambda sep: sep.join(words))),
)


@settings(BUILD_SETTINGS, max_examples=15)
@given(status=status_options)
@example(status="acepted")
@example(status="accepted \x1b[2J\x1b[31mred")  # a word that is no status, quoted back to the terminal
def test_index_status_filter_with_any_value(build_tree, tmp_path, status):
    srcdir, builddir = fresh_dirs(tmp_path)
    write_tree(srcdir, {"index.md": ROOT, "engineering/adr/index.md": RECORDS_INDEX.format(status=status),
                        "engineering/adr/0001-a.md": accepted_adr(1, "accepted"),
                        "engineering/adr/0002-b.md": accepted_adr(2, "rejected"),
                        "engineering/adr/0003-c.md": accepted_adr(3, "proposed")})
    with finishes_within(120):
        built = build_tree(srcdir=srcdir, builddir=builddir)
    assert_build_is_sound(built, srcdir)
    index = built.html("engineering/adr/index")
    assert "__none__" not in index, "the index shows its internal 'nothing matches' marker to readers"
    if re.fullmatch(r"[A-Za-z, ]*", status) and status.replace(",", " ").split():
        # Plain words reach the directive as written: the table lists exactly what they ask for.
        wanted = {word.lower() for word in status.replace(",", " ").split()} & set(kinds.ADR.statuses)
        listed = set(re.findall(r"<td><p>(ADR-\d{4})</p></td>", index))
        statuses = {"ADR-0001": "accepted", "ADR-0002": "rejected", "ADR-0003": "proposed"}
        assert listed == {record for record, its in statuses.items() if its in wanted}, (status, listed)


@BUILD_SETTINGS
@given(record=pages() | not_mappings(), plain_page=pages())
@example(record="---\nstatus: accepted\ndate: 2026-05-20\ndeciders: [a]\nlast-reviewed: 9999-12-31\n"
                "owner: a\n---\n# ADR-0001: A\n\n```{adr-status}\n```\n", plain_page="# Notes\n")
@example(record="---\nstatus: |\n  acepted\n  /etc/x.md:1: WARNING: forged\ndate: 2026-05-20\ndeciders: [a]\n---\n"
                "# ADR-0001: A\n\n```{adr-status}\n```\n", plain_page="# Notes\n")
@example(record="---\ndate: 2026-05-20\ndeciders: [a]\nstatus: accepted" + "\x1c" * 12 + "status: again\n---\n"
                "# ADR-0001: A\n\n```{adr-status}\n```\n", plain_page="# Notes\n")
def test_record_pages_with_any_front_matter(build_tree, tmp_path, record, plain_page):
    """A record with generated front matter, and a page outside the log with a status box and generated
    front matter of its own: the build finishes and every handbook warning is one located line."""
    srcdir, builddir = fresh_dirs(tmp_path)
    write_tree(srcdir, {"index.md": ROOT + "\n```{toctree}\nnotes\n```\n",
                        "engineering/adr/index.md": RECORDS_INDEX.format(status="accepted")})
    (srcdir / "engineering/adr/0001-a.md").write_bytes(record.encode("utf-8"))
    (srcdir / "notes.md").write_bytes(plain_page.encode("utf-8"))
    with finishes_within(120):
        built = build_tree(srcdir=srcdir, builddir=builddir)
    assert_build_is_sound(built, srcdir)
    assert (built.outdir / "engineering/adr/0001-a.html").is_file()
    assert (built.outdir / "engineering/adr/index.html").is_file()


# --- titles for make adr / rfc / runbook ------------------------------------------------------------

def scaffold_tree(root: Path) -> Path:
    repo = Path(__file__).resolve().parent.parent
    for name in ("adr", "rfc", "runbook"):
        template = repo / "docs/engineering/templates" / f"{name}.md.tmpl"
        (root / "engineering/templates").mkdir(parents=True, exist_ok=True)
        (root / "engineering/templates" / template.name).write_text(template.read_text(encoding="utf-8"),
                                                                    encoding="utf-8")
    return root


@settings(max_examples=200, deadline=DEADLINE, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(max_size=300) | st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
       kind=st.sampled_from(["adr", "rfc", "runbook"]))
@example(title="Café à la carte", kind="adr")
@example(title="日本語のタイトル", kind="runbook")
@example(title="x" * 2000, kind="adr")
@example(title="{{date}} {{title}} {{number}}", kind="rfc")
@example(title="a\nb", kind="adr")
@example(title="..", kind="runbook")
def test_any_title_gives_a_valid_file_or_a_refusal(title, kind):
    """Whatever a writer types as a title: a file with a short ASCII name holding the title as typed
    (whitespace folded), or one line saying why not; never a traceback, never a file elsewhere."""
    import new_record

    with tempfile.TemporaryDirectory() as tmp:
        source = scaffold_tree(Path(tmp))
        try:
            [path] = new_record.create(kind, title, source)
        except new_record.Refusal as refusal:
            assert "\n" not in str(refusal) and str(refusal).strip()
            return
        name_re = kinds.FILENAME_RE if kind != "runbook" else re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
        assert name_re.match(path.stem) and len(path.name) <= 70, path.name
        assert path.parent.parent.parent == source
        text = path.read_text(encoding="utf-8")
        assert " ".join(title.split()) in text
        assert "{{title}}" not in text.replace(" ".join(title.split()), "")
