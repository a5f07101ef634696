"""External links: the ``handbook-linkcheck`` builder behind ``make linkcheck`` (ADR-0004).

Sphinx's own ``linkcheck_*`` values configure the checking; the values declared here are only
what Sphinx has no word for. Their defaults are these, and conf.py sets only what differs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .builder import HandbookLinkcheckBuilder
from .settings import SettingsError, linkcheck_ignore

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def setup_linkcheck(app: Sphinx) -> None:
    # URLs not to check, each with the reason: [{"pattern": regex, "reason": "..."}].
    app.add_config_value("handbook_linkcheck_exclude", [], "", types=frozenset({list, tuple}))
    # Requests in flight to any one host (host and port), so no site gets the whole handbook at once.
    app.add_config_value("handbook_linkcheck_per_host", 2, "", types=frozenset({int}))
    # Seconds for the whole check; links still unanswered then are reported as timeout.
    app.add_config_value("handbook_linkcheck_deadline", 1200, "", types=frozenset({int, float}))
    # Bytes of one page read looking for an #anchor.
    app.add_config_value("handbook_linkcheck_max_bytes", 5 * 1024 * 1024, "", types=frozenset({int}))
    # Where the cache lives: "" = <output folder>/cache.json; $HANDBOOK_LINKCHECK_CACHE wins over both.
    app.add_config_value("handbook_linkcheck_cache", "", "", types=frozenset({str}))
    # Days a link that worked is trusted without asking again (0: no cache), each entry spread by
    # up to +-jitter so a sweep's links fall due on different runs.
    app.add_config_value("handbook_linkcheck_cache_days", 3, "", types=frozenset({int, float}))
    app.add_config_value("handbook_linkcheck_cache_jitter", 0.2, "", types=frozenset({int, float}))
    # A git ref: check only links on lines changed since it (scripts/linkcheck.py --since).
    app.add_config_value("handbook_linkcheck_since", "", "", types=frozenset({str}))
    app.add_builder(HandbookLinkcheckBuilder)
    app.connect("config-inited", _exclusions_to_linkcheck_ignore)


def _exclusions_to_linkcheck_ignore(app: Sphinx, config: Config) -> None:
    # Also for Sphinx's own linkcheck builder, and for every build: an exclusion without a reason
    # is a mistake in conf.py wherever it shows.
    try:
        config.linkcheck_ignore = linkcheck_ignore(config)
    except SettingsError as err:
        from sphinx.errors import ConfigError

        raise ConfigError(str(err)) from None
