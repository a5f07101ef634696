"""Who owns what: CODEOWNERS read with GitHub's rules (its documented examples, and properties of
the patterns), owners from it for pages that name none, and the generated review page."""

from __future__ import annotations

import datetime as dt
import html as html_text
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handbook.pages import codeowners

# GitHub's own examples ("About code owners", example CODEOWNERS file), as (pattern, path, matches).
GITHUB_EXAMPLES = [
    ("*", "README.md", True), ("*", "a/b/c.txt", True),
    ("*.js", "app.js", True), ("*.js", "src/deep/app.js", True), ("*.js", "app.jsx", False),
    ("*.go", "main.go", True),
    ("/build/logs/", "build/logs/today.txt", True), ("/build/logs/", "build/logs/old/x.txt", True),
    ("/build/logs/", "src/build/logs/x.txt", False), ("/build/logs/", "build/logs", False),
    ("docs/*", "docs/getting-started.md", True), ("docs/*", "docs/build-app/troubleshooting.md", False),
    ("docs/*", "src/docs/x.md", False),
    ("apps/", "apps/x.rb", True), ("apps/", "src/apps/deep/x.rb", True), ("apps/", "apps", False),
    ("/docs/", "docs/a/b.md", True), ("/docs/", "src/docs/a.md", False),
    ("/scripts/", "scripts/run.sh", True),
    ("**/logs", "build/logs/a.txt", True), ("**/logs", "scripts/logs/a.txt", True),
    ("**/logs", "deeply/nested/logs/a.txt", True), ("**/logs", "logs/a.txt", True), ("**/logs", "blogs/a", False),
    ("/apps/github", "apps/github/x.rb", True), ("/apps/github", "apps/githubber/x.rb", False),
    ("docs/**", "docs/a/b/c.md", True), ("a/**/b", "a/b", True), ("a/**/b", "a/x/y/b/z", True),
    ("file?.md", "file1.md", True), ("file?.md", "file10.md", False), ("file?.md", "d/file/.md", False),
]


@pytest.mark.parametrize(("pattern", "path", "matches"), GITHUB_EXAMPLES)
def test_patterns_match_as_github_documents(pattern, path, matches):
    rules, problems = codeowners.parse(f"{pattern} @owner\n")
    assert not problems
    assert (codeowners.owners_of(path, rules) == ("@owner",)) is matches


def test_last_matching_line_wins_and_a_line_without_owners_unowns():
    text = """
        # comment
        *       @global
        *.md    @docs-team docs@example.com   # trailing comment
        /apps/  @octocat
        /apps/github
        """
    rules, problems = codeowners.parse(text.replace("        ", ""))
    assert not problems
    assert codeowners.owners_of("x.py", rules) == ("@global",)
    assert codeowners.owners_of("docs/a.md", rules) == ("@docs-team", "docs@example.com")
    assert codeowners.owners_of("apps/x.md", rules) == ("@octocat",)
    assert codeowners.owners_of("apps/github/x.md", rules) == ()
    assert codeowners.owners_of("x.py", []) is None


def test_unsupported_lines_are_reported_and_skipped():
    rules, problems = codeowners.parse("!*.md @a\n[ab].md @b\n*.md notanowner\n*.txt @org/team\n\\#x.md @c\n")
    assert [(problem.line, problem.message.split(":")[0]) for problem in problems] == [
        (1, "'!*.md'"), (2, "'[ab].md'"), (3, "'notanowner' is not an owner")]
    assert [rule.pattern for rule in rules] == ["*.txt", "#x.md"]


def test_github_looks_in_dot_github_then_root_then_docs(tmp_path):
    assert codeowners.find(tmp_path) is None
    for place in reversed(codeowners.PLACES):
        (tmp_path / place).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / place).write_text("* @x\n")
        assert codeowners.find(tmp_path) == tmp_path / place


segment = st.from_regex(r"[a-z]{1,3}", fullmatch=True)
paths = st.lists(segment, min_size=1, max_size=5).map("/".join)


@given(st.lists(segment, min_size=1, max_size=3).map("/".join), paths)
def test_a_rooted_literal_owns_itself_and_everything_below_only(pattern, path):
    rules, _ = codeowners.parse(f"/{pattern} @o\n")
    owned = codeowners.owners_of(path, rules) is not None
    assert owned is (path == pattern or path.startswith(pattern + "/"))


@given(segment, paths)
def test_a_bare_name_matches_a_file_or_folder_of_that_name_at_any_depth(name, path):
    rules, _ = codeowners.parse(f"{name} @o\n")
    owned = codeowners.owners_of(path, rules) is not None
    assert owned is (name in path.split("/"))


@given(segment, paths)
def test_a_single_star_never_crosses_a_folder(folder, path):
    rules, _ = codeowners.parse(f"{folder}/* @o\n")
    owned = codeowners.owners_of(path, rules) is not None
    parts = path.split("/")
    assert owned is (len(parts) == 2 and parts[0] == folder)


@given(st.lists(st.tuples(st.sampled_from(["*", "*.md", "a/", "/a/b", "**/b", "a/*", "b"]),
                          st.sampled_from(["@x", "@y", ""])), min_size=1, max_size=6), paths)
def test_the_owner_is_the_last_matching_lines(lines, path):
    rules, _ = codeowners.parse("".join(f"{pattern} {owner}\n" for pattern, owner in lines))
    matching = [owner for pattern, owner in lines if codeowners.owners_of(path, codeowners.parse(f"{pattern} @m\n")[0])]
    expected = (tuple(matching[-1].split()) if matching else None)
    assert codeowners.owners_of(path, rules) == expected


