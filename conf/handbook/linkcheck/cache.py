"""Links that worked recently, so the next run need not ask again.

Only successes are remembered, each until its own expiry: ``max_age`` spread by up to ``jitter``
either way, so the links of one sweep do not all fall due on the same later run. A failure removes
the entry: a broken link is always checked again. The file is replaced in one step (temporary file,
then ``os.replace``), so a run killed halfway leaves the previous cache whole.

The file is only ever trusted as far as this module would have written it: anything else (not
JSON, JSON nested too deep to read, a folder at its path, ``Infinity`` or ``NaN`` where a time
belongs, an expiry further off than ``max_age`` and its jitter allow) is ignored with one warning,
never fatal, and a folder in the way is left alone rather than written over.
"""

from __future__ import annotations

import json
import math
import os
import random
import tempfile
import time
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
        self.writable = True

    def load(self, now: float | None = None) -> str | None:
        """Read the file; return a warning to show if it had to be ignored."""
        self.entries = {}
        if self.path.is_dir():
            self.writable = False  # one warning now, none again when the run ends
            return f"ignoring the link-check cache {self.path}: it is a folder, not a file; nothing will be cached"
        if not self.path.exists():
            return None
        now = time.time() if now is None else now
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"), parse_constant=_refuse_constant)
            if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("links"), dict):
                raise ValueError(f"not a version {VERSION} link-check cache")
            latest = now + self.max_age * (1 + self.jitter)  # the furthest expiry save() could have written
            bad = [uri for uri, entry in data["links"].items() if not _valid(entry, latest)]
            if bad:
                raise ValueError(f"{len(bad)} entries are not what a link check writes (first: {bad[0]!r})")
            self.entries = dict(data["links"])
        except (OSError, ValueError, RecursionError) as err:
            if isinstance(err, RecursionError):
                err = ValueError("nested too deep to be a link-check cache")
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

    def save(self, now: float) -> str | None:
        """Write the unexpired entries atomically (nothing when the cache is off); a warning if it failed."""
        if self.max_age <= 0 or not self.writable:
            return None
        live = {uri: entry for uri, entry in sorted(self.entries.items()) if entry["expires"] > now}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        except OSError as err:
            return f"could not write the link-check cache {self.path}: {err.strerror or err}"
        try:
            os.chmod(temporary, 0o644)  # mkstemp makes it private; the cache holds nothing secret
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"version": VERSION, "links": live}, out, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except OSError as err:
            Path(temporary).unlink(missing_ok=True)
            return f"could not write the link-check cache {self.path}: {err.strerror or err}"
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return None


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a time a link check writes")


def _valid(entry: Any, latest: float) -> bool:
    return (isinstance(entry, dict) and entry.get("status") in SUCCESSES
            and isinstance(entry.get("code"), int) and isinstance(entry.get("info"), str)
            and all(isinstance(entry.get(key), (int, float)) and not isinstance(entry.get(key), bool)
                    and math.isfinite(entry[key]) for key in ("expires", "checked"))
            and entry["expires"] <= latest)
