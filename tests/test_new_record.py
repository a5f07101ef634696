"""`make adr` / `make rfc`: the next-numbered record from the template, and refusals."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import new_record
import pytest

from handbook import frontmatter
from handbook.records import kinds
from handbook.records.fields import build_record
from handbook.records.log import check_log

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A copy of the handbook's templates and decision log to scaffold into."""
    src = tmp_path / "docs"
    for folder in ("engineering/templates", "engineering/adr", "engineering/rfcs"):
        shutil.copytree(REPO / "docs" / folder, src / folder)
    return src


def highest(folder: Path) -> int:
    return max(int(p.name[:4]) for p in folder.glob("[0-9]*.md"))


def test_new_adr_is_next_numbered_and_valid(source, monkeypatch):
    # The Makefile exports the last commit's time for reproducible builds; a new record is dated
    # by the writer's today all the same.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # 2026-11-18
    before = highest(source / "engineering/adr")
    days = {dt.date.today().isoformat()}
    [path] = new_record.create("adr", "Use X for Y!", source)
    days.add(dt.date.today().isoformat())
    assert path.name == f"{before + 1:04d}-use-x-for-y.md"
    text = path.read_text(encoding="utf-8")
    front = frontmatter.read_front_matter(text)
    assert front.values["status"] == "proposed" and front.values["date"] in days
    assert front.values["date"] != "2026-11-18"
    assert f"# ADR-{before + 1:04d}: Use X for Y!" in text
    record, problems = build_record(kinds.ADR, f"engineering/adr/{path.stem}",
                                          f"ADR-{before + 1:04d}: Use X for Y!", 6, front)
    assert problems == []


def test_new_rfc_is_a_draft(source):
    [path] = new_record.create("rfc", "Page owners", source)
    front = frontmatter.read_front_matter(path.read_text(encoding="utf-8"))
    assert front.values["status"] == "draft" and "authors" in front.values
    assert path.parent.name == "rfcs"


