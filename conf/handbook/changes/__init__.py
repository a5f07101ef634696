"""What changed: ``{whats-new}`` (the latest commits, page by page, and decisions whose status
changed) and ``decisions.atom``, an Atom feed of new decision records and status changes.

Everything comes from git (``history.py``): read once per build, shown as of the commit the site
is built from. A shallow clone, or sources outside git, print one notice and the page says why it
shows no history; the feed is then written with no entries.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from ..pagedata import PageDataDomain
from ..records import kinds
from ..tables import generated_table
from . import feed, history

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from handbook.records.domain import DecisionRecordsDomain

logger = logging.getLogger(__name__)
FEED = "decisions.atom"

_histories: dict[str, history.History] = {}


def history_of(app: Sphinx) -> history.History:
    """The history of the source folder, read once per build."""
    key = str(app.srcdir)
    if key not in _histories:
        _histories[key] = history.read_history(Path(app.srcdir))
        if _histories[key].unavailable:
            logger.info(f"notice: What's new and the decision feed show no history: {_histories[key].unavailable}")
    return _histories[key]


def _forget_history(app: Sphinx) -> None:
    _histories.pop(str(app.srcdir), None)  # each build reads the history of its own HEAD


class whats_new_placeholder(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """Where ``{whats-new}`` stood; ``show`` is "pages" or "decisions"."""


class WhatsNew(SphinxDirective):
    has_content = False
    option_spec = {"show": lambda text: directives.choice(text.strip(), ("pages", "decisions"))}

    def run(self) -> list[nodes.Node]:
        node = whats_new_placeholder(show=self.options.get("show", "pages"))
        self.set_source_info(node)
        return [node]


class ChangesDomain(PageDataDomain):
    """pages: docname -> True for pages showing ``{whats-new}``."""

    name = "changes"
    label = "What's new"
    initial_data: ClassVar[dict[str, Any]] = {"pages": {}, "signature": ""}
    tables = ("pages",)

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        if any(True for _ in document.findall(whats_new_placeholder)):
            self.table("pages")[docname] = True


def docname_of(app: Sphinx, path: str) -> str | None:
    """The page a source file is (``engineering/adr/0001-x.md`` -> its docname), if it is one."""
    for suffix in app.config.source_suffix:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return None


def is_record(app: Sphinx, path: str) -> bool:
    docname = docname_of(app, path)
    return docname is not None and kinds.record_kind_for(docname, app.config.handbook_record_dirs) is not None \
        and docname.rpartition("/")[2][:1].isdigit()


def decision_changes(app: Sphinx) -> list[history.StatusChange]:
    found = history_of(app)
    return history.status_changes(Path(app.srcdir), found, lambda path: is_record(app, path))


def _title(app: Sphinx, docname: str | None, path: str) -> str:
    if docname is not None and docname in app.env.titles:
        return app.env.titles[docname].astext()
    return path


def _table(headings: list[str], widths: list[int], rows: list[list[list[nodes.Node]]],
           classes: list[str]) -> nodes.table:
    # "longtable": on paper a long history breaks across pages instead of running off the first.
    return generated_table(headings, widths, rows, ["handbook-whats-new", "longtable", *classes])


def _page(app: Sphinx, fromdocname: str, path: str) -> nodes.Node:
    docname = docname_of(app, path)
    if docname is not None and docname in app.env.found_docs:
        return nodes.reference("", _title(app, docname, path), internal=True,
                               refuri=app.builder.get_relative_uri(fromdocname, docname))
    return nodes.Text(f"{path} (no longer in the handbook)")


def pages_table(app: Sphinx, fromdocname: str) -> list[nodes.Node]:
    """One row per commit, newest first: its date, its subject, and the pages it changed."""
    found = history_of(app)
    if found.unavailable:
        return [nodes.paragraph(text=f"No history to show: {found.unavailable}.", classes=["handbook-no-history"])]
    rows: list[list[list[nodes.Node]]] = []
    for commit in found.commits:
        pages: list[nodes.Node] = []
        for change in commit.changes:
            if docname_of(app, change.path) is None:
                continue  # images, templates: not pages
            if pages:
                pages.append(nodes.Text(", "))
            pages.append(_page(app, fromdocname, change.path))
            what = {"A": "new", "D": "removed", "R": "moved"}.get(change.status)
            if what:
                pages.append(nodes.Text(f" ({what})"))
        if pages:
            rows.append([[nodes.Text(commit.date)], [nodes.Text(commit.subject)], pages])
        if len(rows) == app.config.handbook_whats_new_commits:
            break
    if not rows:
        return [nodes.paragraph(text="No page has changed yet.")]
    return [_table(["Date", "Change", "Pages"], [14, 46, 40], rows, ["handbook-whats-new-pages"])]


def _change_words(change: history.StatusChange) -> str:
    return f"{change.old} → {change.new}" if change.old else f"new, {change.new}"


def decisions_table(app: Sphinx, fromdocname: str) -> list[nodes.Node]:
    found = history_of(app)
    result: list[nodes.Node] = []
    if app.builder.format == "html":
        link = nodes.paragraph(classes=["handbook-feed-link"])
        link += nodes.Text("Follow these in a feed reader: ")
        link += nodes.reference("", "Atom feed of decision records",
                                refuri=relative_uri(app.builder.get_target_uri(fromdocname), FEED))
        result.append(link)
    if found.unavailable:
        result.append(nodes.paragraph(text=f"No history to show: {found.unavailable}.", classes=["handbook-no-history"]))
        return result
    rows: list[list[list[nodes.Node]]] = []
    for change in decision_changes(app)[: app.config.handbook_whats_new_decisions]:
        rows.append([[nodes.Text(change.commit.date)], [_page(app, fromdocname, change.path)],
                     [nodes.Text(_change_words(change))], [nodes.Text(change.commit.subject)]])
    if not rows:
        result.append(nodes.paragraph(text="No decision record has been added or changed status yet."))
        return result
    result.append(_table(["Date", "Record", "Status", "Change"], [13, 33, 22, 32], rows,
                         ["handbook-whats-new-decisions"]))
    return result


def fill_whats_new(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(whats_new_placeholder)):
        shown = decisions_table(app, docname) if node["show"] == "decisions" else pages_table(app, docname)
        node.replace_self(shown)


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: What's new is written again when HEAD moved, or a listed page's title changed."""
    domain = cast("ChangesDomain", env.domains["changes"])
    if not domain.table("pages"):
        return []
    found = history_of(app)
    titles = sorted((docname, env.titles[docname].astext()) for docname in env.found_docs if docname in env.titles)
    signature = hashlib.sha256(json.dumps([found.head, found.unavailable, titles]).encode()).hexdigest()
    if signature == domain.data.get("signature"):
        return []
    domain.data["signature"] = signature
    return sorted(domain.table("pages"))


