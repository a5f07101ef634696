"""Owners from a ``CODEOWNERS`` file, with GitHub's semantics. No Sphinx here.

Teams that keep a CODEOWNERS file need not repeat its owners in every page's front matter: a page
without ``owner:`` is owned by whoever CODEOWNERS names for its source file. Written by hand, not
with a gitignore library (pathspec and the like): GitHub's rules differ from gitignore's in the
places that matter here, as GitHub's documentation on code owners shows by example:

- the **last** matching line wins, and a line with a pattern and no owners leaves the file unowned;
- ``docs/*`` matches the files directly in ``docs/``, not those in its subfolders, whereas a
  pattern whose last part has no wildcard (``apps/``, ``/build/logs``, ``**/logs``) also matches
  everything below the folder it names;
- a pattern with a slash at its start or in its middle is relative to the repository's root, one
  without (``*.md``, ``apps/``) matches at any depth;
- ``!`` negation and ``[ ]`` character ranges are not supported, and such lines are skipped (so are
  lines whose owners are not ``@user``, ``@org/team`` or an e-mail address), each reported here.

Where GitHub looks, in order: ``.github/CODEOWNERS``, ``CODEOWNERS``, ``docs/CODEOWNERS``.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from ..problems import Problem, quoted

PLACES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
OWNER = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9._-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclasses.dataclass(frozen=True)
class Rule:
    pattern: str
    owners: tuple[str, ...]
    line: int
    regex: str  # compiled lazily by owners_of; a string keeps the rule picklable and comparable


def find(root: Path) -> Path | None:
    """The CODEOWNERS file GitHub would use for a repository whose top folder is ``root``."""
    for place in PLACES:
        if (root / place).is_file():
            return root / place
    return None


def parse(text: str) -> tuple[list[Rule], list[Problem]]:
    rules: list[Rule] = []
    problems: list[Problem] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        # "# comment" after the owners; an escaped "\#" at the start of a pattern is a literal "#".
        line = re.split(r"(?<!\\)\s#", line, maxsplit=1)[0].strip()
        pattern, *owners = re.split(r"(?<!\\)\s+", line)
        pattern = pattern.replace("\\ ", " ").replace("\\#", "#")
        if pattern.startswith("!"):
            problems.append(Problem("codeowners", number, f"'{quoted(pattern)}': GitHub does not support '!' "
                                                          "(negation) in CODEOWNERS; the line is skipped"))
            continue
        if "[" in pattern or "]" in pattern:
            problems.append(Problem("codeowners", number, f"'{quoted(pattern)}': GitHub does not support '[ ]' "
                                                          "character ranges in CODEOWNERS; the line is skipped"))
            continue
        bad = [owner for owner in owners if not OWNER.fullmatch(owner)]
        if bad:
            problems.append(Problem("codeowners", number, f"'{quoted(bad[0])}' is not an owner: write @user, "
                                                          "@org/team or an e-mail address; the line is skipped"))
            continue
        rules.append(Rule(pattern, tuple(owners), number, translate(pattern)))
    return rules, problems


def translate(pattern: str) -> str:
    """A CODEOWNERS pattern as a regular expression over paths relative to the repository root."""
    anchored = "/" in pattern.rstrip("/")
    folder_only = pattern.endswith("/")
    body = pattern.strip("/")
    parts = body.split("/")
    out: list[str] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            if last:
                out.append(".*")  # "docs/**": everything below
            else:
                out.append("(?:[^/]+/)*")  # "**/logs", "a/**/b": any number of folders, none too
            continue
        piece = "".join("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char) for char in part)
        out.append(piece + ("" if last else "/"))
    regex = "".join(out)
    if not anchored:
        regex = "(?:[^/]+/)*" + regex
    wildcard_last = any(char in parts[-1] for char in "*?") and parts[-1] != "**"
    if folder_only:
        regex += "/.+"  # "apps/": only what is inside a folder of that name
    elif not wildcard_last and parts[-1] != "**":
        regex += "(?:/.+)?"  # "/build/logs": the path itself, or anything below it
    return regex


def owners_of(path: str, rules: list[Rule]) -> tuple[str, ...] | None:
    """The owners of a file (its path relative to the root, with '/'); ``()`` when the last matching
    line names nobody; None when no line matches."""
    found = None
    for rule in rules:
        if re.fullmatch(rule.regex, path):
            found = rule.owners
    return found