def test_supersedes_marks_both_records(source, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    monkeypatch.setattr(new_record.dates, "writers_today", lambda: dt.date(2026, 12, 3))
    old = next((source / "engineering/adr").glob("0001-*.md"))
    old_body = old.read_text(encoding="utf-8").split("---", 2)[2]
    new, marked = new_record.create("adr", "Replace the first", source, supersedes="1")
    assert marked == old
    new_number = int(new.name[:4])
    new_front = frontmatter.read_front_matter(new.read_text(encoding="utf-8"))
    assert new_front.values["supersedes"] == ["1"]
    old_front = frontmatter.read_front_matter(old.read_text(encoding="utf-8"))
    assert old_front.values["status"] == "superseded"
    assert old_front.values["superseded-by"] == str(new_number)
    assert old_front.values["date"] == "2026-12-03"
    assert old.read_text(encoding="utf-8").split("---", 2)[2] == old_body  # prose untouched
    records = []
    for path in (old, new):
        front = frontmatter.read_front_matter(path.read_text(encoding="utf-8"))
        record, problems = build_record(kinds.ADR, f"engineering/adr/{path.stem}", "T", 6, front)
        assert problems == []
        records.append(record)
    # The new record is proposed: until it is accepted no decision is in force (ADR-0007).
    [pending] = check_log(records)
    assert pending.rule == "lifecycle" and pending.docname == f"engineering/adr/{new.stem}" and pending.line == 2
    assert "still proposed" in pending.message
    records[1].status = "accepted"
    assert check_log(records) == []


@pytest.mark.parametrize("kwargs, words", [
    ({"title": "!!! ???"}, "has no letters or digits"),
    ({"title": "Use X", "number": "1"}, "ADR-0001 is taken"),
    ({"title": "Use X", "supersedes": "99"}, "no ADR with that number"),
])
def test_refusals_write_nothing(source, kwargs, words):
    before = sorted(p.name for p in (source / "engineering/adr").iterdir())
    with pytest.raises(new_record.Refusal, match=words):
        new_record.create("adr", source=source, **kwargs)
    assert sorted(p.name for p in (source / "engineering/adr").iterdir()) == before


def test_make_adr_prints_one_line_refusal(source):
    result = subprocess.run(["make", "-s", "adr", "title=???", f"SOURCEDIR={source}"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "make adr: title '???' has no letters or digits" in result.stderr
    assert "Traceback" not in result.stderr


def test_make_adr_with_quotes_in_title(source):
    result = subprocess.run(["make", "-s", "adr", "title=Don't \"quote\" $HOME", f"SOURCEDIR={source}"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    [path] = [p for p in (source / "engineering/adr").glob("*-don-t-quote-home.md")]
    assert "Don't \"quote\" $HOME" in path.read_text(encoding="utf-8")


def make_page(source: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run a make target as a writer would, on a copy of the sources."""
    return subprocess.run(["make", "-s", *args, f"SOURCEDIR={source}"], cwd=REPO, capture_output=True,
                          text=True, env={**__import__("os").environ, **env})


@pytest.mark.parametrize("title, name", [
    ("Café à la carte", "cafe-a-la-carte"),
    ("Straße über Ærø", "strasse-uber-aero"),
    ("Привет мир", "privet-mir"),
])
def test_titles_are_transliterated(source, title, name):
    [path] = new_record.create("adr", title, source)
    assert path.name.endswith(f"-{name}.md")
    assert f": {title}\n" in path.read_text(encoding="utf-8")  # the title itself is kept as typed


@pytest.mark.parametrize("title", ["日本語のタイトル", "설계 결정", "Ελληνικά", "عنوان"])
def test_a_title_in_any_script_gets_a_valid_file_name(source, title):
    [path] = new_record.create("adr", title, source)
    assert kinds.FILENAME_RE.match(path.stem), path.name
    assert title in path.read_text(encoding="utf-8")


def test_a_very_long_title_gets_a_bounded_file_name(source):
    [path] = new_record.create("adr", "Decide " + "very " * 400 + "long", source)
    assert kinds.FILENAME_RE.match(path.stem) and len(path.name) <= 70
    [other] = new_record.create("adr", "x" * 2000, source)
    assert len(other.name) <= 70


def test_placeholders_in_a_title_are_kept_as_typed(source):
    [path] = new_record.create("adr", "Release on {{date}} as {{number}}", source)
    assert "Release on {{date}} as {{number}}" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("kwargs, words", [
    ({"title": "Use X", "supersedes": "5"}, "ADR-0005 is already superseded by ADR-0006; supersede that one instead"),
    ({"title": "Use X", "supersedes": "RFC-0001"}, "no ADR with that number"),
    ({"title": ""}, "give the new page a title"),
    ({"title": "one\ntwo"}, "spans more than one line"),
    ({"title": "Use X", "number": "10000"}, "not a record number from 1 to 9999"),
])
def test_more_refusals_write_nothing(source, kwargs, words):
    before = sorted(p.name for p in (source / "engineering/adr").iterdir())
    with pytest.raises(new_record.Refusal, match=words):
        new_record.create("adr", source=source, **kwargs)
    assert sorted(p.name for p in (source / "engineering/adr").iterdir()) == before


@pytest.mark.parametrize("status, words", [
    ("proposed", "is proposed; only a record that is accepted can be superseded"),
    ("rejected", "is rejected"),
    ("deprecated", "is deprecated"),
])
def test_only_an_accepted_adr_can_be_superseded(source, status, words):
    [path] = new_record.create("adr", "Seven", source)
    path.write_text(path.read_text(encoding="utf-8").replace("status: proposed", f"status: {status}"), encoding="utf-8")
    with pytest.raises(new_record.Refusal, match=f"ADR-{path.name[:4]} {words}"):
        new_record.create("adr", "Eight", source, supersedes=path.name[:4])


def test_an_unclosed_template_is_a_refusal_not_a_traceback(source):
    template = source / "engineering/templates/adr.md.tmpl"
    template.write_text(template.read_text(encoding="utf-8").replace("---\n# ADR", "# ADR"), encoding="utf-8")
    with pytest.raises(new_record.Refusal, match="no closed front matter"):
        new_record.create("adr", "Replace", source, supersedes="1")


def test_folders_come_from_conf(source, tmp_path):
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "conf.py").write_text('handbook_record_dirs = {"adr": "decisions"}\n'
                                  'handbook_runbook_dir = "ops"\n', encoding="utf-8")
    folders = new_record.folders_from_conf(conf)
    assert folders.records == {"adr": "decisions", "rfc": "engineering/rfcs"} and folders.runbooks == "ops"
    [path] = new_record.create("adr", "Moved", source, folders=folders)
    assert path == source / "decisions" / "0001-moved.md"
    [runbook] = new_record.create("runbook", "Restart", source, folders=folders)
    assert runbook == source / "ops" / "restart.md"


def test_make_passes_titles_untouched_and_refuses_a_line_break(source):
    result = make_page(source, "adr", "title=Ship {{date}} $(HOME) `x`")
    assert result.returncode == 0, result.stderr
    [path] = (source / "engineering/adr").glob("*-ship-date-home-x.md")
    assert "Ship {{date}} $(HOME) `x`" in path.read_text(encoding="utf-8")
    result = make_page(source, "adr", "title=first line\nsecond line")
    assert result.returncode != 0
    assert "make adr: the title spans more than one line" in result.stderr
    assert "/bin/sh" not in result.stderr and "Syntax error" not in result.stderr


def test_make_rfc_refuses_supersedes(source):
    before = sorted(p.name for p in (source / "engineering/rfcs").iterdir())
    result = make_page(source, "rfc", "title=Next", "supersedes=1")
    assert result.returncode != 0
    assert "make rfc: RFCs do not supersede one another; only ADRs take supersedes=N" in result.stderr
    assert sorted(p.name for p in (source / "engineering/rfcs").iterdir()) == before


def test_make_runbook(source):
    shutil.copytree(REPO / "docs/engineering/runbooks", source / "engineering/runbooks")
    result = make_page(source, "runbook", "title=Restore a backup")
    assert result.returncode == 0, result.stderr
    page = source / "engineering/runbooks/restore-a-backup.md"
    text = page.read_text(encoding="utf-8")
    assert text.startswith("---\nowner: handbook-maintainers\nlast-reviewed: 20") and "# Restore a backup\n" in text
    assert "{{" not in text
    index = (source / "engineering/runbooks/index.md").read_text(encoding="utf-8")
    assert "\nrestore-a-backup\n```" in index
    again = make_page(source, "runbook", "title=Restore a backup")
    assert again.returncode != 0 and "already exists" in again.stderr


def test_make_help_lists_runbook():
    result = subprocess.run(["make", "-s", "help"], cwd=REPO, capture_output=True, text=True)
    assert "  runbook " in result.stdout


def test_the_script_loads_no_sphinx():
    code = ("import sys, pathlib; sys.path.insert(0, 'scripts'); import new_record; "
            "new_record.folders_from_conf(pathlib.Path('conf')); "
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'docutils', 'requests', 'yaml_'));"
            "print(heavy)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
