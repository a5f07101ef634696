"""What the link check is told to do: exclusions with their reasons, and every knob in one place.

Plain functions over a config-like object (anything with the attributes), so they are unit-tested
without Sphinx. A writer's mistake raises ``SettingsError`` with a message that names the setting.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sphinx

# Sites that block non-browser clients let a browser-like client through; Sphinx's own linkcheck
# sends the same kind of User-Agent for the same reason. `user_agent` in conf.py overrides it.
DEFAULT_USER_AGENT = (
    f"Mozilla/5.0 (X11; Linux x86_64; rv:100.0) Gecko/20100101 Firefox/100.0 Sphinx/{sphinx.__version__}"
)
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


@dataclasses.dataclass(frozen=True)
class Settings:
    timeout: float = 20.0  # seconds for one request (connect, and each read)
    attempts: int = 3  # tries for a transient failure: timeout, dropped connection, 5xx
    workers: int = 5  # requests in flight across all hosts
    per_host: int = 2  # requests in flight to any one host
    deadline: float = 1200.0  # seconds for the whole run; what is left is reported as timeout
    max_bytes: int = 5 * 1024 * 1024  # read at most this much of one page looking for an anchor
    rate_limit_timeout: float = 300.0  # longest total wait a 429 may ask of one link
    cache_days: float = 3.0  # how long a link that worked is trusted without asking again
    cache_jitter: float = 0.2  # +-20% per entry, so a whole sweep's entries do not expire together
    check_anchors: bool = True
    anchors_ignore: tuple[re.Pattern[str], ...] = ()
    anchors_ignore_for_url: tuple[re.Pattern[str], ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    allowed_redirects: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = ()
    case_insensitive: tuple[re.Pattern[str], ...] = ()
    request_headers: Mapping[str, Mapping[str, str]] = dataclasses.field(default_factory=dict)
    auth: tuple[tuple[re.Pattern[str], Any], ...] = ()
    allow_unauthorized: bool = False
    timeouts_as_broken: bool = False
    user_agent: str = DEFAULT_USER_AGENT
    tls_verify: bool = True
    tls_cacerts: str | Mapping[str, str] | None = None

    def exclusion_for(self, uri: str) -> Exclusion | None:
        return next((exclusion for exclusion in self.exclusions if exclusion.matches(uri)), None)


def _number(config: Any, name: str, kind: type, minimum: float) -> Any:
    value = getattr(config, name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and not isinstance(value, int)):
        raise SettingsError(f"{name} must be {'an integer' if kind is int else 'a number'}, not {value!r}")
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, not {value!r}")
    return kind(value)


def _jitter(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise SettingsError(f"handbook_linkcheck_cache_jitter must be a fraction from 0 to below 1, not {value!r}")
    return float(value)


def _patterns(values: Any) -> tuple[re.Pattern[str], ...]:
    try:
        return tuple(value if isinstance(value, re.Pattern) else re.compile(value) for value in values or ())
    except (re.error, TypeError) as err:
        raise SettingsError(f"{values!r} holds something that is not a regular expression: {err}") from None


def linkcheck_ignore(config: Any) -> list[str]:
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


def settings_from_config(config: Any) -> Settings:
    """Read Sphinx's own ``linkcheck_*`` values and the handbook's ``handbook_linkcheck_*`` ones."""
    linkcheck_ignore(config)
    exclusions = parse_exclusions(config.handbook_linkcheck_exclude)
    redirects = config.linkcheck_allowed_redirects
    return Settings(
        timeout=_number(config, "linkcheck_timeout", float, 0.1),
        attempts=_number(config, "linkcheck_retries", int, 1),
        workers=_number(config, "linkcheck_workers", int, 1),
        per_host=_number(config, "handbook_linkcheck_per_host", int, 1),
        deadline=_number(config, "handbook_linkcheck_deadline", float, 1),
        max_bytes=_number(config, "handbook_linkcheck_max_bytes", int, 1024),
        rate_limit_timeout=_number(config, "linkcheck_rate_limit_timeout", float, 0),
        cache_days=_number(config, "handbook_linkcheck_cache_days", float, 0),
        cache_jitter=_jitter(config.handbook_linkcheck_cache_jitter),
        check_anchors=bool(config.linkcheck_anchors),
        anchors_ignore=_patterns(config.linkcheck_anchors_ignore),
        anchors_ignore_for_url=_patterns(config.linkcheck_anchors_ignore_for_url),
        exclusions=exclusions,
        # Sphinx compiles this dict at config-inited; it is a sentinel object when left unset.
        allowed_redirects=tuple((_patterns([k])[0], _patterns([v])[0]) for k, v in redirects.items())
        if isinstance(redirects, dict) else (),
        case_insensitive=_patterns(config.linkcheck_case_insensitive_urls),
        request_headers=dict(config.linkcheck_request_headers or {}),
        auth=tuple((_patterns([pattern])[0], auth) for pattern, auth in config.linkcheck_auth or ()),
        allow_unauthorized=bool(config.linkcheck_allow_unauthorized),
        timeouts_as_broken=bool(config.linkcheck_report_timeouts_as_broken),
        user_agent=config.user_agent or DEFAULT_USER_AGENT,
        tls_verify=bool(config.tls_verify),
        tls_cacerts=config.tls_cacerts,
    )


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
