"""`make check` on a copy of the handbook after the mistakes writers make with records: each
mistake is one finding, at its line, with a hint that fits it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("records-check")
    source = root / "docs"
    shutil.copytree(REPO / "docs", source)
    adr = source / "engineering/adr"
    # The numbers make will give the new records: whatever the handbook holds, the next two.
    new = max(int(path.name[:4]) for path in adr.glob("[0-9][0-9][0-9][0-9]-*.md")) + 1
    # One mistake in each of four records ...
    edit(next(adr.glob("0006-*.md")), "deciders: [handbook-maintainers]", "deciders: [handbook-maintainers")
    edit(next(adr.glob("0004-*.md")), "{adr-status}", "{adr-staus}")
    edit(next(adr.glob("0003-*.md")), "status: accepted", "status: aproved")
    edit(next(adr.glob("0002-*.md")), "status: accepted", "status: accepted\nlast-reviewed: 2999-01-01\nowner: a")
    # ... and pages written by make and left as written.
    for target, title in (("adr", "Queue jobs in Redis"), ("runbook", "Restore a backup")):
        made = subprocess.run(["make", "-s", target, f"title={title}", f"SOURCEDIR={source}"], cwd=REPO,
                              capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
    made = subprocess.run(["make", "-s", "adr", "title=Replace the first", "supersedes=1", f"SOURCEDIR={source}"],
                          cwd=REPO, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    result = subprocess.run([sys.executable, "scripts/check.py", "--source", str(source), "--conf", "conf",
                             "--builddir", str(root / "_build")], cwd=REPO, capture_output=True, text=True,
                            env={**os.environ, "GITHUB_ACTIONS": ""})
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    findings = json.loads((root / "_build/check/report.json").read_text(encoding="utf-8"))
    by_file: dict[str, list[dict]] = {}
    for finding in findings:
        by_file.setdefault(Path(finding["file"]).name, []).append(finding)
    # One finding per file, the first; the superseding record has two mistakes (checked below).
    return {name: found[0] for name, found in by_file.items()}, findings, (f"{new:04d}", f"{new + 1:04d}")


def test_each_mistake_is_one_finding(report):
    by_file, findings, _ = report
    kinds = sorted((Path(f["file"]).name[:4], f["kind"]) for f in findings)
    redis, replacing = report[2]
    assert kinds == [("0002", "page-review"), ("0003", "decision-record"), ("0004", "markdown"),
                     ("0006", "decision-record"), (redis, "template-text"), (replacing, "decision-record"),
                     (replacing, "template-text"), ("rest", "template-text")], \
        [(f["file"], f["line"], f["message"]) for f in findings]


def test_broken_front_matter_once_with_its_line(report):
    by_file, _, _ = report
    [name] = [name for name in by_file if name.startswith("0006-")]
    finding = by_file[name]
    assert finding["line"] == 4 and finding["kind"] == "decision-record"
    assert finding["message"].startswith("front matter is not valid YAML")
    assert "'---' lines" in finding["hint"]


def test_a_misspelt_directive_is_named_with_the_one_meant(report):
    by_file, _, _ = report
    [finding] = [f for name, f in by_file.items() if name.startswith("0004-")]
    assert finding["message"] == "Unknown directive type: 'adr-staus'"
    assert finding["hint"].startswith("did you mean {adr-status}")


def test_an_unknown_status_suggests_one(report):
    by_file, _, _ = report
    [finding] = [f for name, f in by_file.items() if name.startswith("0003-")]
    assert "did you mean 'accepted'" in finding["message"] and finding["line"] == 2


def test_a_review_in_the_future(report):
    by_file, _, _ = report
    [finding] = [f for name, f in by_file.items() if name.startswith("0002-")]
    assert finding["kind"] == "page-review" and "is in the future" in finding["message"] and finding["line"] == 3


def test_scaffolded_pages_still_hold_their_template(report):
    by_file, _, (redis, _) = report
    fresh = by_file[f"{redis}-queue-jobs-in-redis.md"]
    assert fresh["kind"] == "template-text" and fresh["line"] == 13
    assert by_file["restore-a-backup.md"]["kind"] == "template-text"
    assert "replace the template's guidance" in fresh["hint"]


def test_the_lifecycle_finding_names_what_to_do(report):
    _, findings, (_, replacing) = report
    lifecycle = [f for f in findings if "no decision on this is in force" in f["message"]]
    assert len(lifecycle) == 1 and lifecycle[0]["file"].endswith(f"{replacing}-replace-the-first.md")
    assert lifecycle[0]["line"] == 2 and "ADR-0007" in lifecycle[0]["hint"]
