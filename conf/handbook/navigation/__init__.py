"""Furo's navigation at the cost of one page, not of one site per page; every page up to date.

Stock Furo asks Sphinx for the whole global toctree and re-parses it with BeautifulSoup for every
page, so writing a site takes time proportional to pages x pages. Here the tree is resolved once a
build and rendered by Furo's own code once; each page's copy is then joined from pieces (see
``site.py`` and ``markup.py``). The markup is byte for byte what Furo writes: the tests compare
every page with Furo's own, and in a build whose navigation is new the first page is also
computed by Furo and compared (a difference warns and hands the rest of the build to Furo).
Pages the template cannot stand for (linked from two toctrees, below a page whose title is in
``.. only::``, or with a ``toctree()`` another extension replaced) are left to Furo. Every use of
Sphinx's and Furo's private code is in ``upstream.py``; with a Furo the fast navigation was not
compared with, the build warns and Furo computes the navigation.

Also, with any theme: an incremental build writes what a clean build would. A page's navigation
and previous/next links show every page's title, so when those change every page is written
again (``freshness.py``), and pages a build no longer makes leave the output (``leftovers.py``).

``handbook_fast_navigation = False`` in conf.py turns the fast navigation off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging

from ..quality.cycles import acyclic_toctrees
from ..warnings_ import HandbookWarning, warn
from . import freshness, shared, upstream
from .leftovers import Leftovers
from .markup import MarkupMismatch
from .site import ResolvedToctree, SiteNavigation

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

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
        self.parents_set_aside: dict[str, set[str]] | None = None
        self.site_unchanged = False

    # --- start-up -------------------------------------------------------------------------------

    def builder_inited(self, app: Sphinx) -> None:
        self.furo, self.active = None, False
        upstream.forget_root_doctree(app.env)  # a stale one may come with an older environment
        if not app.config.handbook_fast_navigation or "furo" not in app.extensions:
            return  # not Furo (or turned off): nothing to do
        if not isinstance(app.builder, StandaloneHTMLBuilder):
            return
        furo = upstream.furo_module()
        if furo is None:
            return
        why = upstream.unsupported(furo)
        if why is not None:
            warn(HandbookWarning.NAVIGATION, f"handbook navigation: {why}; Furo computes the navigation "
                                             f"(install the pinned version, or {upstream.TURN_OFF})")
            return
        if not upstream.standard_links(app.builder):
            logger.info("handbook navigation: the %s builder writes its own links; Furo computes the "
                        "navigation", app.builder.name)
            return
        self.furo, self.active = furo, True

    # --- once a build -----------------------------------------------------------------------------

    def env_get_updated(self, app: Sphinx, env: BuildEnvironment) -> list[str]:
        """Resolve the tree for this build; if what every page shows changed, write every page."""
        self.site, self.resolved, self.checked = None, None, False
        if not isinstance(app.builder, StandaloneHTMLBuilder):
            return []
        navigation = ""
        # Toctrees that include each other would make Sphinx's walks recurse without end.
        with acyclic_toctrees(env, app.config.root_doc):
            if self.active:
                upstream.install(self.furo)  # taken out again when the build finishes
                self.resolved = ResolvedToctree.resolve(app.builder, upstream.furos_own(self.furo))
                navigation = self.resolved.signature()
            self.signature = freshness.site_signature(env, *_software(self.furo), navigation)
        changed = freshness.changed(app, self.signature)
        # The first page's markup is compared with Furo's own whenever this navigation (or the
        # software making it) was not already compared in a build that succeeded.
        self.checked = not changed
        self.site_unchanged = not changed
        return freshness.every_page(env) if changed else []

    def env_check_consistency(self, app: Sphinx, env: BuildEnvironment) -> None:
        # After the environment is pickled, before the pages are written: with no title, heading or
        # toctree changed, the pages whose toctree lists an edited page show nothing new.
        if self.site_unchanged and self.parents_set_aside is None:
            self.parents_set_aside = upstream.set_aside_toctree_parents(env)

    def build_finished(self, app: Sphinx, exception: BaseException | None) -> None:
        if exception is None and self.signature:
            freshness.remember(app, self.signature)
        self.signature, self.site_unchanged = "", False
        if self.parents_set_aside is not None:
            upstream.restore_toctree_parents(app.env, self.parents_set_aside)
            self.parents_set_aside = None
        if self.furo is not None:
            upstream.uninstall(self.furo)
        self.resolved = self.site = None

    # --- every page -----------------------------------------------------------------------------

    def before_furo(self, app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                    doctree: Any) -> None:
        if not self.active or not upstream.is_sphinxs_toctree(context.get("toctree")):
            return
        upstream.announce(context, lambda: self.for_page(app, pagename, context))

    def after_furo(self, app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                   doctree: Any) -> None:
        upstream.withdraw(context)

    def for_page(self, app: Sphinx, pagename: str, context: dict[str, Any]) -> str | None:
        if not self.active:
            return None
        if self.site is None:
            builder = cast("StandaloneHTMLBuilder", app.builder)  # html-page-context: an HTML builder
            if self.resolved is None:  # a build that did not announce itself: resolve now
                self.resolved = ResolvedToctree.resolve(builder, upstream.furos_own(self.furo))
            try:
                self.site = SiteNavigation(builder, self.resolved, upstream.furos_own(self.furo))
            except MarkupMismatch as error:
                self._give_up(f"Furo's navigation markup was not what it expected ({error})", pagename)
                return None
        markup = self.site.for_page(pagename)
        if markup is not None and not self.checked:
            self.checked = True
            with logging.suppress_logging():  # Furo's toctree warnings were printed once already
                furos = upstream.furos_own(self.furo)(context)
            if furos != markup:
                self._give_up("its navigation differed from Furo's", pagename)
                return furos
        return markup

    def _give_up(self, why: str, pagename: str) -> None:
        warn(HandbookWarning.NAVIGATION, f"handbook navigation: {why} on this page; Furo computes the navigation "
             f"for the rest of this build (report it, or {upstream.TURN_OFF})", pagename)
        self.active = False


def _software(furo: Any) -> tuple[str, ...]:
    import bs4
    import docutils
    import sphinx

    return (f"furo {getattr(furo, '__version__', 'off')}", f"sphinx {sphinx.__version__}",
            f"docutils {docutils.__version__}", f"beautifulsoup4 {bs4.__version__}")


def setup_navigation(app: Sphinx) -> None:
    # Not "env" or "html": the pages come out the same either way, so switching costs no rebuild.
    app.add_config_value("handbook_fast_navigation", True, "", types=frozenset({bool}))
    navigation = FastNavigation()
    app.connect("builder-inited", navigation.builder_inited)
    app.connect("env-get-updated", navigation.env_get_updated)
    app.connect("env-check-consistency", navigation.env_check_consistency, priority=900)
    app.connect("html-page-context", navigation.before_furo, priority=BEFORE_FURO)
    app.connect("html-page-context", navigation.after_furo, priority=AFTER_FURO)
    app.connect("build-finished", navigation.build_finished)
    leftovers = Leftovers()
    app.connect("builder-inited", leftovers.builder_inited)
    app.connect("html-page-context", leftovers.page_written)
    app.connect("build-finished", leftovers.build_finished)
    shared.setup_shared(app, navigation)
