"""`make check`: passes on the handbook, fails at the right file:line on each seeded defect."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
BROKEN = REPO / "tests" / "roots" / "test-check-broken"


def run_check(builddir: Path, source: Path = REPO / "docs", env: dict[str, str] | None = None,
              conf: Path = REPO / "conf") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "scripts/check.py", "--source", str(source), "--conf", str(conf), "--builddir", str(builddir)],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, **(env or {})})


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_the_handbook_passes(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "make check: passed, no findings" in result.stdout
    assert json.loads((tmp_path / "check" / "report.json").read_text(encoding="utf-8")) == []


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    builddir = tmp_path_factory.mktemp("broken")
    result = run_check(builddir, source=BROKEN, env={"GITHUB_ACTIONS": "true"})
    report = json.loads((builddir / "check" / "report.json").read_text(encoding="utf-8"))
    return result, report


SEED = "\uf8ff"
# (file, text on the offending line, kind, words in the message): one per rule of the gate.
CASES = [
    ("index.md", "page.md#no-such-heading", "reference", "no-such-heading"),
    ("index.md", "missing-page.md", "reference", "missing-page.md"),
    ("index.md", "#no-such-fragment", "reference", "no-such-fragment"),
    ("index.md", "page.html#real-section", "reference", "page.html#real-section"),
    ("index.md", "undefined-label-here", "reference", "undefined-label-here"),
    ("index.md", "missing-image.png", "missing-file", "missing-image.png"),
    ("index.md", "missing-download.zip", "missing-file", "missing-download.zip"),
    ("index.md", "page.html#no-raw-anchor", "internal-link", "no anchor '#no-raw-anchor'"),
    ("index.md", "#no-raw-fragment", "internal-link", "not an anchor on this page"),
    ("index.md", "missing-raw-image.png", "internal-link", "does not exist"),
    ("index.md", "missing-toctree-entry", "toctree", "missing-toctree-entry"),
    ("orphan.md", "# Nobody links here", "orphan", "isn't included in any toctree"),
    ("page.md", "\ufffd", "bad-text", "replacement character"),
    ("page.md", "\ue000", "bad-text", "private-use character U+E000"),
    ("page.md", "\x07", "bad-text", "control character U+0007"),
    ("seed.md", "Build for Scale", "bad-text", "replace it with '\U0001f3d7\ufe0f'"),
    ("seed.md", "Research-Driven", "bad-text", "replace it with '\U0001f52c'"),
    ("seed.md", "Security & Reliability", "bad-text", "replace it with '\U0001f6e1\ufe0f'"),
    ("seed.md", "Developer Experience", "bad-text", "replace it with '\U0001f680'"),
    ("engineering/adr/0001-bad-status.md", "status: acepted", "decision-record", "unknown ADR status"),
    ("page.md", "<script>alert", "active-content", "an inline <script> element"),
    ("page.md", "onclick=", "active-content", "inline event handler onclick"),
    ("page.md", "javascript:void", "active-content", "a javascript: URL in href= on <a>"),
    ("page.md", "tracker.example.org", "active-content", "an <iframe> showing another site"),
    ("page.md", "images.example.org", "third-party", "<img> loads https://images.example.org/logo.png"),
]


@pytest.mark.parametrize("filename, needle, kind, words", CASES, ids=[f"{c[2]}:{c[1][:24]}" for c in CASES])
def test_each_defect_is_found_at_its_line(broken, filename, needle, kind, words):
    _, report = broken
    file = str((BROKEN / filename).relative_to(REPO))
    line = line_of(BROKEN / filename, needle)
    matches = [f for f in report if f["file"] == file and f["line"] == line and f["kind"] == kind]
    assert any(words in f["message"] for f in matches), [f for f in report if f["file"] == file]
    assert all(f["hint"] for f in matches)


def test_a_page_may_opt_in_to_active_content_with_a_reason(broken):
    _, report = broken
    listed = [f for f in report if f["file"].endswith("allowed.md")]
    assert [(f["kind"], f["severity"], f["line"]) for f in listed] == [
        ("active-content-exempt", "notice", line_of(BROKEN / "allowed.md", "allow-active-content"))]
    assert "RFC-0042" in listed[0]["message"]


def test_duplicate_label_is_found(broken):
    _, report = broken
    assert any(f["kind"] == "duplicate-label" and f["line"] == line_of(BROKEN / "index.md", "## Another heading") - 1
               for f in report)


def test_broken_tree_fails_with_summary_annotations_and_no_traceback(broken):
    result, report = broken
    assert result.returncode == 1
    assert "make check: FAILED with" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    errors = [f for f in report if f["severity"] == "error"]
    assert len(annotations) == len(errors) >= len(CASES)
    assert "::error file=tests/roots/test-check-broken/orphan.md,line=1,title=handbook check%3A orphan::" in result.stdout


def test_no_annotations_outside_github(tmp_path):
    result = run_check(tmp_path, source=BROKEN, env={"GITHUB_ACTIONS": ""})
    assert result.returncode == 1 and "::error" not in result.stdout


def copy_conf(tmp_path: Path, extra: str) -> Path:
    conf = tmp_path / "conf"
    conf.mkdir()
    text = (REPO / "conf" / "conf.py").read_text(encoding="utf-8")
    (conf / "conf.py").write_text(text.replace("CONF_DIR = Path(__file__).resolve().parent",
                                               f"CONF_DIR = Path({str(REPO / 'conf')!r})") + extra, encoding="utf-8")
    return conf


def test_a_kind_is_silenced_only_with_a_reason(tmp_path):
    conf = copy_conf(tmp_path, '\nhandbook_check_silence = [{"kind": "orphan", "files": "*orphan.md", '
                               '"reason": "reached from an external index"}, {"kind": "bad-text"}]\n')
    result = run_check(tmp_path / "out", source=BROKEN, conf=conf)
    report = json.loads((tmp_path / "out" / "check" / "report.json").read_text(encoding="utf-8"))
    orphan = [f for f in report if f["kind"] == "orphan"]
    assert orphan and all(f["severity"] == "silenced" and f["reason"] == "reached from an external index" for f in orphan)
    # The entry without a reason silences nothing and is itself a finding.
    assert any(f["kind"] == "bad-text" and f["severity"] == "error" for f in report)
    assert any(f["kind"] == "configuration" and "states no reason" in f["message"] for f in report)
    assert "1 silenced on purpose" in result.stdout


def test_a_broken_configuration_is_one_clear_line(tmp_path):
    conf = copy_conf(tmp_path, "\nextensions.append('no_such_extension')\n")
    result = run_check(tmp_path / "out", conf=conf)
    assert result.returncode == 1
    assert "no_such_extension" in result.stdout and "Traceback" not in result.stdout + result.stderr


def test_missing_source_tree_is_refused(tmp_path):
    result = run_check(tmp_path, source=tmp_path / "nope")
    assert result.returncode == 2 and "does not exist" in result.stderr
