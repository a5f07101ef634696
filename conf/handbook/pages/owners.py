"""Who owns what: owners from CODEOWNERS for pages that name none, and ``{page-owners}``, the
generated review page (pages due for review first, then every page by owner).

A page's owner is its front matter's ``owner:``; failing that, what the repository's CODEOWNERS
says about its source file (GitHub's rules, ``codeowners.py``). The review page is drawn when it is
written, from every page's review data, and written again whenever any of that changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import subprocess
from collections.abc import Iterable, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from ..dates import build_day
from ..pagedata import PageDataDomain
from ..source import page_source
from ..tables import generated_table
from ..warnings_ import HandbookWarning, warn
from . import codeowners

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

    from handbook.pages import PagesDomain

DUE_SOON_DAYS = 30


@dataclasses.dataclass(frozen=True)
class Codeowners:
    path: Path | None
    rules: tuple[codeowners.Rule, ...]
    problems: tuple[Any, ...]
    root: Path
    signature: str


_cache: dict[tuple[str, str], Codeowners] = {}


@functools.lru_cache(maxsize=8)
def repository_root(srcdir: Path) -> Path:
    """The top of the git checkout holding the sources (where GitHub reads CODEOWNERS from)."""
    try:
        found = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=srcdir, capture_output=True,
                               text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        found = None
    if found is not None and found.returncode == 0 and found.stdout.strip():
        return Path(found.stdout.strip())
    return srcdir.parent


def load(env: BuildEnvironment) -> Codeowners:
    """The CODEOWNERS rules for this build, read once per file content (cached by its hash)."""
    srcdir = Path(env.srcdir)
    configured = env.config.handbook_codeowners
    root = repository_root(srcdir)
    path = (root / configured) if configured else codeowners.find(root)
    text = path.read_text(encoding="utf-8", errors="replace") if path is not None and path.is_file() else ""
    key = (str(path), hashlib.sha256(text.encode()).hexdigest())
    if key not in _cache:
        rules, problems = codeowners.parse(text)
        _cache[key] = Codeowners(path, tuple(rules), tuple(problems), root, f"{key[0]}:{key[1]}:{root}")
    return _cache[key]


def source_path(env: BuildEnvironment, docname: str, root: Path) -> str | None:
    """A page's source file relative to the repository root, as CODEOWNERS patterns see it."""
    try:
        return Path(env.doc2path(docname)).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def codeowners_owner(env: BuildEnvironment, docname: str) -> str:
    """The owners CODEOWNERS names for the page's source file, joined; "" for none."""
    found = load(env)
    path = source_path(env, docname, found.root)
    owners = codeowners.owners_of(path, list(found.rules)) if path is not None else None
    return ", ".join(owners or ())


class OwnersDomain(PageDataDomain):
    """owners: docname -> [owner, where it comes from ("front matter" or "CODEOWNERS")];
    lists: docname -> True for pages showing ``{page-owners}``."""

    name = "owners"
    label = "Page owners"
    initial_data: ClassVar[dict[str, Any]] = {"owners": {}, "lists": {}, "codeowners": "", "signature": ""}
    tables = ("owners", "lists")

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        if any(True for _ in document.findall(owners_placeholder)):
            self.table("lists")[docname] = True
        owner = page_source(env, docname).front_matter.values.get("owner")
        if isinstance(owner, str) and owner.strip():
            self.table("owners")[docname] = [owner.strip(), "front matter"]
        elif fallback := codeowners_owner(env, docname):
            self.table("owners")[docname] = [fallback, "CODEOWNERS"]


