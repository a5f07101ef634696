"""Doc-quality checks that run inside every build, so `make html` and `make check` agree.

- Bad text (mojibake, replacement, private-use and control characters) in every source, at its line.
- Links inside raw HTML, which Sphinx and MyST-Parser do not check, against the site's pages,
  anchors and files; judged once every page is read.

Everything else `make check` fails on (unresolved references, missing anchors in Markdown links,
orphans, duplicate labels, missing images) Sphinx and MyST-Parser already warn about in a nitpicky
build; `scripts/check.py` turns all of those warnings into findings.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.util import logging

from ..pagedata import PageDataDomain
from ..source import locate, node_line, page_source
from ..warnings_ import HandbookWarning, warn
from . import cycles, encoding, links, text

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)


class QualityDomain(PageDataDomain):
    """Per page: the ids a link may target, and the links found in its raw HTML."""

    name = "quality"
    label = "Documentation quality"
    initial_data: ClassVar[dict[str, dict[str, Any]]] = {"ids": {}, "raw_links": {}}
    tables = ("ids", "raw_links")

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        ids: set[str] = set()
        raw_links: list[tuple[int, str]] = []
        for node in document.findall(nodes.Element):
            ids.update(node.get("ids", ()))
            slug = node.get("slug")  # MyST's GitHub-style heading anchor, when it differs from the id
            if slug:
                ids.add(slug)
        # Raw HTML blocks, each with the nearest line it carries (inline HTML has only its paragraph's).
        raw_html = [(node, node_line(node) or 1) for node in document.findall(nodes.raw)
                    if "html" in node.get("format", "").split()]
        found: list[tuple[str, int]] = []
        for node, start in raw_html:
            page_links, raw_ids = links.parse_html(node.astext())
            ids |= raw_ids
            found += [(link.url, start + link.line) for link in page_links if not links.is_external(link.url)]
        if found:
            # Each link at its own line in the source, as the link check places external ones.
            lines = locate(page_source(env, docname).lines, found)
            raw_links = [(line, url) for line, (url, _) in zip(lines, found, strict=False)]
        self.data.setdefault("ids", {})[docname] = sorted(ids)
        if raw_links:
            self.data.setdefault("raw_links", {})[docname] = raw_links


def check_included_text(app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]) -> None:
    """``include-read``: the same checks for a file a page includes, located in that file."""
    path = Path(app.srcdir) / relative_path
    content[0] = _checked_text(content[0], lambda line: f"{path}:{line}")


def check_text(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: report bad characters at their line, before anything else sees the text."""
    source[0] = _checked_text(source[0], lambda line: (docname, line))


def _checked_text(source: str, where: Callable[[int], Any]) -> str:
    """Report the bad text in ``source``; return it with bytes that were not UTF-8 as U+FFFD.

    A file that is not UTF-8 is one finding (at its first bad byte); its bad bytes are then read
    as U+FFFD, which is not reported again: it is the same mistake.
    """
    bad_bytes = encoding.not_utf8(source)
    if bad_bytes is not None:
        line, first, count = bad_bytes
        more = f" and {count - 1} more bad byte(s) after it" if count > 1 else ""
        warn(HandbookWarning.TEXT_ENCODING, f"the file is not valid UTF-8: {first}{more}; save it as UTF-8", where(line))
        source = encoding.replace_bad_bytes(source)
    for bad in text.find_bad_text(source):
        if bad_bytes is not None and bad.rule == "replacement":
            continue
        warn(HandbookWarning.for_rule("text", bad.rule), bad.message, where(bad.line))
    return source


def _output_files(app: Sphinx) -> set[str]:
    """Files the site will have besides its pages: static files (under _static/) and extra files."""
    found: set[str] = set()
    confdir = Path(app.confdir)
    for option, prefix in (("html_static_path", "_static/"), ("html_extra_path", "")):
        for entry in getattr(app.config, option, []) or []:
            root = confdir / entry
            if root.is_file():
                found.add(prefix + root.name)
            for folder, _, names in os.walk(root):
                for name in names:
                    found.add(prefix + Path(folder, name).relative_to(root).as_posix())
    return found


def _source_files(app: Sphinx) -> frozenset[str]:
    srcdir = Path(app.srcdir)
    found: set[str] = set()
    for folder, dirs, names in os.walk(srcdir):
        dirs[:] = [d for d in dirs if not d.startswith((".", "_build"))]
        found.update(Path(folder, name).relative_to(srcdir).as_posix() for name in names)
    return frozenset(found)


def check_raw_links(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: every raw-HTML link lands on a page, anchor or file of the site."""
    domain = env.domains["quality"]
    raw_links: dict[str, list[tuple[int, str]]] = domain.data.get("raw_links", {})
    if not raw_links:
        return
    builder_suffix = getattr(app.builder, "out_suffix", ".html") or ".html"
    site = links.Site(
        docs={docname: set(ids) for docname, ids in domain.data.get("ids", {}).items()},
        files=_output_files(app), sources=_source_files(app), file_suffix=builder_suffix,
    )
    for docname in sorted(raw_links):
        for line, url in raw_links[docname]:
            problem = links.judge(site, docname, url)
            if problem:
                warn(HandbookWarning.LINK_RAW_HTML, f"broken link in raw HTML: {problem}",
             (docname, line))


def setup_quality(app: Sphinx) -> None:
    # Read by scripts/check.py: [{"kind": ..., "files": glob, "reason": ...}], a reason required.
    app.add_config_value("handbook_check_silence", [], "", types=frozenset({list, tuple}))
    app.add_domain(QualityDomain)
    encoding.register()
    app.connect("env-before-read-docs", encoding.read_pages_leniently)
    app.connect("source-read", check_text)
    app.connect("config-inited", cycles.silence_sphinx_repeats)
    app.connect("write-started", cycles.cut_cycles_for_writing)
    app.connect("build-finished", cycles.restore_toctrees)
    app.connect("include-read", check_included_text)
    app.connect("env-check-consistency", check_raw_links)