def _absolute(app: Sphinx, uri: str) -> str:
    base = app.config.html_baseurl
    return base.rstrip("/") + "/" + uri if base else uri


def write_feed(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: ``decisions.atom`` at the root of the site."""
    if exception is not None or app.builder.format != "html" or app.builder.name in ("singlehtml", "handbook-linkcheck"):
        return
    found = history_of(app)
    records = cast("DecisionRecordsDomain", app.env.domains["records"])
    entries = []
    for change in [] if found.unavailable else decision_changes(app)[: app.config.handbook_feed_entries]:
        docname = docname_of(app, change.path)
        record = records.get_record(docname) if docname else None
        name = record.link_text if record is not None else change.path
        title = f"{name}: {change.new}" if change.old else f"New: {name} ({change.new})"
        link = _absolute(app, app.builder.get_target_uri(docname)) if record is not None and docname else \
            _absolute(app, "")
        entries.append(feed.Entry(f"{change.path}|{change.commit.sha}|{change.new}", title, link,
                                  change.commit.time,
                                  f"{_change_words(change).capitalize()} in {change.commit.sha[:10]}: "
                                  f"{change.commit.subject}"))
    head_time = found.commits[0].time if found.commits else 0
    data = feed.build(app.config.project, app.config.author, _absolute(app, FEED),
                      _absolute(app, app.builder.get_target_uri(app.config.root_doc)), entries, head_time)
    target = Path(app.outdir) / FEED
    if not target.is_file() or target.read_bytes() != data:
        target.write_bytes(data)


def link_feed(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """``html-page-context``: every page tells browsers and feed readers where the feed is."""
    href = relative_uri(app.builder.get_target_uri(pagename), FEED)
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" type="application/atom+xml" title="Decision records" href="{href}">')


def setup_changes(app: Sphinx) -> None:
    app.add_config_value("handbook_whats_new_commits", 30, "html", types=frozenset({int}))
    app.add_config_value("handbook_whats_new_decisions", 30, "html", types=frozenset({int}))
    app.add_config_value("handbook_feed_entries", 50, "html", types=frozenset({int}))
    app.add_node(whats_new_placeholder)
    app.add_domain(ChangesDomain)
    app.add_directive("whats-new", WhatsNew)
    app.connect("builder-inited", _forget_history)
    app.connect("env-updated", pages_to_rewrite)
    app.connect("doctree-resolved", fill_whats_new)
    app.connect("build-finished", write_feed)
    app.connect("html-page-context", link_feed)
