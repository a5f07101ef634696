"""Lines added or changed since a git ref, for checking only the links a pull request touches.

``git diff -U0`` against the ref gives every added or changed line of the working tree (committed
or not); files git does not track yet count whole. The diff is taken from where the branch left
the ref (their merge base), so commits that landed on the base branch since are not mistaken for
this branch's changes; without a merge base the ref itself is used.
"""

from __future__ import annotations

import codecs
import re
import subprocess
from pathlib import Path

# "@@ -12,3 +14,5 @@": five lines from line 14 (a missing count means one line; 0 means none).
HUNK_RE = re.compile(r"^@@ -\d+(?:,\d+)? \+(?P<start>\d+)(?:,(?P<count>\d+))? @@")

# For each file (absolute path): the changed line numbers, or None when every line is new.
Changes = dict[Path, "frozenset[int] | None"]


class ChangesError(Exception):
    """--since cannot be honoured (not a git checkout, unknown ref); the message says why."""


def _git(cwd: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd,
                              capture_output=True, text=True, encoding="utf-8", errors="surrogateescape")
    except FileNotFoundError:
        raise ChangesError("--since needs git, and git is not installed") from None
    if done.returncode != 0:
        raise ChangesError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"git {args[0]} failed")
    return done.stdout


def toplevel(source: Path) -> Path:
    if not Path(source).is_dir():
        raise ChangesError(f"source folder {source} does not exist")
    try:
        return Path(_git(Path(source), "rev-parse", "--show-toplevel").strip())
    except ChangesError:
        raise ChangesError(f"--since needs a git checkout, and {source} is not in one") from None


def base_commit(source: Path, ref: str) -> str:
    """The commit to diff against; a ChangesError for a ref git does not know."""
    top = toplevel(source)
    if not ref or ref.startswith("-"):
        raise ChangesError(f"--since {ref!r} is not a git ref")
    try:
        commit = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").strip()
    except ChangesError:
        raise ChangesError(f"--since {ref!r} is not a commit in {top} (for a branch of the remote, "
                           f"run 'git fetch' first)") from None
    try:
        return _git(top, "merge-base", commit, "HEAD").strip() or commit
    except ChangesError:
        return commit


def changed_lines(source: Path, ref: str) -> Changes:
    """Every line added or changed under ``source`` since ``ref``."""
    source = Path(source).resolve()
    top = toplevel(source)
    base = base_commit(source, ref)
    diff = _git(top, "diff", "-U0", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/",
                base, "--", str(source))
    changes: Changes = dict(parse_diff(diff, top))
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z", "--", str(source))
    for name in filter(None, untracked.split("\0")):
        changes[(top / name).resolve()] = None
    return changes


def parse_diff(diff: str, top: Path) -> Changes:
    """``git diff -U0`` text -> {absolute path: changed line numbers in the new file}."""
    changes: dict[Path, set[int]] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            name = line[4:].rstrip("\t")
            if name == "/dev/null":  # the file was deleted: nothing in it to check
                current = None
                continue
            name = _unquote(name)
            current = changes.setdefault((top / name.removeprefix("b/")).resolve(), set())
        elif current is not None and (match := HUNK_RE.match(line)):
            start, count = int(match["start"]), int(match["count"] or 1)
            current.update(range(start, start + count))
    return {path: frozenset(lines) for path, lines in changes.items()}


def _unquote(name: str) -> str:
    # git puts names with unusual characters in C-style quotes: "b/caf\303\251.md".
    if len(name) >= 2 and name.startswith('"') and name.endswith('"'):
        raw = codecs.escape_decode(name[1:-1].encode("utf-8", "surrogateescape"))[0]
        return raw.decode("utf-8", "surrogateescape")
    return name