# --- builds ----------------------------------------------------------------------------------------

EPOCH_2026_12_01 = str(int(dt.datetime(2026, 12, 1, tzinfo=dt.UTC).timestamp()))

FILES = {
    "index.md": "# Handbook\n\n```{toctree}\nowners\nrunbooks/index\n```\n",
    "owners.md": "# Owners\n\n```{page-owners}\n```\n",
    "runbooks/index.md": "# Runbooks\n\n```{toctree}\n:glob:\n\n*\n```\n",
    # overdue (due 2026-11-01), from front matter
    "runbooks/old.md": "---\nowner: alice\nlast-reviewed: 2026-05-05\n---\n# Old runbook\n",
    # due 2026-12-11, within 30 days; owner from CODEOWNERS
    "runbooks/soon.md": "---\nlast-reviewed: 2026-06-14\n---\n# Soon runbook\n",
    # due far away
    "runbooks/fresh.md": "---\nowner: alice\nlast-reviewed: 2026-11-30\n---\n# Fresh runbook\n",
}
CODEOWNERS = "*  @org/handbook\n/src/runbooks/old.md  @nobody-wins-here\n/src/runbooks/old.md\n"


def review_rows(html: str, table_class: str) -> list[list[str]]:
    tables = re.findall(rf'<table class="[^"]*{table_class}[^"]*">(.*?)</table>', html, re.S)
    rows = []
    for table in tables:
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("</thead>")[-1], re.S):
            cells = re.findall(r"<td>(.*?)</td>", row, re.S)
            rows.append([html_text.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells])
    return rows


@pytest.fixture
def review_day(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH_2026_12_01)


def test_review_page_lists_due_pages_first_then_pages_by_owner(build_tree, tmp_path, review_day):
    (tmp_path / "CODEOWNERS").write_text(CODEOWNERS)
    built = build_tree(FILES)
    assert built.warnings == ""
    html = built.html("owners")
    assert "As of 2026-12-01: 2 pages overdue or due for review within 30 days." in html
    assert review_rows(html, "handbook-owners-due") == [
        ["Old runbook", "alice", "2026-11-01", "overdue by 30 days"],
        ["Soon runbook", "@org/handbook (CODEOWNERS)", "2026-12-11", "due in 10 days"]]
    owners = re.findall(r'<p class="handbook-owner"><strong>([^<]+)</strong>', html)
    assert [html_text.unescape(owner) for owner in owners] == ["@org/handbook", "alice"]
    # CODEOWNERS' "*" owns every page without an owner of its own; pages without dates come last
    by_owner = review_rows(html, "handbook-owners-by-owner")
    assert by_owner[0] == ["Soon runbook", "2026-06-14", "2026-12-11", "due in 10 days"]
    assert {row[0] for row in by_owner[1:4]} == {"Handbook", "Owners", "Runbooks"}
    assert all(row[1:] == ["—", "—", "no review date"] for row in by_owner[1:4])
    assert by_owner[4:] == [["Old runbook", "2026-05-05", "2026-11-01", "overdue by 30 days"],
                            ["Fresh runbook", "2026-11-30", "2027-05-29", "due in 179 days"]]
    assert "Owner: &#64;org/handbook" in built.html("runbooks/soon")


def test_without_codeowners_a_page_with_no_owner_is_reported(build_tree, review_day):
    built = build_tree(FILES)
    assert re.search(r"soon\.md:1: WARNING: 'owner' is missing or empty", built.warnings)


def test_bad_codeowners_lines_are_reported_at_their_line(build_tree, tmp_path, review_day):
    (tmp_path / "CODEOWNERS").write_text("* @org/handbook\n!src/x.md @a\n")
    built = build_tree(FILES)
    assert re.search(r"CODEOWNERS:2: WARNING: '!src/x\.md': GitHub does not support '!' \(negation\) in CODEOWNERS; "
                     r"the line is skipped \[handbook\.codeowners\]", built.warnings)
    assert built.warnings.count("WARNING") == 1


def test_review_page_follows_codeowners_and_page_edits_incrementally(build_tree, tmp_path, review_day):
    src = tmp_path / "src"
    (tmp_path / "CODEOWNERS").write_text(CODEOWNERS)
    build_tree(FILES)
    (tmp_path / "CODEOWNERS").write_text("* @org/other\n")
    built = build_tree(srcdir=src)
    assert ["Soon runbook", "@org/other (CODEOWNERS)", "2026-12-11", "due in 10 days"] in review_rows(
        built.html("owners"), "handbook-owners-due")
    assert "Owner: &#64;org/other" in built.html("runbooks/soon")
    (src / "runbooks/old.md").write_text("---\nowner: alice\nlast-reviewed: 2026-11-20\n---\n# Old runbook\n")
    again = build_tree(srcdir=src)
    assert [row[0] for row in review_rows(again.html("owners"), "handbook-owners-due")] == ["Soon runbook"]
    fresh = build_tree(srcdir=src, freshenv=True, builddir=tmp_path / "_fresh")
    assert fresh.html("owners") == again.html("owners")


def test_parallel_build_gives_the_same_review_page(build_tree, tmp_path, review_day):
    (tmp_path / "CODEOWNERS").write_text(CODEOWNERS)
    serial = build_tree(FILES)
    parallel = build_tree(srcdir=tmp_path / "src", parallel=2, freshenv=True, builddir=tmp_path / "_parallel")
    article = lambda html: html[html.index("<article"):html.index("</article>")]  # noqa: E731
    assert article(parallel.html("owners")) == article(serial.html("owners"))
