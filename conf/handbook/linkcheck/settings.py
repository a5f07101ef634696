"""What the link check is told, beyond Sphinx's own ``linkcheck_*`` values: exclusions with their
reasons, the handbook's limits, and where the cache lives.

Sphinx reads and applies its ``linkcheck_*`` values itself; nothing here restates them. The
defaults of the handbook's own values are where they are declared (``setup_linkcheck``). Plain
functions over a config-like object, unit-tested without Sphinx; a writer's mistake raises
``SettingsError`` with a message that names the setting.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.config import Config

CACHE_ENV = "HANDBOOK_LINKCHECK_CACHE"


class SettingsError(ValueError):
    """The link check's configuration is wrong; the message says which value and how."""


@dataclasses.dataclass(frozen=True)
class Exclusion:
    pattern: re.Pattern[str]
    reason: str

    def matches(self, uri: str) -> bool:
        return bool(self.pattern.match(uri))  # match(), as Sphinx's linkcheck_ignore does


def parse_exclusions(entries: Any) -> tuple[Exclusion, ...]:
    """``[{"pattern": regex, "reason": text}, ...]`` -> exclusions; no reason, no exclusion."""
    name = "handbook_linkcheck_exclude"
    if not isinstance(entries, (list, tuple)):
        raise SettingsError(f"{name} must be a list of {{'pattern': ..., 'reason': ...}} entries")
    found = []
    for number, entry in enumerate(entries, start=1):
        where = f"{name} entry {number}"
        if not isinstance(entry, Mapping):
            raise SettingsError(f"{where} must be a dict with 'pattern' and 'reason', not {entry!r}")
        unknown = set(entry) - {"pattern", "reason"}
        if unknown:
            raise SettingsError(f"{where} has unknown keys {sorted(unknown)}; use 'pattern' and 'reason'")
        pattern, reason = entry.get("pattern"), entry.get("reason")
        if not isinstance(pattern, str) or not pattern.strip():
            raise SettingsError(f"{where} has no 'pattern' (a regular expression matched against the URL)")
        if not isinstance(reason, str) or not reason.strip():
            raise SettingsError(
                f"{where} ({pattern!r}) has no 'reason': say why this link cannot be checked")
        try:
            compiled = re.compile(pattern)
        except re.error as err:
            raise SettingsError(f"{where}: {pattern!r} is not a valid regular expression: {err}") from None
        found.append(Exclusion(compiled, reason.strip()))
    return tuple(found)


def exclusion_for(exclusions: tuple[Exclusion, ...], uri: str) -> Exclusion | None:
    return next((exclusion for exclusion in exclusions if exclusion.matches(uri)), None)


def linkcheck_ignore(config: Config) -> list[str]:
    """Sphinx's ``linkcheck_ignore``, made from the exclusions that have reasons, and only from them.

    Anything else already in linkcheck_ignore would be an exclusion without a reason, and
    linkcheck_exclude_documents would skip whole pages without naming a single URL.
    """
    patterns = [exclusion.pattern.pattern for exclusion in parse_exclusions(config.handbook_linkcheck_exclude)]
    stray = [pattern for pattern in config.linkcheck_ignore if pattern not in patterns]
    if stray:
        raise SettingsError(
            f"linkcheck_ignore has {stray!r}: put exclusions in handbook_linkcheck_exclude, each with a reason")
    if config.linkcheck_exclude_documents:
        raise SettingsError(
            "linkcheck_exclude_documents is not supported: every page's links are checked; "
            "exclude URLs with handbook_linkcheck_exclude, each with a reason")
    return patterns


# The handbook's numbers and the least each may be.
LIMITS = {
    "handbook_linkcheck_per_host": (int, 1),
    "handbook_linkcheck_deadline": (float, 1),
    "handbook_linkcheck_max_bytes": (int, 1024),
    "handbook_linkcheck_cache_days": (float, 0),
    "linkcheck_timeout": (float, 0.1),
    "linkcheck_retries": (int, 1),
    "linkcheck_workers": (int, 1),
}


def check_numbers(config: Config) -> None:
    """Every number the link check relies on is a number, and not below what makes sense."""
    for name, (kind, minimum) in LIMITS.items():
        value = getattr(config, name)
        wrong_kind = isinstance(value, bool) or not isinstance(value, (int, float)) or (
            kind is int and not isinstance(value, int))
        if wrong_kind:
            raise SettingsError(f"{name} must be {'an integer' if kind is int else 'a number'}, not {value!r}")
        if not value >= minimum:  # also refuses NaN
            raise SettingsError(f"{name} must be at least {minimum}, not {value!r}")
    jitter = config.handbook_linkcheck_cache_jitter
    if isinstance(jitter, bool) or not isinstance(jitter, (int, float)) or not 0 <= jitter < 1:
        raise SettingsError(f"handbook_linkcheck_cache_jitter must be a fraction from 0 to below 1, not {jitter!r}")


def cache_path(configured: str, confdir: Path, outdir: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """Where the cache lives: $HANDBOOK_LINKCHECK_CACHE, else the conf value, else beside the results.

    CI sets the variable to a path it persists between runs; a relative conf value is taken from the
    configuration folder, as Sphinx does for paths in conf.py.
    """
    if environ.get(CACHE_ENV):
        return Path(environ[CACHE_ENV]).expanduser().resolve()
    if configured:
        return (confdir / Path(configured).expanduser()).resolve()
    return Path(outdir) / "cache.json"
