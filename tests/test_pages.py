"""Page ownership and review dates, redirects for moved pages, source links, last-updated dates, 404."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handbook.frontmatter import read_front_matter
from handbook.pages import redirects, review

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent

RUNBOOK = """\
---
owner: {owner}
last-reviewed: {date}
review-every: {every}
---
# {title}

Steps.
"""


def runbook(title: str, owner: str = "platform-team", date: str = "2026-01-10", every: str = "30") -> str:
    return RUNBOOK.format(title=title, owner=owner, date=date, every=every)


TREE = {
    "index.md": "# Handbook\n\n```{toctree}\nengineering/runbooks/index\nguide\n```\n",
    "engineering/runbooks/index.md": "# Runbooks\n\n```{toctree}\n:glob:\n\n*\n```\n",
    "engineering/runbooks/fresh.md": runbook("Fresh runbook", date="2026-11-20", every="180"),
    "engineering/runbooks/stale.md": runbook("Stale runbook", date="2026-01-10", every="30"),
    "guide.md": "---\nredirect-from: [old-guide, engineering/handbook-guide.html]\n---\n# Guide\n\nText.\n",
}


# --- plain rules -------------------------------------------------------------------------------

def test_review_due_and_overdue():
    found, problems = review.read_review(read_front_matter(runbook("x", date="2026-01-10", every="30")), True)
    assert problems == [] and found.due == "2026-02-09"
    assert not found.overdue_on(dt.date(2026, 2, 9)) and found.overdue_on(dt.date(2026, 2, 10))


def test_review_defaults_to_180_days():
    text = "---\nowner: a\nlast-reviewed: 2026-01-01\n---\n# T\n"
    found, _ = review.read_review(read_front_matter(text), True)
    assert found.review_every == 180


@pytest.mark.parametrize("text, rule, line", [
    ("---\nlast-reviewed: 2026-01-01\n---\n", "review-field", 1),
    ("---\nowner: a\nlast-reviewed: 2026-02-30\n---\n", "review-date", 3),
    ("---\nowner: a\nlast-reviewed: 2026-01-01\nreview-every: never\n---\n", "review-field", 4),
    ("---\nowner: a\nlast-reviewed: 2026-01-01\nreview-every: 0\n---\n", "review-field", 4),
])
def test_review_problems_are_located(text, rule, line):
    found, problems = review.read_review(read_front_matter(text), True)
    assert found is None and [(p.rule, p.line) for p in problems] == [(rule, line)]


def test_a_review_in_the_future_is_a_problem():
    text = "---\nowner: a\nlast-reviewed: 2026-12-04\n---\n# T\n"
    found, problems = review.read_review(read_front_matter(text), True, today=dt.date(2026, 12, 3))
    assert found is None and [(p.rule, p.line) for p in problems] == [("review-date", 3)]
    assert "is in the future (today is 2026-12-03)" in problems[0].message
    found, problems = review.read_review(read_front_matter(text), True, today=dt.date(2026, 12, 4))
    assert problems == [] and found.last_reviewed == "2026-12-04"
    far = "---\nowner: a\nlast-reviewed: 9999-12-31\n---\n# T\n"
    assert len(review.read_review(read_front_matter(far), True)[1]) == 1


def test_pages_without_review_fields_opt_out_unless_required():
    front_matter = read_front_matter("# Just a page\n")
    assert review.read_review(front_matter, False) == (None, [])
    assert review.read_review(front_matter, True)[1]


@pytest.mark.parametrize("path, expected", [
    ("/engineering/old.html", "engineering/old"), ("engineering/old.md", "engineering/old"), ("a/./b", "a/b")])
def test_redirect_paths_are_normalised(path, expected):
    assert redirects.normalise(path) == expected


def test_redirect_judgement():
    docs = {"guide", "index"}
    assert redirects.judge("old", "guide", docs) is None
    assert "still a page" in redirects.judge("index", "guide", docs)
    assert "not a page" in redirects.judge("old", "missing", docs)


# --- in builds ---------------------------------------------------------------------------------

def with_conf(src: Path, text: str) -> None:
    with open(src / "conf.py", "a", encoding="utf-8") as conf:
        conf.write("\n" + text + "\n")


def test_owner_and_review_dates_shown_and_overdue_notice(build_tree, tmp_path):
    built = build_tree(TREE)
    assert built.warnings == ""
    fresh = built.html("engineering/runbooks/fresh")
    assert "Owner: platform-team · Last reviewed: 2026-11-20 · Next review: 2027-05-19" in fresh
    # Judged by SOURCE_DATE_EPOCH's date when set, else today; pin it to be sure.
    src = tmp_path / "src"
    with_conf(src, 'handbook_today = "2026-06-01"')
    rebuilt = build_tree(srcdir=src, freshenv=True)
    stale = rebuilt.html("engineering/runbooks/stale")
    assert "Overdue for review" in stale and "was due for review on 2026-02-09" in stale
    assert "platform-team" in stale
    assert "Overdue for review" not in rebuilt.html("engineering/runbooks/fresh")


def test_runbooks_must_carry_owner_and_review_date(build_tree):
    built = build_tree({**TREE, "engineering/runbooks/bare.md": "# Bare runbook\n"})
    assert "bare.md:1: WARNING: 'owner' is missing or empty" in built.warnings
    assert "[handbook.review-field]" in built.warnings and "[handbook.review-date]" in built.warnings


def test_redirect_pages_lead_to_the_moved_page(build_tree):
    built = build_tree(TREE)
    for old, target in (("old-guide.html", "guide.html"), ("engineering/handbook-guide.html", "../guide.html")):
        page = (built.outdir / old).read_text(encoding="utf-8")
        assert f'<meta http-equiv="refresh" content="0; url={target}">' in page
        assert f'<a href="{target}">' in page
        assert (built.outdir / old).parent.joinpath(target).resolve() == (built.outdir / "guide.html").resolve()


def test_redirect_map_in_conf_and_bad_redirects_warn(build_tree, tmp_path):
    build_tree(TREE)
    src = tmp_path / "src"
    with_conf(src, 'handbook_redirects = {"old/runbook": "engineering/runbooks/fresh", "guide": "index", '
                   '"gone": "nowhere"}')
    built = build_tree(srcdir=src, freshenv=True)
    assert (built.outdir / "old" / "runbook.html").is_file()
    assert "cannot redirect 'guide' to 'index': 'guide' is still a page" in built.warnings
    assert "points to 'nowhere', which is not a page" in built.warnings
    assert re.search(r"conf\.py:\d+: WARNING: .*\[handbook\.redirect\]", built.warnings)


def test_an_old_path_claimed_twice_warns(build_tree):
    built = build_tree({**TREE, "other.md": "---\nredirect-from: [old-guide]\n---\n# Other\n",
                        "index.md": TREE["index.md"].replace("guide\n", "guide\nother\n")})
    assert "other.md:2: WARNING: 'old-guide' is declared in redirect-from by both 'guide' and 'other'" in built.warnings


def run_check(source: Path, builddir: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "scripts/check.py", "--source", str(source), "--conf", "conf",
                           "--builddir", str(builddir), *extra], cwd=REPO, capture_output=True, text=True)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_check_lists_overdue_pages_as_notices_not_failures(tmp_path):
    write(tmp_path / "src", TREE)
    result = run_check(tmp_path / "src", tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((tmp_path / "out" / "check" / "report.json").read_text(encoding="utf-8"))
    [overdue] = [f for f in report if f["kind"] == "review-overdue"]
    assert overdue["severity"] == "notice" and overdue["line"] == 3
    assert overdue["file"].endswith("engineering/runbooks/stale.md")
    assert "owner: platform-team" in overdue["message"]
    assert "notice: review-overdue" in result.stdout and "1 notice(s), which do not fail the check" in result.stdout


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


def test_check_since_fails_on_a_page_gone_without_redirect(tmp_path):
    repo = tmp_path / "repo"
    tree = {**TREE, "engineering/runbooks/stale.md": runbook("Stale", date="2026-11-20")}
    tree["moved.md"] = "# Moved page\n"
    tree["index.md"] = "# Handbook\n\n```{toctree}\nengineering/runbooks/index\nguide\nmoved\n```\n"
    write(repo / "docs", tree)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first")
    # Remove a page without a redirect.
    (repo / "docs" / "moved.md").unlink()
    write(repo / "docs", {"index.md": TREE["index.md"]})
    result = run_check(repo / "docs", tmp_path / "out", "--since", "main")
    assert result.returncode == 1
    assert "moved-page" in result.stdout and "page 'moved' existed at main" in result.stdout
    # Declare the old path on the page that replaces it: the check passes.
    write(repo / "docs", {"guide.md": "---\nredirect-from: [old-guide, moved]\n---\n# Guide\n\nText.\n"})
    again = run_check(repo / "docs", tmp_path / "out", "--since", "main")
    assert again.returncode == 0, again.stdout
    bad = run_check(repo / "docs", tmp_path / "out", "--since", "no-such-ref")
    assert bad.returncode == 2 and "git cannot list the pages at that ref" in bad.stderr


def make_html(builddir: Path, source: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    args = ["make", "html", f"BUILDDIR={builddir}", "SPHINXOPTS=-q -W"]
    if source:
        args.append(f"SOURCEDIR={source}")
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, env={**os.environ, **(env or {})})


def test_source_links_follow_the_configured_repository(tmp_path):
    env = {"HANDBOOK_REPOSITORY_URL": "https://github.com/fork/handbook", "HANDBOOK_REPOSITORY_BRANCH": "trunk",
           "GITHUB_ACTIONS": ""}
    assert make_html(tmp_path / "with", env=env).returncode == 0
    page = (tmp_path / "with" / "html" / "engineering" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/fork/handbook/edit/trunk/docs/engineering/index.md"' in page
    assert 'href="https://github.com/fork/handbook/blob/trunk/docs/engineering/index.md"' in page
    assert make_html(tmp_path / "without", env={"HANDBOOK_REPOSITORY_URL": "", "GITHUB_ACTIONS": ""}).returncode == 0
    page = (tmp_path / "without" / "html" / "engineering" / "index.html").read_text(encoding="utf-8")
    assert "edit-this-page" not in page and "view-this-page" not in page


def test_last_updated_from_git_and_a_shallow_clone_degrades(tmp_path):
    assert make_html(tmp_path / "full").returncode == 0
    page = (tmp_path / "full" / "html" / "engineering" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"Last updated on \d{4}-\d{2}-\d{2}", page)

    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{REPO}", str(shallow)], check=True)
    shutil.rmtree(shallow / "docs")
    shutil.copytree(REPO / "docs", shallow / "docs")
    result = subprocess.run([str(REPO / ".venv" / "bin" / "sphinx-build"), "-b", "html", "-c", str(REPO / "conf"),
                             "-n", "-W", "docs", str(tmp_path / "shallow-out")], cwd=shallow,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # One notice per feature that says why and what to do (last-updated dates here; What's new has its
    # own); no per-page warning.
    notices = re.findall(r"notice: .*", result.stdout)
    assert len([line for line in notices if "What's new" in line]) == 1, notices
    [notice] = [line for line in notices if "What's new" not in line]
    assert re.fullmatch(r"notice: \d+ pages show no 'last updated' date: the clone is shallow \(clone with full "
                        r"history, e\.g\. fetch-depth: 0, to show them\)", notice), notice
    assert "too shallow" not in result.stdout + result.stderr
    page = (tmp_path / "shallow-out" / "engineering" / "index.html").read_text(encoding="utf-8")
    assert "Last updated on" not in page


def test_404_page_fits_the_theme(tmp_path):
    assert make_html(tmp_path, env={"HANDBOOK_BASE_PATH": "/handbook/"}).returncode == 0
    page = (tmp_path / "html" / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in page and "sidebar-tree" in page  # Furo's layout, with navigation
    assert 'href="/handbook/_static/styles/furo.css' in page  # assets found from any missing path
