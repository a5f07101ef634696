"""Furo's navigation at the cost of one page, not of one site per page.

Stock Furo asks Sphinx for the whole global toctree and re-parses it with BeautifulSoup for every
page, so writing a site takes time proportional to pages x pages. Here the tree is resolved once a
build and rendered by Furo's own code once; each page's copy is then joined from pieces (see
``site.py`` and ``markup.py``). The markup is byte for byte what Furo writes: the tests compare
every page with Furo's own, and in a build whose navigation is new the first page is also
computed by Furo and compared (a difference warns and hands the rest of the build to Furo).
Pages the template cannot stand for (linked from two toctrees, below a page whose title is in
``.. only::``, or with a ``toctree()`` another extension replaced) are left to Furo.

Also: a page's navigation shows every page's title, so when the navigation changes (a title, a
toctree) every page is written again, not only the edited ones, which stock Sphinx would leave
with the old navigation (``freshness.py``).

``handbook_fast_navigation = False`` in conf.py turns all of it off; so does any theme but Furo.
"""

from __future__ import annotations

from typing import Any

from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging

from ..warnings_ import HandbookWarning, warn
from . import freshness
from . import furo as furo_hooks
from .markup import MarkupMismatch
from .site import ResolvedToctree, SiteNavigation

logger = logging.getLogger(__name__)

# Furo's html-page-context handler runs at the default priority, 500: announce the page before it,
# and clear the announcement after it.
BEFORE_FURO = 450
AFTER_FURO = 550


class FastNavigation:
    """The navigation of one Sphinx application: what is resolved is kept per build and process."""

    def __init__(self) -> None:
        self.furo: Any = None  # the furo module, when this build uses it and the fast path is on
        self.active = False  # False after a mismatch: Furo computes the rest of the build
        self.resolved: ResolvedToctree | None = None
        self.site: SiteNavigation | None = None
        self.checked = False  # False: compare the next page's markup with Furo's own
        self.signature = ""

    # --- start-up -------------------------------------------------------------------------------

    def builder_inited(self, app: Any) -> None:
        self.furo, self.active = None, False
        if not app.config.handbook_fast_navigation or "furo" not in app.extensions:
            return  # not Furo (or turned off): nothing to do
        if not isinstance(app.builder, StandaloneHTMLBuilder):
            return
        furo = furo_hooks.furo_module()
        furo_hooks.check_supported(furo)
        if not _standard_links(app.builder):
            logger.info("handbook navigation: the %s builder writes its own links; Furo computes the "
                        "navigation", app.builder.name)
            return
        self.furo, self.active = furo, True

    # --- once a build -----------------------------------------------------------------------------

    def env_get_updated(self, app: Any, env: Any) -> list[str]:
        """Resolve the tree for this build; if the navigation changed, every page must be written."""
        self.site, self.checked = None, False
        if not self.active:
            return []
        furo_hooks.install(self.furo)  # taken out again when the build finishes
        self.resolved = ResolvedToctree.resolve(app.builder, furo_hooks.furos_own(self.furo))
        self.signature = self.resolved.signature(*_software(self.furo))
        changed = freshness.changed(app, self.signature)
        # The first page's markup is compared with Furo's own whenever this navigation (or the
        # software making it) was not already compared in a build that succeeded.
        self.checked = not changed
        return sorted(env.found_docs) if changed else []

    def build_finished(self, app: Any, exception: BaseException | None) -> None:
        if self.furo is None:
            return
        if exception is None and self.active and self.signature:
            freshness.remember(app, self.signature)
        furo_hooks.forget()
        furo_hooks.uninstall(self.furo)
        self.resolved = self.site = None

    # --- every page -----------------------------------------------------------------------------

    def before_furo(self, app: Any, pagename: str, templatename: str, context: dict[str, Any],
                    doctree: Any) -> None:
        if not self.active or not _sphinx_toctree(context):
            return
        furo_hooks.expect(context, lambda: self.for_page(app, pagename, context))

    def after_furo(self, app: Any, pagename: str, templatename: str, context: dict[str, Any],
                   doctree: Any) -> None:
        furo_hooks.forget()

    def for_page(self, app: Any, pagename: str, context: dict[str, Any]) -> str | None:
        if not self.active:
            return None
        if self.site is None:
            if self.resolved is None:  # a build that did not announce itself: resolve now
                self.resolved = ResolvedToctree.resolve(app.builder, furo_hooks.furos_own(self.furo))
            try:
                self.site = SiteNavigation(app.builder, self.resolved, furo_hooks.furos_own(self.furo))
            except MarkupMismatch as error:
                self._give_up(f"Furo's navigation markup was not what it expected ({error})", pagename)
                return None
        markup = self.site.for_page(pagename)
        if markup is not None and not self.checked:
            self.checked = True
            with logging.suppress_logging():  # Furo's toctree warnings were printed once already
                furos = furo_hooks.furos_own(self.furo)(context)
            if furos != markup:
                self._give_up("its navigation differed from Furo's", pagename)
                return furos
        return markup

    def _give_up(self, why: str, pagename: str) -> None:
        warn(HandbookWarning.NAVIGATION, f"handbook navigation: {why} on this page; Furo computes the navigation "
             f"for the rest of this build (report it, or {furo_hooks.TURN_OFF})", pagename)
        self.active = False


def _standard_links(builder: Any) -> bool:
    # The per-folder links (links.py) and the toctree call (site.py) are those of the html and
    # dirhtml builders; a builder that changes either (singlehtml does) keeps Furo's own path.
    return (type(builder).get_relative_uri is Builder.get_relative_uri
            and type(builder)._get_local_toctree is StandaloneHTMLBuilder._get_local_toctree)


def _software(furo: Any) -> tuple[str, ...]:
    import bs4
    import docutils
    import sphinx

    return (f"furo {furo.__version__}", f"sphinx {sphinx.__version__}", f"docutils {docutils.__version__}",
            f"beautifulsoup4 {bs4.__version__}")


def _sphinx_toctree(context: dict[str, Any]) -> bool:
    # Only when the page's toctree() is Sphinx's own: an extension that replaced it gets Furo's path.
    toctree = context.get("toctree")
    return getattr(toctree, "__qualname__", "").startswith("StandaloneHTMLBuilder.handle_page.")


def setup_navigation(app: Any) -> None:
    # Not "env" or "html": the pages come out the same either way, so switching costs no rebuild.
    app.add_config_value("handbook_fast_navigation", True, "", types=frozenset({bool}))
    navigation = FastNavigation()
    app.connect("builder-inited", navigation.builder_inited)
    app.connect("env-get-updated", navigation.env_get_updated)
    app.connect("html-page-context", navigation.before_furo, priority=BEFORE_FURO)
    app.connect("html-page-context", navigation.after_furo, priority=AFTER_FURO)
    app.connect("build-finished", navigation.build_finished)
