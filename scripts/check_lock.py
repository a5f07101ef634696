#!/usr/bin/env python3
"""Check that the running Python environment is exactly ``requirements.lock``.

    .venv/bin/python scripts/check_lock.py [--lock requirements.lock]

The lock must pin every package with ``==`` and carry at least one ``--hash=sha256:`` for each, so
``pip install --require-hashes`` (what ``make env`` runs) installs nothing it has not seen before.
The environment must hold every locked package at its locked version and nothing else. Prints one
line per drift, ``requirements.lock:LINE: ...`` for the lock's own faults; exit status 0 when the
environment is the lock, 1 on any drift, 2 when the lock cannot be read.

pip, setuptools and wheel are let off when the lock does not name them: ``python -m venv`` puts pip
(and, on Python 3.11, setuptools) into every new environment before anything from the lock is
installed, and ``uv pip compile`` leaves these installer tools out of a lock unless asked. If the
lock names one of them, it is held to its pin like any other package.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.metadata
import re
import sys
from collections.abc import Iterable
from pathlib import Path

INSTALLER_TOOLS = frozenset({"pip", "setuptools", "wheel"})

# "name[extra]==1.0 ; marker" at the start of a logical line; options (--hash=...) follow it.
REQUIREMENT = re.compile(
    r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*"
    r"(?:(?P<operator>===|==|~=|!=|<=|>=|<|>)\s*(?P<version>[^\s;,\\]+))?(?P<rest>.*)$")
HASH = re.compile(r"--hash[=\s]sha256:(?P<digest>\S*)")


def normalize(name: str) -> str:
    """A package name as pip compares them (PEP 503): ``Jinja2`` and ``jinja2``, ``ruamel.yaml`` and ``ruamel-yaml``."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclasses.dataclass
class Pin:
    name: str  # normalized
    version: str
    line: int  # where the requirement starts in the lock
    hashes: list[str]


@dataclasses.dataclass
class Drift:
    """One way the lock or the environment is not what it should be."""

    message: str
    line: int = 0  # a line of the lock, or 0 for the environment

    def __str__(self) -> str:
        return f"requirements.lock:{self.line}: {self.message}" if self.line else self.message


def logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """Lines with their backslash continuations joined and comments removed, each with its first line number."""
    start, parts = 0, list[str]()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not parts:
            start = number
        if line.endswith("\\"):
            parts.append(line[:-1])
            continue
        parts.append(line)
        joined = " ".join(part.strip() for part in parts).strip()
        parts = []
        if joined:
            yield start, joined
    if parts and " ".join(parts).strip():
        yield start, " ".join(part.strip() for part in parts).strip()


def read_lock(text: str) -> tuple[dict[str, Pin], list[Drift]]:
    """Every pin in the lock, and the lock's own faults: a loose pin, a missing hash, a package twice."""
    pins: dict[str, Pin] = {}
    faults: list[Drift] = []
    for line, content in logical_lines(text):
        if content.startswith("-"):
            faults.append(Drift(f"option '{content.split()[0]}' in the lock: only pinned packages with hashes belong here", line))
            continue
        match = REQUIREMENT.match(content)
        if match is None:
            faults.append(Drift(f"'{content[:60]}' is not a 'name==version' pin", line))
            continue
        name = normalize(match.group("name"))
        if not applies_here(match.group("rest").split("--")[0]):
            continue  # "; sys_platform == 'win32'" and the like: not for this environment
        if match.group("operator") != "==":
            pinned = f"{match.group('operator')}{match.group('version')}" if match.group("operator") else "no version"
            faults.append(Drift(f"{name} is pinned with {pinned}, not '=='; the lock must name one exact version", line))
            continue
        digests = HASH.findall(match.group("rest") or "")
        if not digests:
            faults.append(Drift(f"{name}=={match.group('version')} has no --hash=sha256:...; every package needs one", line))
        for digest in digests:
            if not re.fullmatch(r"[0-9a-f]{64}", digest):
                faults.append(Drift(f"{name}: '--hash=sha256:{digest}' is not a SHA-256 digest", line))
        if name in pins:
            faults.append(Drift(f"{name} is pinned twice (first on line {pins[name].line})", line))
            continue
        pins[name] = Pin(name, match.group("version"), line, digests)
    return pins, faults


def applies_here(after_version: str) -> bool:
    """Whether a pin's environment marker (``; python_version < "3.12"``) holds for this interpreter.

    ``make lock`` compiles for one Python and one platform, so the lock carries no markers; should
    one appear, it is judged as pip judges it.
    """
    marker = after_version.partition(";")[2].strip()
    if not marker:
        return True
    from packaging.markers import Marker  # installed with Sphinx; only needed for a marker

    return Marker(marker).evaluate()


def installed_packages() -> list[tuple[str, str]]:
    """(name, version) of every distribution the running interpreter can import from."""
    found = []
    for distribution in importlib.metadata.distributions():
        name = distribution.metadata["Name"] if distribution.metadata else None
        found.append((name or "", distribution.version or ""))
    return found


def drifts(lock_text: str, installed: Iterable[tuple[str, str]]) -> list[Drift]:
    """Everything that keeps ``installed`` from being exactly the lock; empty when it is."""
    pins, found = read_lock(lock_text)
    versions: dict[str, set[str]] = {}
    for raw_name, version in installed:
        if not raw_name:
            found.append(Drift(f"a distribution without a name (version {version or '?'}) is installed; "
                               "reinstall the environment"))
            continue
        versions.setdefault(normalize(raw_name), set()).add(version)
    for name in sorted(versions):
        have = sorted(versions[name])
        if len(have) > 1:
            found.append(Drift(f"{name} is installed more than once ({', '.join(have)}); recreate the environment"))
        pin = pins.get(name)
        if pin is None:
            if name not in INSTALLER_TOOLS:
                found.append(Drift(f"{name} {', '.join(have)} is installed but not in requirements.lock"))
        elif have != [pin.version]:
            found.append(Drift(f"{name} is locked at {pin.version} but installed at {', '.join(have)}", pin.line))
    for name in sorted(set(pins) - set(versions)):
        found.append(Drift(f"{name}=={pins[name].version} is locked but not installed", pins[name].line))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lock", type=Path, default=Path(__file__).resolve().parent.parent / "requirements.lock")
    args = parser.parse_args(argv)
    try:
        lock_text = args.lock.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"check_lock: cannot read {args.lock}: {error}", file=sys.stderr)
        return 2
    problems = drifts(lock_text, installed_packages())
    for problem in problems:
        print(f"{args.lock}:{problem.line}: {problem.message}" if problem.line else problem.message)
    if problems:
        print(f"check_lock: {len(problems)} difference(s) between {sys.prefix} and {args.lock}; "
              "run 'make env' (or 'make lock' if pyproject.toml changed)", file=sys.stderr)
        return 1
    print(f"check_lock: {sys.prefix} is exactly {args.lock} ({len(read_lock(lock_text)[0])} packages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
