"""What changed: the What's new page and the Atom feed, from a real git history with commits at
fixed dates; the feed validated as Atom; reproducible; a shallow clone degrades with one notice."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import textwrap
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest

from handbook.changes import history

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")

INDEX = """
    # Handbook

    ```{toctree}
    :glob:

    whats-new
    guide
    engineering/adr/index
    *
    ```
    """
WHATS_NEW = "# What's new\n\n## Decisions\n\n```{whats-new}\n:show: decisions\n```\n\n## Latest\n\n```{whats-new}\n```\n"
ADR_INDEX = "# Decisions\n\n```{toctree}\n:glob:\n\n0*\n```\n"


def adr(number: int, status: str, extra: str = "") -> str:
    return (f"---\nstatus: {status}\ndate: 2026-10-01\ndeciders: [x]\n{extra}---\n"
            f"# ADR-{number:04d}: Decision {number}\n\n```{{adr-status}}\n```\n")


def git(repo: Path, *args: str, when: str | None = None) -> str:
    env = {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com", "GIT_COMMITTER_NAME": "A",
           "GIT_COMMITTER_EMAIL": "a@example.com", "HOME": str(repo), "PATH": "/usr/bin:/bin"}
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{when}T12:00:00+00:00"
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def commit(repo: Path, when: str, subject: str, files: dict[str, str | None]) -> None:
    for name, text in files.items():
        path = repo / name
        if text is None:
            git(repo, "rm", "-q", name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        git(repo, "add", name)
    git(repo, "commit", "-q", "-m", subject, when=when)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A handbook with a history: records added, a status changed, a page renamed and one removed."""
    src = tmp_path / "src"
    src.mkdir()
    git(src, "init", "-q", "-b", "main")
    (src / "conf.py").write_text((Path(__file__).parent / "roots" / "test-records" / "conf.py").read_text())
    git(src, "add", "conf.py")
    commit(src, "2026-10-01", "Start the handbook", {
        "index.md": INDEX, "whats-new.md": WHATS_NEW, "engineering/adr/index.md": ADR_INDEX,
        "guide.md": "# Guide\n", "old name.md": "# Old ünïcode page\n", "gone.md": "# Gone\n",
        "engineering/adr/0001-a.md": adr(1, "proposed")})
    commit(src, "2026-10-15", "Accept ADR-0001", {"engineering/adr/0001-a.md": adr(1, "accepted")})
    commit(src, "2026-11-01", "Record ADR-0002 & <tidy> the guide", {
        "engineering/adr/0002-b.md": adr(2, "proposed"), "guide.md": "# Guide\n\nMore.\n"})
    git(src, "mv", "old name.md", "new name.md")
    commit(src, "2026-11-20", "Rename a page; drop another", {"gone.md": None})
    return src


def rows(html: str, table_class: str) -> list[list[str]]:
    table = re.search(rf'<table class="[^"]*{table_class}[^"]*">(.*?)</table>', html, re.S).group(1)
    found = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("</thead>")[-1], re.S):
        found.append([re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
                      for cell in re.findall(r"<td>(.*?)</td>", row, re.S)])
    return found


def test_whats_new_lists_commits_pages_and_status_changes(build_tree, repo):
    built = build_tree(srcdir=repo)
    assert "WARNING" not in built.warnings
    html = built.html("whats-new")
    assert rows(html, "handbook-whats-new-decisions") == [
        ["2026-11-01", "ADR-0002: Decision 2", "new, proposed", "Record ADR-0002 &amp; &lt;tidy&gt; the guide"],
        ["2026-10-15", "ADR-0001: Decision 1", "proposed → accepted", "Accept ADR-0001"],
        ["2026-10-01", "ADR-0001: Decision 1", "new, proposed", "Start the handbook"]]
    latest = rows(html, "handbook-whats-new-pages")
    assert [row[:2] for row in latest] == [
        ["2026-11-20", "Rename a page; drop another"], ["2026-11-01", "Record ADR-0002 &amp; &lt;tidy&gt; the guide"],
        ["2026-10-15", "Accept ADR-0001"], ["2026-10-01", "Start the handbook"]]
    assert latest[0][2] == "gone.md (no longer in the handbook) (removed), Old ünïcode page (moved)"
    assert latest[1][2] == "ADR-0002: Decision 2 (new), Guide"
    assert 'href="new%20name.html"' in html or 'href="new name.html"' in html
    assert '<a class="reference external" href="decisions.atom">Atom feed of decision records</a>' in html


