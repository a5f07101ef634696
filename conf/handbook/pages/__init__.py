"""What every handbook page may carry besides its text: an owner and review dates, old paths
that still lead to it, and a link to its source.

- ``owner`` / ``last-reviewed`` / ``review-every`` front matter: shown under the page title, with an
  "overdue for review" notice once the review date has passed (`make check` lists those pages).
- ``redirect-from`` front matter (or ``handbook_redirects`` in conf.py): the build writes a small
  redirect page at each old path, so links and bookmarks to moved pages keep working.
- ``handbook_repository_url``: Furo's "edit this page" and "view source" buttons, for any fork.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from docutils import nodes
from sphinx.util import logging

from ..dates import build_day
from ..pagedata import PageDataDomain
from ..source import page_source, read_lines
from ..warnings_ import HandbookWarning, warn
from . import git_dates, owners, redirects, review, source_links

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

    from handbook.tags import TagsDomain

logger = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"


class PagesDomain(PageDataDomain):
    """Per page: its review data and the old paths it answers for."""

    name = "pages"
    label = "Handbook pages"
    initial_data: ClassVar[dict[str, dict[str, Any]]] = {"reviews": {}, "redirects": {}}
    tables = ("reviews", "redirects")

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        front_matter = page_source(env, docname).front_matter
        required = _review_required(docname, env.config.handbook_review_required)
        found, problems = review.read_review(front_matter, required, owners.codeowners_owner(env, docname))
        for problem in problems:
            warn(HandbookWarning.for_rule("", problem.rule), problem.message, (docname, problem.line))
        if found is not None:
            self.data.setdefault("reviews", {})[docname] = vars(found)
        old_paths, problems = redirects.read_redirect_from(front_matter)
        for problem in problems:
            warn(HandbookWarning.for_rule("", problem.rule), problem.message, (docname, problem.line))
        if old_paths:
            self.data.setdefault("redirects", {})[docname] = old_paths

    def review_of(self, docname: str) -> review.Review | None:
        fields = self.data.get("reviews", {}).get(docname)
        return review.Review(**fields) if fields else None

    def overdue(self, today: dt.date) -> list[tuple[str, review.Review]]:
        found = [(docname, self.review_of(docname)) for docname in sorted(self.data.get("reviews", {}))]
        return [(docname, found_review) for docname, found_review in found
                if found_review is not None and found_review.overdue_on(today)]

    def redirect_map(self, config_map: dict[str, str]) -> dict[str, tuple[str, tuple[str, int] | None]]:
        """Old docname -> (new docname, (declaring page, line) or None for conf.py)."""
        mapping: dict[str, tuple[str, tuple[str, int] | None]] = {
            redirects.normalise(old): (redirects.normalise(new), None) for old, new in config_map.items()}
        for docname, entries in sorted(self.data.get("redirects", {}).items()):
            for old, line in entries:
                mapping.setdefault(old, (docname, (docname, line)))
        return mapping

    def redirect_conflicts(self) -> list[tuple[str, str, str, int]]:
        """(old path, first page, second page, its line) for old paths two pages both claim."""
        claimed: dict[str, str] = {}
        conflicts = []
        for docname, entries in sorted(self.data.get("redirects", {}).items()):
            for old, line in entries:
                if old in claimed and claimed[old] != docname:
                    conflicts.append((old, claimed[old], docname, line))
                claimed.setdefault(old, docname)
        return conflicts


def _review_required(docname: str, folders: list[str]) -> bool:
    folder, _, basename = docname.rpartition("/")
    return basename != "index" and any(folder == f.strip("/") for f in folders)


def _today(config: Config) -> dt.date:
    try:
        return dt.date.fromisoformat(config.handbook_today)
    except ValueError:
        return build_day()


def show_review(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: owner and review dates under the title; a notice once overdue."""
    found = cast("PagesDomain", app.env.domains["pages"]).review_of(docname)
    if found is None or app.builder.format not in ("html", "latex"):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    position = 1 if section.children and isinstance(section[0], nodes.title) else 0
    inserted: list[nodes.Node] = []
    if found.overdue_on(_today(app.config)):
        notice = nodes.admonition(classes=["warning", "handbook-overdue"])
        notice += nodes.title(text="Overdue for review")
        notice += nodes.paragraph(text=f"This page was last reviewed on {found.last_reviewed} and was due for "
                                       f"review on {found.due}. Its owner, {found.owner}, should check it is "
                                       "still right and update 'last-reviewed'.")
        inserted.append(notice)
    line = nodes.paragraph(classes=["handbook-review"])
    line += nodes.Text(f"Owner: {found.owner} · Last reviewed: {found.last_reviewed} · Next review: {found.due}")
    inserted.append(line)
    section[position:position] = inserted


