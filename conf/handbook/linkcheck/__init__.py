"""External links: the ``handbook-linkcheck`` builder behind ``make linkcheck`` (ADR-0004)."""

from __future__ import annotations

from typing import Any

from .builder import HandbookLinkcheckBuilder
from .settings import Settings, SettingsError, linkcheck_ignore

_DEFAULTS = Settings()


def setup_linkcheck(app: Any) -> None:
    # URLs not to check, each with the reason: [{"pattern": regex, "reason": "..."}].
    app.add_config_value("handbook_linkcheck_exclude", [], "", types=frozenset({list, tuple}))
    app.add_config_value("handbook_linkcheck_per_host", _DEFAULTS.per_host, "", types=frozenset({int}))
    app.add_config_value("handbook_linkcheck_deadline", _DEFAULTS.deadline, "", types=frozenset({int, float}))
    app.add_config_value("handbook_linkcheck_max_bytes", _DEFAULTS.max_bytes, "", types=frozenset({int}))
    # "" = <output folder>/cache.json; $HANDBOOK_LINKCHECK_CACHE wins over both.
    app.add_config_value("handbook_linkcheck_cache", "", "", types=frozenset({str}))
    app.add_config_value("handbook_linkcheck_cache_days", _DEFAULTS.cache_days, "", types=frozenset({int, float}))
    app.add_config_value("handbook_linkcheck_cache_jitter", _DEFAULTS.cache_jitter, "",
                         types=frozenset({int, float}))
    # A git ref: check only links on lines changed since it (scripts/linkcheck.py --since).
    app.add_config_value("handbook_linkcheck_since", "", "", types=frozenset({str}))
    app.add_builder(HandbookLinkcheckBuilder)
    app.connect("config-inited", _exclusions_to_linkcheck_ignore)


def _exclusions_to_linkcheck_ignore(app: Any, config: Any) -> None:
    # Also for Sphinx's own linkcheck builder, and for every build: an exclusion without a reason
    # is a mistake in conf.py wherever it shows.
    try:
        config.linkcheck_ignore = linkcheck_ignore(config)
    except SettingsError as err:
        from sphinx.errors import ConfigError

        raise ConfigError(str(err)) from None