def test_the_feed_is_valid_atom_with_new_records_and_status_changes(build_tree, repo):
    built = build_tree(srcdir=repo)
    data = (built.outdir / "decisions.atom").read_bytes()
    root = SafeET.fromstring(data)
    assert root.tag == f"{A}feed"
    for required in ("id", "title", "updated", "author/" + A + "name"):
        element = root.find(A + required)
        assert element is not None and (element.text or "").strip(), required
    assert root.find(f"{A}link[@rel='self']").get("href") == "decisions.atom"
    entries = root.findall(f"{A}entry")
    assert [entry.find(f"{A}title").text for entry in entries] == [
        "New: ADR-0002: Decision 2 (proposed)", "ADR-0001: Decision 1: accepted", "New: ADR-0001: Decision 1 (proposed)"]
    ids = [entry.find(f"{A}id").text for entry in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    updated = [entry.find(f"{A}updated").text for entry in entries]
    assert all(RFC3339.fullmatch(value) for value in updated)
    assert updated == sorted(updated, reverse=True) and root.find(f"{A}updated").text == updated[0]
    assert updated[0] == "2026-11-01T12:00:00Z"
    for entry in entries:
        href = entry.find(f"{A}link[@rel='alternate']").get("href")
        assert (built.outdir / href).is_file()
        assert entry.find(f"{A}summary").text
    assert "Record ADR-0002 &amp; &lt;tidy&gt; the guide" in data.decode()
    page = built.html("guide")
    assert '<link rel="alternate" type="application/atom+xml" title="Decision records" href="decisions.atom">' in page


def test_same_commit_same_output_whatever_the_clock(build_tree, repo, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2030, 1, 1, tzinfo=dt.UTC).timestamp())))
    first = build_tree(srcdir=repo, builddir=tmp_path / "one")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2031, 6, 1, tzinfo=dt.UTC).timestamp())))
    second = build_tree(srcdir=repo, builddir=tmp_path / "two", freshenv=True)
    assert (first.outdir / "decisions.atom").read_bytes() == (second.outdir / "decisions.atom").read_bytes()
    article = lambda html: html[html.index("<article"):html.index("</article>")]  # noqa: E731
    assert article(first.html("whats-new")) == article(second.html("whats-new"))


def test_a_new_commit_updates_the_page_and_the_feed_incrementally(build_tree, repo):
    build_tree(srcdir=repo)
    commit(repo, "2026-11-25", "Deprecate ADR-0002", {"engineering/adr/0002-b.md": adr(2, "deprecated")})
    built = build_tree(srcdir=repo)
    assert rows(built.html("whats-new"), "handbook-whats-new-decisions")[0] == [
        "2026-11-25", "ADR-0002: Decision 2", "proposed → deprecated", "Deprecate ADR-0002"]
    feed = SafeET.fromstring((built.outdir / "decisions.atom").read_bytes())
    assert feed.find(f"{A}entry/{A}title").text == "ADR-0002: Decision 2: deprecated"
    # an edit not yet committed changes nothing of the history
    (repo / "guide.md").write_text("# Guide\n\nUncommitted.\n")
    again = build_tree(srcdir=repo)
    assert rows(again.html("whats-new"), "handbook-whats-new-pages")[0][0] == "2026-11-25"


def test_a_shallow_clone_says_so_once_and_shows_no_false_history(build_tree, repo, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    built = build_tree(srcdir=clone, builddir=tmp_path / "_clone")
    assert "WARNING" not in built.warnings
    status = built.app._status.getvalue() if hasattr(built.app, "_status") else ""
    notices = re.findall(r"notice: What's new and the decision feed show no history", status)
    assert len(notices) == 1, status
    html = built.html("whats-new")
    assert html.count("No history to show: this is a shallow clone") == 2
    feed = SafeET.fromstring((built.outdir / "decisions.atom").read_bytes())
    assert feed.findall(f"{A}entry") == [] and RFC3339.fullmatch(feed.find(f"{A}updated").text)


def test_sources_outside_git_say_so(build_tree, tmp_path):
    files = {"index.md": INDEX, "whats-new.md": WHATS_NEW, "guide.md": "# Guide\n",
             "engineering/adr/index.md": ADR_INDEX}
    built = build_tree(files)
    assert "No history to show: the sources are not in a git checkout" in built.html("whats-new")


def test_parse_log_reads_renames_deletions_and_odd_names():
    raw = ("\x1eabc\x1f1700000000\x1fSubject\0\n"
           f":100644 100644 {'1' * 40} {'2' * 40} R090\0old name.md\0new\tname.md\0"
           f":100644 000000 {'3' * 40} {'0' * 40} D\0gone.md\0"
           f":000000 100644 {'0' * 40} {'4' * 40} A\0ü.md\0")
    (only,) = history.parse_log(raw)
    assert only.subject == "Subject" and only.date == "2023-11-14"
    assert [(c.status, c.path, c.old_path, c.old_blob[:1], c.new_blob[:1]) for c in only.changes] == [
        ("R", "new\tname.md", "old name.md", "1", "2"), ("D", "gone.md", "gone.md", "3", ""),
        ("A", "ü.md", "ü.md", "", "4")]


def test_in_the_pdf_a_long_history_breaks_across_pages(build_tree, repo):
    built = build_tree(srcdir=repo, buildername="latex")
    tex = next(built.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert tex.count(r"\begin{longtable}") == 2, "both What's new tables may break across pages"
    assert "Accept ADR\\sphinxhyphen{}0001" in tex
