"""`make adr` / `make rfc`: the next-numbered record from the template, and refusals."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import new_record
import pytest

from handbook.records import model

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
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # 2026-11-18
    before = highest(source / "engineering/adr")
    [path] = new_record.create("adr", "Use X for Y!", source)
    assert path.name == f"{before + 1:04d}-use-x-for-y.md"
    text = path.read_text(encoding="utf-8")
    front = model.read_front_matter(text)
    assert front.values["status"] == "proposed" and front.values["date"] == "2026-11-18"
    assert f"# ADR-{before + 1:04d}: Use X for Y!" in text
    record, problems = model.build_record(model.ADR, f"engineering/adr/{path.stem}",
                                          f"ADR-{before + 1:04d}: Use X for Y!", 6, front)
    assert problems == []


def test_new_rfc_is_a_draft(source):
    [path] = new_record.create("rfc", "Page owners", source)
    front = model.read_front_matter(path.read_text(encoding="utf-8"))
    assert front.values["status"] == "draft" and "authors" in front.values
    assert path.parent.name == "rfcs"


def test_supersedes_marks_both_records(source, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    old = next((source / "engineering/adr").glob("0001-*.md"))
    old_body = old.read_text(encoding="utf-8").split("---", 2)[2]
    new, marked = new_record.create("adr", "Replace the first", source, supersedes="1")
    assert marked == old
    new_number = int(new.name[:4])
    new_front = model.read_front_matter(new.read_text(encoding="utf-8"))
    assert new_front.values["supersedes"] == ["1"]
    old_front = model.read_front_matter(old.read_text(encoding="utf-8"))
    assert old_front.values["status"] == "superseded"
    assert old_front.values["superseded-by"] == str(new_number)
    assert old_front.values["date"] == "2026-11-18"
    assert old.read_text(encoding="utf-8").split("---", 2)[2] == old_body  # prose untouched
    records = []
    for path in (old, new):
        front = model.read_front_matter(path.read_text(encoding="utf-8"))
        record, problems = model.build_record(model.ADR, f"engineering/adr/{path.stem}", "T", 6, front)
        assert problems == []
        records.append(record)
    assert model.check_log(records) == []


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
