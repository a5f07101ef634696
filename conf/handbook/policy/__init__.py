"""Nothing active or foreign reaches a reader: the built-site policy and its Content-Security-Policy.

- Every page carries a strict Content-Security-Policy (``csp``), written into ``metatags`` so
  Furo's page, the search page, the 404 page and the handbook's redirect pages all get it.
- ``make check`` (``handbook_check_output``) parses every page Sphinx wrote as a browser does and
  applies the allowlist in ``page``; each breach is a warning at the source page and line that
  produced it. Pages with ``allow-active-content: <reason>`` are exempt and listed as such.
- No page text prints as a CI workflow command (``output``).
- Builds read only the handbook (``sources``): files included from outside the source folder and
  ``:url:`` options (a fetch during the build) are findings, and ``:url:`` is never fetched.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from docutils import nodes

from ..pagedata import PageDataDomain
from ..source import locate, page_source
from ..warnings_ import HandbookWarning, warn
from . import csp, output, page, sources

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.environment import BuildEnvironment

    from handbook.pages import PagesDomain

# Output that is not a page of the site: Sphinx's caches and the theme's own assets.
SKIPPED_FOLDERS = {".doctrees", "_static", "_sources"}
PAGE_SUFFIXES = {".html", ".htm", ".xhtml", ".svg"}


class PolicyDomain(PageDataDomain):
    """Per page: the reason it gives for being exempt from the policy, and that line."""

    name = "policy"
    label = "Built-site policy"
    initial_data: ClassVar[dict[str, dict[str, Any]]] = {"exempt": {}}
    tables = ("exempt",)

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        front_matter = page_source(env, docname).front_matter
        if "allow-active-content" not in front_matter.values:
            return
        reason = front_matter.values["allow-active-content"]
        line = front_matter.lines.get("allow-active-content", front_matter.first_line)
        if isinstance(reason, str) and reason.strip():
            self.table("exempt")[docname] = (reason.strip(), line)
        else:
            warn(HandbookWarning.ACTIVE_CONTENT, "'allow-active-content' must state why the page needs active content, e.g. "
                                   "allow-active-content: embeds the status dashboard", (docname, line))

    def exempt(self) -> list[tuple[str, str, int]]:
        """(docname, reason, line) of every page exempt from the policy."""
        return [(docname, reason, line) for docname, (reason, line) in sorted(self.table("exempt").items())]


def add_policy_meta(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """``html-page-context``: the CSP goes first among the page's meta tags, before any script."""
    if app.builder.format != "html":
        return
    context["metatags"] = csp.meta_tag() + (context.get("metatags") or "")


def _site(outdir: Path) -> page.Site:
    scripts = {path.relative_to(outdir).as_posix() for path in (outdir / "_static").rglob("*.js")}
    if (outdir / "searchindex.js").is_file():
        scripts.add("searchindex.js")
    return page.Site(scripts=frozenset(scripts), inline_hashes=csp.THEME_HASHES)


def _output_pages(app: Sphinx) -> dict[str, str]:
    """Built file (relative to outdir) -> the docname it was written from."""
    return {Path(cast("StandaloneHTMLBuilder", app.builder).get_outfilename(docname)).relative_to(app.outdir).as_posix(): docname
            for docname in app.env.found_docs}


def redirect_pages(app: Sphinx) -> set[str]:
    """The redirect pages the handbook writes (pages/), whose meta refresh is the point of them."""
    from ..pages import generated_pages, redirects  # noqa: PLC0415 - pages imports nothing of the policy

    generated = generated_pages(app)
    written = set()
    for old, (new, _) in cast("PagesDomain", app.env.domains["pages"]).redirect_map(app.config.handbook_redirects).items():
        if redirects.judge(old, new, app.env.found_docs, generated) is None:
            written.add(Path(cast("StandaloneHTMLBuilder", app.builder).get_outfilename(old)).relative_to(app.outdir).as_posix())
    return written


def check_site(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: every written page against the policy, each breach at its source line."""
    if exception is not None or app.builder.format != "html" or not app.config.handbook_check_output:
        return
    if app.builder.name == "handbook-linkcheck":
        return
    outdir = Path(app.outdir)
    site = _site(outdir)
    pages = _output_pages(app)
    exempt = {docname for docname, _, _ in cast("PolicyDomain", app.env.domains["policy"]).exempt()}
    redirects = redirect_pages(app)
    for path in sorted(outdir.rglob("*")):
        relative = path.relative_to(outdir)
        if not path.is_file() or set(relative.parts[:-1]) & SKIPPED_FOLDERS and path.suffix != ".css":
            continue
        if path.suffix == ".css":
            _check_stylesheet(path, relative.as_posix())
            continue
        if path.suffix not in PAGE_SUFFIXES or ".doctrees" in relative.parts:
            continue
        name = relative.as_posix()
        docname = pages.get(name)
        if docname in exempt:
            continue
        html = path.read_text(encoding="utf-8", errors="replace")
        breaches = page.check(html, name, site, redirect_page=name in redirects)
        _report(app, breaches, docname, path, html)


def _report(app: Sphinx, breaches: list[page.Breach], docname: str | None, path: Path, html: str) -> None:
    if not breaches:
        return
    if docname is not None:
        lines = page_source(app.env, docname).lines
        needles = [_needle(breach.snippet, lines) for breach in breaches]
        located = locate(lines, [(needle or "", None) for needle in needles])
        locations: list[Any] = [(docname, line if needle else None) for needle, line in zip(needles, located, strict=False)]
    else:
        out_lines = html.split("\n")
        located = locate(out_lines, [(breach.snippet, None) for breach in breaches])
        locations = [f"{path}:{line}" for line in located]
    for breach, location in zip(breaches, locations, strict=False):
        what = "the page brings in active content" if breach.rule == "active-content" else \
            "the page loads from another origin"
        warn(HandbookWarning.for_rule("", breach.rule), f"{what}: {breach.message}", location)


def _needle(snippet: str, lines: list[str]) -> str | None:
    """What to look for in the source to find a breach's line: the snippet as the browser read it,
    as HTML writes it, or (for a URL whose scheme is spelt with entities or breaks) what follows
    the scheme; None when the source shows none of them (the theme, or text no writer typed)."""
    candidates = [snippet, escape(snippet, quote=False), escape(snippet)]
    scheme, colon, rest = snippet.partition(":")
    if colon and len(rest.strip()) >= 4:
        candidates += [rest.strip(), escape(rest.strip())]
    return next((text for text in candidates if text and any(text in line for line in lines)), None)


def _check_stylesheet(path: Path, name: str) -> None:
    from . import css, urls  # noqa: PLC0415 - small, and only make check reads stylesheets

    text = path.read_text(encoding="utf-8", errors="replace")
    for url in css.stylesheet_urls(text):
        if urls.is_other_origin(url, name) or urls.is_script(url):
            line = text.count("\n", 0, max(text.find(url), 0)) + 1
            warn(HandbookWarning.THIRD_PARTY, f"the stylesheet {name} loads {url}; the handbook must load nothing from other "
                                "sites", f"{path}:{line}")


def setup_policy(app: Sphinx) -> None:
    # Check every built page against the policy (make check turns this on: it reads every output
    # file, which a plain build need not pay for).
    app.add_config_value("handbook_check_output", False, "", types=frozenset({bool}))
    app.add_domain(PolicyDomain)
    app.connect("html-page-context", add_policy_meta)
    app.connect("build-finished", check_site)
    sources.setup_sources(app)
    output.guard_output(app)