class owners_placeholder(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """Where ``{page-owners}`` stood."""


class PageOwners(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        node = owners_placeholder()
        self.set_source_info(node)
        return [node]


def reread_on_new_codeowners(app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str],
                             removed: Set[str]) -> Iterable[str]:
    """``env-get-outdated``: a CODEOWNERS file added, changed or removed can change any page's owner."""
    domain = cast("OwnersDomain", env.domains["owners"])
    found = load(env)
    for problem in found.problems:
        warn(HandbookWarning.CODEOWNERS, problem.message, f"{found.path}:{problem.line}")
    if domain.data.get("codeowners") == found.signature:
        return []
    first_build = not domain.data.get("codeowners")
    domain.data["codeowners"] = found.signature
    return [] if first_build else sorted(env.found_docs - removed)


@dataclasses.dataclass(frozen=True)
class Row:
    docname: str
    title: str
    owner: str
    owner_from: str
    last_reviewed: str  # "" when the page has no review dates
    due: str
    days_left: int | None  # negative when overdue


def rows(env: BuildEnvironment, today: dt.date) -> list[Row]:
    reviews = cast("PagesDomain", env.domains["pages"])
    owners = cast("OwnersDomain", env.domains["owners"]).table("owners")
    found = []
    for docname in sorted(set(owners) | set(reviews.data.get("reviews", {}))):
        found_review = reviews.review_of(docname)
        owner, owner_from = owners.get(docname, ["", ""])
        if found_review is not None:
            owner = found_review.owner
            days = (dt.date.fromisoformat(found_review.due) - today).days
            last, due = found_review.last_reviewed, found_review.due
        else:
            days, last, due = None, "", ""
        title = env.titles[docname].astext() if docname in env.titles else docname
        found.append(Row(docname, title, owner or "nobody", owner_from or "front matter", last, due, days))
    return found


def _when(row: Row) -> str:
    if row.days_left is None:
        return "no review date"
    if row.days_left < 0:
        return f"overdue by {-row.days_left} day{'s' if row.days_left != -1 else ''}"
    if row.days_left == 0:
        return "due today"
    return f"due in {row.days_left} day{'s' if row.days_left != 1 else ''}"


def _table(builder: Builder, fromdocname: str, headings: list[str], widths: list[int],
           body_rows: list[list[nodes.Node]], classes: list[str]) -> nodes.table:
    # "longtable": on paper a long list breaks across pages instead of running off the first.
    return generated_table(headings, widths, body_rows, ["handbook-owners-table", "longtable", *classes])


def _link(builder: Builder, fromdocname: str, row: Row) -> nodes.paragraph:
    paragraph = nodes.paragraph()
    paragraph += nodes.reference("", row.title, internal=True, refuri=builder.get_relative_uri(fromdocname, row.docname))
    return paragraph


def _status(row: Row) -> nodes.paragraph:
    classes = ["handbook-review-when"]
    if row.days_left is not None and row.days_left < 0:
        classes.append("handbook-review-overdue")
    return nodes.paragraph("", "", nodes.inline("", _when(row), classes=classes))


def _owner_text(row: Row) -> str:
    return row.owner + (" (CODEOWNERS)" if row.owner_from == "CODEOWNERS" else "")


def owners_page(builder: Builder, env: BuildEnvironment, fromdocname: str, today: dt.date) -> list[nodes.Node]:
    """Pages due for review (overdue first) then every page by owner, each list soonest first."""
    found = rows(env, today)
    result: list[nodes.Node] = []
    due = sorted((row for row in found if row.days_left is not None and row.days_left <= DUE_SOON_DAYS),
                 key=lambda row: (row.days_left, row.title))
    intro = nodes.paragraph(classes=["handbook-owners-date"])
    intro += nodes.Text(f"As of {today.isoformat()}: {len(due)} page{'s' if len(due) != 1 else ''} overdue or due "
                        f"for review within {DUE_SOON_DAYS} days.")
    result.append(intro)
    if due:
        result.append(_table(builder, fromdocname, ["Page", "Owner", "Next review", "When"], [40, 25, 15, 20],
                             [[_link(builder, fromdocname, row), nodes.Text(_owner_text(row)), nodes.Text(row.due),
                               _status(row)] for row in due], ["handbook-owners-due"]))
    by_owner: dict[str, list[Row]] = {}
    for row in found:
        by_owner.setdefault(row.owner, []).append(row)
    for owner in sorted(by_owner, key=lambda name: (name == "nobody", name.casefold())):
        pages = sorted(by_owner[owner], key=lambda row: (row.days_left is None, row.days_left or 0, row.title))
        heading = nodes.paragraph(classes=["handbook-owner"])
        heading += nodes.strong(text=owner)
        heading += nodes.Text(f" · {len(pages)} page{'s' if len(pages) != 1 else ''}")
        result.append(heading)
        result.append(_table(builder, fromdocname, ["Page", "Last reviewed", "Next review", "When"], [40, 18, 18, 24],
                             [[_link(builder, fromdocname, row), nodes.Text(row.last_reviewed or "—"),
                               nodes.Text(row.due or "—"), _status(row)] for row in pages],
                             ["handbook-owners-by-owner"]))
    if not found:
        result.append(nodes.paragraph(text="No page names an owner yet."))
    return result


def _today(config: Config) -> dt.date:
    try:
        return dt.date.fromisoformat(config.handbook_today)
    except ValueError:
        return build_day()


def lists_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: the review page is written again when any owner, review date or title of a
    listed page, or the day it is judged by, changed."""
    domain = cast("OwnersDomain", env.domains["owners"])
    shown = [dataclasses.astuple(row) for row in rows(env, _today(app.config))]
    signature = hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()
    if signature == domain.data.get("signature"):
        return []
    domain.data["signature"] = signature
    return sorted(domain.table("lists"))


def fill_owners(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(owners_placeholder)):
        node.replace_self(owners_page(app.builder, app.env, docname, _today(app.config)))


def setup_owners(app: Sphinx) -> None:
    # The CODEOWNERS file to read, relative to the repository's top folder; "" looks where GitHub does.
    app.add_config_value("handbook_codeowners", "", "env", types=frozenset({str}))
    app.add_node(owners_placeholder)
    app.add_domain(OwnersDomain)
    app.add_directive("page-owners", PageOwners)
    app.connect("env-get-outdated", reread_on_new_codeowners)
    app.connect("env-updated", lists_to_rewrite)
    app.connect("doctree-resolved", fill_owners)
