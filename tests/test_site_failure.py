"""A failed `make html` says which page broke, and leaves the rest of the previous site usable.

Each case builds a small site the way a writer does (`make html SOURCEDIR=... BUILDDIR=...`), then
breaks one page the way a writer might and builds again with warnings as errors. The second build
must fail, name the broken file and line, print no traceback, and every other page of the first
build must still be there: the same content, whole HTML, its links and assets in place.
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent

SITE = {
    "index.md": "# Team handbook\n\nWelcome to the team.\n\n```{toctree}\nguide/index\nengineering/adr/index\n```\n",
    "guide/index.md": ("# Guide\n\nHow we work.\n\n```{toctree}\nsetup\ndeploy\n```\n"),
    "guide/setup.md": ("# Set up a laptop\n\nInstall the tools.\n\n```{note}\nAsk for a hardware key on day one.\n```\n\n"
                       "Then clone the repositories.\n"),
    "guide/deploy.md": "# Deploy a service\n\nShip it with the pipeline, never by hand.\n",
    "engineering/adr/index.md": ("# Decisions\n\n```{adr-index}\n```\n\n```{toctree}\n:glob:\n\n0*\n```\n"),
    "engineering/adr/0001-use-postgresql.md": (
        "---\nstatus: accepted\ndate: 2026-05-20\ndeciders: [platform-lead]\n---\n"
        "# ADR-0001: Use PostgreSQL\n\n```{adr-status}\n```\n\nPostgreSQL holds the data of every service.\n"),
}

# (page, what the writer did to it, lines the build may name: the broken line or the block holding it,
#  other pages that show what the broken page says and so may change, though they must stay whole)
BREAKAGES = {
    "a directive without its argument": (
        "guide/setup.md", lambda text: text.replace("```{note}", "```{admonition}"), range(5, 6), set()),
    "a misspelt directive name": (
        "guide/setup.md", lambda text: text.replace("```{note}", "```{notee}"), range(5, 6), set()),
    # Sphinx places a toctree's problems at the directive (line 5), not at the entry (line 8).
    "a toctree entry for a page that does not exist": (
        "guide/index.md", lambda text: text.replace("deploy\n", "deploy\nrestore-a-backup\n"), range(5, 10), set()),
    # YAML notices the unclosed list on the line after it; either way, a line of the front matter.
    # The decision index shows the record's status, which is now unknown.
    "decision-record front matter that is not YAML": (
        "engineering/adr/0001-use-postgresql.md", lambda text: text.replace("status: accepted", "status: [accepted"),
        range(1, 6), {"engineering/adr/index.html"}),
}


def make_html(source: Path, builddir: Path, options: str = "-W --keep-going") -> subprocess.CompletedProcess:
    return subprocess.run(["make", "html", f"SOURCEDIR={source}", f"BUILDDIR={builddir}", f"SPHINXOPTS={options}"],
                          cwd=REPO, capture_output=True, text=True)


class PageCheck(HTMLParser):
    """Reads a page: is every element closed, and which local files does it link to?"""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.errors: list[str] = []
        self.seen: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.seen.add(tag)
        for name, value in attrs:
            if name in ("href", "src") and value and not urlparse(value).scheme and not value.startswith(("#", "//")):
                self.links.append(value)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.open[-1] if self.open else 'nothing'}> at {self.getpos()}")
            if tag in self.open:
                del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]
            return
        self.open.pop()


def check_page(site: Path, page: Path) -> str:
    """Assert the page is whole HTML whose local links and assets exist; return its article's text."""
    text = page.read_text(encoding="utf-8")
    checker = PageCheck()
    checker.feed(text)
    checker.close()
    assert checker.errors == [] and checker.open == [], (page, checker.errors[:5], checker.open)
    assert {"html", "head", "body", "article"} <= checker.seen, page
    for link in checker.links:
        target = (page.parent / unquote(urlparse(link).path)).resolve()
        assert target.exists() and site.resolve() in [target, *target.parents], f"{page}: {link} leads nowhere"
    article = text[text.index("<article"):text.index("</article>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article)).strip()


def site_pages(site: Path) -> dict[str, str]:
    """Every page a source file made, by its path in the site, with its article's text."""
    return {str(page.relative_to(site)): check_page(site, page)
            for page in sorted(site.rglob("*.html")) if page.name not in ("genindex.html", "search.html", "404.html")}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_broken_page_is_named_and_the_rest_of_the_site_survives(tmp_path, breakage):
    page, break_it, lines, dependents = BREAKAGES[breakage]
    source, builddir = tmp_path / "src", tmp_path / "build"
    for name, text in SITE.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text, encoding="utf-8")

    first = make_html(source, builddir)
    assert first.returncode == 0, first.stdout + first.stderr
    site = builddir / "html"
    before = site_pages(site)
    assert len(before) == len(SITE)
    assert "Ask for a hardware key on day one." in before["guide/setup.html"]
    assert "PostgreSQL holds the data of every service." in before["engineering/adr/0001-use-postgresql.html"]

    broken = source / page
    broken.write_text(break_it(broken.read_text(encoding="utf-8")), encoding="utf-8")
    second = make_html(source, builddir)
    output = second.stdout + second.stderr
    assert second.returncode != 0, output
    named = [int(line) for line in re.findall(rf"^{re.escape(str(broken))}:(\d+): (?:WARNING|ERROR|CRITICAL): ",
                                              output, re.M)]
    assert named and all(line in lines for line in named), output
    # Only the broken page is blamed, and nothing crashed on the way.
    blamed = set(re.findall(r"^(/\S+?\.md):\d+: (?:WARNING|ERROR|CRITICAL): ", output, re.M))
    assert blamed == {str(broken)}, output
    assert "Traceback" not in output and "Exception occurred" not in output, output

    after = site_pages(site)  # every page, the broken one too, is still whole HTML with working links
    assert set(after) == set(before)
    for other, content in before.items():
        if other == str(Path(page).with_suffix(".html")) or other in dependents:
            continue
        assert after[other] == content, f"{other} changed after the failed build"
    if dependents:
        assert "handbook-badge-unknown" in (site / "engineering/adr/index.html").read_text(encoding="utf-8")
