"""The handbook's history as git tells it: which commits changed which pages, and how decision
records' statuses moved. Plain data and one git process per question; no Sphinx here.

Two git commands read everything: ``git log --raw`` (each commit's time, subject and the files it
added, changed, renamed or deleted, with their blob ids) and one ``git cat-file --batch`` for the
records' front matter before and after each change. Times are the commits' author times, so the
output depends on the commits alone: a build of one commit is the same on any machine, any day.

A shallow clone, or sources outside git, has no history to speak of (a shallow clone's one commit
seems to add every page): the caller shows a notice instead of a false history.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path

from ..frontmatter import read_front_matter

GIT_TIMEOUT = 120  # seconds; a history too large to read in this is not shown rather than waited on


@dataclasses.dataclass(frozen=True)
class FileChange:
    status: str  # "A" added, "M" modified, "D" deleted, "R" renamed (from old_path)
    path: str  # relative to the source folder, after the change
    old_path: str
    old_blob: str  # "" when there is none (added)
    new_blob: str  # "" when there is none (deleted)


@dataclasses.dataclass(frozen=True)
class Commit:
    sha: str
    time: int  # author time, seconds since the epoch
    subject: str
    changes: tuple[FileChange, ...]

    @property
    def date(self) -> str:
        return dt.datetime.fromtimestamp(self.time, dt.UTC).date().isoformat()


@dataclasses.dataclass(frozen=True)
class History:
    commits: tuple[Commit, ...]  # newest first
    head: str  # the commit the history ends at; "" when there is none
    unavailable: str  # why there is no history ("" when there is one)


NULL_BLOB = "0" * 40


def _git(srcdir: Path, *args: str, stdin: bytes | None = None) -> bytes:
    result = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=srcdir, input=stdin,
                            capture_output=True, timeout=GIT_TIMEOUT, check=False)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["git failed"])
    return result.stdout


def read_history(srcdir: Path) -> History:
    """Every commit that changed a file under ``srcdir``, newest first; or why there is none."""
    try:
        if _git(srcdir, "rev-parse", "--is-shallow-repository").strip() == b"true":
            return History((), "", "this is a shallow clone of the repository, which keeps only its latest "
                                    "commits; fetch the full history (git fetch --unshallow) to see what changed")
        head = _git(srcdir, "rev-parse", "HEAD").decode().strip()
        raw = _git(srcdir, "log", "-z", "--raw", "--no-abbrev", "-M", "--relative", "--no-color",
                   "--format=%x1e%H%x1f%at%x1f%s", "HEAD", "--", ".")
    except (OSError, subprocess.SubprocessError, RuntimeError) as error:
        reason = str(error.args[0][0]) if isinstance(error, RuntimeError) and error.args[0] else str(error)
        return History((), "", f"the sources are not in a git checkout with history ({reason})")
    return History(tuple(parse_log(raw.decode("utf-8", "replace"))), head, "")


def parse_log(text: str) -> list[Commit]:
    commits = []
    for chunk in text.split("\x1e")[1:]:
        header, _, rest = chunk.partition("\0")
        sha, time, subject = (header.split("\x1f") + ["", "", ""])[:3]
        tokens = rest.lstrip("\n").split("\0")
        changes = []
        index = 0
        while index < len(tokens):
            meta = tokens[index]
            if not meta.startswith(":"):
                index += 1
                continue
            fields = meta[1:].split()
            status = fields[4][:1] if len(fields) > 4 else "M"
            old_blob = "" if fields[2] == NULL_BLOB else fields[2]
            new_blob = "" if fields[3] == NULL_BLOB else fields[3]
            if status in ("R", "C"):
                old_path, path = tokens[index + 1:index + 3]
                index += 3
            else:
                old_path = path = tokens[index + 1] if index + 1 < len(tokens) else ""
                index += 2
            changes.append(FileChange("R" if status == "R" else "A" if status == "C" else status,
                                      path, old_path, old_blob, new_blob))
        commits.append(Commit(sha, int(time or 0), subject.strip(), tuple(changes)))
    return commits


def read_blobs(srcdir: Path, blobs: set[str]) -> dict[str, str]:
    """The text of each blob, read by one ``git cat-file --batch``."""
    if not blobs:
        return {}
    ordered = sorted(blobs)
    out = _git(srcdir, "cat-file", "--batch", stdin="".join(f"{blob}\n" for blob in ordered).encode())
    found: dict[str, str] = {}
    position = 0
    for blob in ordered:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        found[blob] = out[position:position + size].decode("utf-8", "replace")
        position += size + 1
    return found


@dataclasses.dataclass(frozen=True)
class StatusChange:
    """A decision record added with a status, or its status changed, by one commit."""

    path: str
    old: str  # "" when the record is new
    new: str
    commit: Commit


def status_changes(srcdir: Path, history: History, is_record: Callable[[str], bool]) -> list[StatusChange]:
    """Newest first: records added, and records whose front-matter status changed."""
    touched = [(commit, change) for commit in history.commits for change in commit.changes
               if change.status != "D" and is_record(change.path)]
    blobs = {blob for _, change in touched for blob in (change.old_blob, change.new_blob) if blob}
    try:
        texts = read_blobs(srcdir, blobs)
    except (OSError, subprocess.SubprocessError, RuntimeError, ValueError):
        return []

    def status(blob: str) -> str:
        value = read_front_matter(texts.get(blob, "")).values.get("status", "") if blob else ""
        return value.strip().lower() if isinstance(value, str) else ""

    found = []
    for commit, change in touched:
        old = status(change.old_blob) if change.status != "A" else ""
        new = status(change.new_blob)
        if new and new != old:
            found.append(StatusChange(change.path, old, new, commit))
    return found
