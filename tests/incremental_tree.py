"""A small handbook as data, written to disk, built incrementally and cleanly, and compared.

Used by the incremental-build tests: a model of a tree (sections of pages, the root toctree and
its options, decision records, front matter, conf.py) that edits change and that is written out
file by file, touching only files whose text changed, as a writer's editor would.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

REPO = Path(__file__).resolve().parent.parent
ROOT_CONF = (REPO / "tests" / "roots" / "test-records" / "conf.py").read_text(encoding="utf-8")
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01: every build dates itself the same
# conf.py additions an edit switches between (an "html" value, an "env" value, a redirect map).
CONF_VARIANTS = (
    "",
    'html_title = "Handbook, edited"\n',
    'handbook_review_required = ["ops"]\n',
    'handbook_redirects = {"old/place": "index"}\n',
)


@dataclass
class Page:
    title: str
    body: int = 0  # a counter: an edit to the page's text, nothing else
    listed: bool = True  # in its section's toctree (else an orphan, with Sphinx's warning)
    owner: str | None = None
    reviewed: str | None = None  # last-reviewed, ISO date
    redirect_from: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass
class Section:
    title: str
    pages: dict[str, Page] = field(default_factory=dict)  # slug -> page, in toctree order
    glob: bool = False
    hidden: bool = False
    caption: str | None = None


@dataclass
class Record:
    slug: str
    title: str
    status: str = "accepted"
    date: str = "2026-01-01"
    supersedes: tuple[int, ...] = ()
    body: int = 0
    tags: tuple[str, ...] = ()


@dataclass
class Tree:
    sections: dict[str, Section] = field(default_factory=dict)  # folder -> section, in root order
    records: dict[int, Record] = field(default_factory=dict)
    root_hidden: bool = False
    root_numbered: bool = False
    root_caption: str | None = None
    conf: int = 0

    @classmethod
    def small(cls) -> Tree:
        tree = cls()
        tree.sections["guides"] = Section("Guides", {"start": Page("Getting started"), "style": Page("Style")})
        tree.sections["ops"] = Section("Operations", {"deploy": Page("Deploying", owner="ops-team",
                                                                      reviewed="2025-01-10")})
        tree.records[1] = Record("first-decision", "Record decisions")
        tree.records[2] = Record("use-queues", "Use queues", status="proposed")
        return tree

    def files(self) -> dict[str, str]:
        files = {"index.md": self._root(), "conf.py": ROOT_CONF + "\n" + CONF_VARIANTS[self.conf]}
        for folder, section in self.sections.items():
            files[f"{folder}/index.md"] = _section(section)
            for slug, page in section.pages.items():
                files[f"{folder}/{slug}.md"] = _page(page)
        files["engineering/adr/index.md"] = ("# Decisions\n\n```{adr-index}\n```\n\n```{decision-map}\n```\n\n"
                                             "```{toctree}\n:glob:\n:hidden:\n\n*\n```\n")
        superseded_by = {old: number for number, record in self.records.items() for old in record.supersedes}
        for number, record in self.records.items():
            files[f"engineering/adr/{number:04d}-{record.slug}.md"] = _record(number, record,
                                                                            superseded_by.get(number))
        return files

    def _root(self) -> str:
        options = "".join([":hidden:\n" if self.root_hidden else "", ":numbered:\n" if self.root_numbered else "",
                           f":caption: {self.root_caption}\n" if self.root_caption else ""])
        entries = "".join(f"{folder}/index\n" for folder in self.sections)
        return (f"# Home\n\nThe handbook.\n\n```{{tag-index}}\n```\n\n"
                f"```{{toctree}}\n{options}\n{entries}engineering/adr/index\n```\n")


def _section(section: Section) -> str:
    options = "".join([":glob:\n" if section.glob else "", ":hidden:\n" if section.hidden else "",
                       f":caption: {section.caption}\n" if section.caption else ""])
    entries = "*\n" if section.glob else "".join(f"{slug}\n" for slug, page in section.pages.items()
                                                  if page.listed)
    return f"# {section.title}\n\nPages of this section.\n\n```{{toctree}}\n{options}\n{entries}```\n"


def _page(page: Page) -> str:
    front = []
    if page.owner:
        front.append(f"owner: {page.owner}")
    if page.reviewed:
        front.append(f"last-reviewed: {page.reviewed}")
    if page.redirect_from:
        front.append(f"redirect-from: [{', '.join(page.redirect_from)}]")
    if page.tags:
        front.append(f"tags: [{', '.join(page.tags)}]")
    head = "---\n" + "\n".join(front) + "\n---\n" if front else ""
    return f"{head}# {page.title}\n\nText of the page, version {page.body}.\n\n## Details\n\nMore text.\n"


def _record(number: int, record: Record, superseded_by: int | None) -> str:
    status = "superseded" if superseded_by is not None else record.status
    lines = [f"status: {status}", f"date: {record.date}", "deciders: [platform-lead]"]
    if record.supersedes:
        lines.append(f"supersedes: [{', '.join(map(str, record.supersedes))}]")
    if superseded_by is not None:
        lines.append(f"superseded-by: {superseded_by}")
    if record.tags:
        lines.append(f"tags: [{', '.join(record.tags)}]")
    return ("---\n" + "\n".join(lines) + f"\n---\n# ADR-{number:04d}: {record.title}\n\n```{{adr-status}}\n```\n\n"
            f"## Context\n\nWhy, version {record.body}.\n")


def write(srcdir: Path, files: dict[str, str]) -> set[str]:
    """Make ``srcdir`` hold exactly ``files``; touch only what changed. Returns the paths written."""
    written = set()
    present = {path.relative_to(srcdir).as_posix() for path in srcdir.rglob("*") if path.is_file()}
    for name in sorted(present - set(files)):
        (srcdir / name).unlink()
    for name, text in files.items():
        path = srcdir / name
        if name in present and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.add(name)
    for folder in sorted((p for p in srcdir.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(folder.iterdir()):
            folder.rmdir()
    return written


@dataclass
class Build:
    outdir: Path
    warnings: list[str]


def build(srcdir: Path, builddir: Path, buildername: str = "html", parallel: int = 0,
          fresh: bool = False) -> Build:
    if fresh:
        shutil.rmtree(builddir, ignore_errors=True)
    warning = StringIO()
    app = SphinxTestApp(buildername, srcdir=srcdir, builddir=builddir, status=StringIO(), warning=warning,
                        parallel=parallel)
    try:
        app.build()
    finally:
        app.cleanup()
    text = re.sub(r"\x1b\[[0-9;]*m", "", warning.getvalue())
    return Build(Path(app.outdir), [line for line in text.splitlines() if line.strip()])


# Sphinx's own notes about the build folder, not part of the site: its doctrees (and the handbook's
# notes beside them), and .buildinfo.bak, the previous build's settings that Sphinx keeps when a
# configuration change made it write every page.
NOT_THE_SITE = {".doctrees", ".buildinfo.bak"}


def output(outdir: Path) -> dict[str, bytes]:
    """Every file of the site a build wrote."""
    return {path.relative_to(outdir).as_posix(): path.read_bytes() for path in sorted(outdir.rglob("*"))
            if path.is_file() and not NOT_THE_SITE & set(path.relative_to(outdir).parts)}


def _search_index(data: bytes) -> dict:
    """The search index with Sphinx's leftovers of deleted pages (words that find nothing) taken out.

    Sphinx prunes a removed page's words from the index it loads but keeps each word with an
    empty list of pages; searching finds the same pages either way.
    """
    index = json.loads(data.decode("utf-8").removeprefix("Search.setIndex(").removesuffix(")"))
    for key in ("terms", "titleterms"):
        index[key] = {word: pages for word, pages in index[key].items() if pages != []}
    return index


def differences(incremental: Build, clean: Build) -> list[str]:
    """What the incremental build got wrong against the clean one, in words; empty when equal."""
    found = []
    mine, theirs = output(incremental.outdir), output(clean.outdir)
    for name in sorted(mine.keys() - theirs.keys()):
        found.append(f"{name}: left over, a clean build has no such file")
    for name in sorted(theirs.keys() - mine.keys()):
        found.append(f"{name}: missing, a clean build writes it")
    for name in sorted(mine.keys() & theirs.keys()):
        if mine[name] != theirs[name] and not (name == "searchindex.js" and
                                               _search_index(mine[name]) == _search_index(theirs[name])):
            diff = difflib.unified_diff(theirs[name].decode("utf-8", "replace").splitlines(),
                                        mine[name].decode("utf-8", "replace").splitlines(),
                                        "clean", "incremental", n=1, lineterm="")
            found.append(f"{name} differs:\n" + "\n".join(list(diff)[:30]))
    extra = [line for line in incremental.warnings if line not in clean.warnings]
    found.extend(f"warning a clean build does not print: {line}" for line in extra)
    return found
