"""Links that worked recently, so the next run need not ask again.

Only successes are remembered, each until its own expiry: ``max_age`` spread by up to ``jitter``
either way, so the links of one sweep do not all fall due on the same later run. A failure removes
the entry: a broken link is always checked again. The file is replaced in one step (temporary file,
then ``os.replace``), so a run killed halfway leaves the previous cache whole; a file that cannot
be read is reported and ignored, never fatal.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from pathlib import Path
from typing import Any

from .results import SUCCESSES, Result

VERSION = 1
DAY = 24 * 60 * 60


def expiry(now: float, max_age: float, jitter: float, rng: random.Random) -> float:
    """When an entry written ``now`` stops being trusted."""
    return now + max_age * (1 + rng.uniform(-jitter, jitter))


class LinkCache:
    def __init__(self, path: Path, max_age: float, jitter: float, rng: random.Random | None = None) -> None:
        self.path = Path(path)
        self.max_age = max_age  # seconds; 0 turns the cache off: nothing is trusted or written
        self.jitter = jitter
        self.rng = rng or random.Random()
        self.entries: dict[str, dict[str, Any]] = {}

    def load(self) -> str | None:
        """Read the file; return a warning to show if it had to be ignored."""
        self.entries = {}
        if not self.path.exists():
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") != VERSION or not isinstance(data.get("links"), dict):
                raise ValueError(f"not a version {VERSION} link-check cache")
            self.entries = {uri: entry for uri, entry in data["links"].items() if _valid(entry)}
        except (OSError, ValueError, AttributeError) as err:
            return f"ignoring the link-check cache {self.path}: {err}"
        return None

    def get(self, uri: str, now: float) -> Result | None:
        """The remembered result, if it is a success that has not expired."""
        entry = self.entries.get(uri)
        if self.max_age <= 0 or entry is None or entry["expires"] <= now:
            return None
        return Result(entry["status"], entry["code"], entry["info"])

    def record(self, uri: str, result: Result, now: float) -> None:
        if result.status in SUCCESSES and self.max_age > 0:
            self.entries[uri] = {"status": result.status, "code": result.code, "info": result.info,
                                 "checked": now, "expires": expiry(now, self.max_age, self.jitter, self.rng)}
        else:
            self.entries.pop(uri, None)

    def save(self, now: float) -> None:
        """Write the unexpired entries atomically (nothing at all when the cache is off)."""
        if self.max_age <= 0:
            return
        live = {uri: entry for uri, entry in sorted(self.entries.items()) if entry["expires"] > now}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            os.chmod(temporary, 0o644)  # mkstemp makes it private; the cache holds nothing secret
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"version": VERSION, "links": live}, out, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _valid(entry: Any) -> bool:
    return (isinstance(entry, dict) and entry.get("status") in SUCCESSES
            and isinstance(entry.get("code"), int) and isinstance(entry.get("info"), str)
            and isinstance(entry.get("expires"), (int, float)))