def collect_redirect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """``html-collect-pages``: one small page at every old path, pointing at the page's new place."""
    if app.builder.format != "html" or app.builder.name in ("singlehtml", "handbook-linkcheck"):
        return
    domain = cast("PagesDomain", app.env.domains["pages"])
    for old, first, second, line in domain.redirect_conflicts():
        warn(HandbookWarning.REDIRECT, f"'{old}' is declared in redirect-from by both '{first}' and '{second}'; it redirects "
                         f"to '{first}'; remove it from one of them", (second, line))
    generated = generated_pages(app)
    outputs = {_written_at(app, page) for page in set(app.env.found_docs) | generated}
    for old, (new, origin) in sorted(domain.redirect_map(app.config.handbook_redirects).items()):
        problem = (redirects.judge(old, new, app.env.found_docs, generated)
                   or redirects.folder_clash(old, new, _written_at(app, old), outputs))
        if problem:
            warn(HandbookWarning.REDIRECT, problem, origin or f"{Path(app.confdir) / 'conf.py'}:{_conf_line(app, old)}")
            continue
        target = app.builder.get_relative_uri(old, new)
        yield old, {"title": f"Moved to {app.env.titles[new].astext()}", "redirect_url": target}, "handbook-redirect.html"


def _written_at(app: Sphinx, pagename: str) -> str:
    """Where the builder writes a page, relative to the site's root (``a/b.html``, ``a/b/index.html``)."""
    return Path(cast("StandaloneHTMLBuilder", app.builder).get_outfilename(pagename)).relative_to(app.outdir).as_posix()


def generated_pages(app: Sphinx) -> set[str]:
    """Pages the build writes that come from no source: indices, search, 404, additional pages, and
    the handbook's own tag pages."""
    generated = {"genindex", "search", getattr(app.config, "notfound_pagename", "404")}
    generated |= set(getattr(app.config, "html_additional_pages", {}) or {})
    for domain in app.env.domains.sorted():
        generated |= {f"{domain.name}-{index.name}" for index in domain.indices}
    if "tags" in app.env.domains:
        from ..tags import folder, render  # noqa: PLC0415 - tags is set up beside pages, in setup()

        generated |= {render.page_of(folder(app), tag.slug) for tag in cast("TagsDomain", app.env.domains["tags"]).all_tags()}
    return generated


def _conf_line(app: Sphinx, text: str) -> int:
    lines = read_lines(Path(app.confdir) / "conf.py")
    return next((number for number, line in enumerate(lines, 1) if text in line), 1)


def _configure_pages(app: Sphinx, config: Config) -> None:
    """``config-inited``: the pages' templates, the day reviews are judged by, and the source links."""
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    if not config.handbook_today:
        config.handbook_today = build_day().isoformat()
    source_links.configure(app, config)


def setup_pages(app: Sphinx) -> None:
    git_dates.setup_git_dates(app)
    # Folders whose pages (other than index) must carry owner and review dates.
    app.add_config_value("handbook_review_required", ["engineering/runbooks"], "env", types=frozenset({list}))
    # The date reviews are judged by; "" means SOURCE_DATE_EPOCH's date when set, else today.
    app.add_config_value("handbook_today", "", "html", types=frozenset({str}))
    # Old path -> new page (docnames without suffix), beside `redirect-from` in front matter.
    app.add_config_value("handbook_redirects", {}, "html", types=frozenset({dict}))
    # The repository the sources live in, for "edit this page"; "" hides the buttons.
    app.add_config_value("handbook_repository_url", os.environ.get("HANDBOOK_REPOSITORY_URL", ""), "html",
                         types=frozenset({str}))
    app.add_config_value("handbook_repository_branch", os.environ.get("HANDBOOK_REPOSITORY_BRANCH", "main"),
                         "html", types=frozenset({str}))
    app.add_domain(PagesDomain)
    owners.setup_owners(app)
    app.connect("config-inited", _configure_pages)
    app.connect("doctree-resolved", show_review)
    app.connect("html-collect-pages", collect_redirect_pages)
