"""The environment is the lock: every package pinned with a hash, installed at exactly its pin.

The comparison is ``scripts/check_lock.py`` (which a person runs the same way); these tests run it
on the real lock and the running interpreter, and on doctored locks to see each kind of drift caught.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import check_lock
import pytest

REPO = Path(__file__).resolve().parent.parent
LOCK = REPO / "requirements.lock"


@pytest.fixture(scope="module")
def lock_text() -> str:
    return LOCK.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def installed() -> list[tuple[str, str]]:
    return check_lock.installed_packages()


def test_the_lock_pins_every_package_exactly_with_hashes(lock_text):
    pins, faults = check_lock.read_lock(lock_text)
    assert faults == []
    # Every requirement line of the file was read as a pin: none was skipped as something else.
    requirement_lines = [line for line in lock_text.splitlines() if re.match(r"[A-Za-z0-9]", line)]
    assert len(pins) == len(requirement_lines) >= 10
    for pin in pins.values():
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", pin.version), pin
        assert pin.hashes and all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in pin.hashes), pin
    # The project's direct dependencies are among them.
    for name in ("sphinx", "myst-parser", "furo", "pyyaml", "pytest", "hypothesis"):
        assert name in pins, name


def test_the_running_environment_is_exactly_the_lock(lock_text, installed):
    problems = check_lock.drifts(lock_text, installed)
    assert [str(problem) for problem in problems] == []


def test_installer_tools_are_the_only_packages_let_off(lock_text, installed):
    """pip (and setuptools) come with `python -m venv`, not from the lock; nothing else may be unlocked."""
    pins, _ = check_lock.read_lock(lock_text)
    unlocked = {check_lock.normalize(name) for name, _ in installed} - set(pins)
    assert unlocked <= check_lock.INSTALLER_TOOLS
    # Named in the lock, an installer tool is held to its pin like any other package.
    pip_version = next(version for name, version in installed if check_lock.normalize(name) == "pip")
    doctored = lock_text + f"pip=={pip_version}.1 \\\n    --hash=sha256:{'0' * 64}\n"
    assert [p.message for p in check_lock.drifts(doctored, installed)] == [
        f"pip is locked at {pip_version}.1 but installed at {pip_version}"]


def change_version(lock_text: str, name: str, new: str) -> tuple[str, str]:
    old = re.search(rf"^{re.escape(name)}==(\S+)", lock_text, re.M).group(1)
    return re.sub(rf"^{re.escape(name)}=={re.escape(old)}", f"{name}=={new}", lock_text, count=1, flags=re.M), old


def messages(lock_text: str, installed) -> list[str]:
    return [str(problem) for problem in check_lock.drifts(lock_text, installed)]


def test_a_version_drift_is_caught_at_its_line(lock_text, installed):
    doctored, old = change_version(lock_text, "pyyaml", "5.4.1")
    line = 1 + lock_text[:lock_text.index("pyyaml==")].count("\n")
    assert messages(doctored, installed) == [f"requirements.lock:{line}: pyyaml is locked at 5.4.1 but installed at {old}"]


def test_each_kind_of_drift_is_caught(lock_text, installed):
    sphinx = next(version for name, version in installed if check_lock.normalize(name) == "sphinx")
    # A package installed but missing from the lock.
    without = re.sub(r"^docutils==.*?(?=^\S)", "", lock_text, count=1, flags=re.M | re.S)
    assert without != lock_text
    docutils = dict((check_lock.normalize(n), v) for n, v in installed)["docutils"]
    assert [m for m in messages(without, installed) if "docutils" in m] == [
        f"docutils {docutils} is installed but not in requirements.lock"]
    # A locked package that is not installed.
    extra = lock_text + "not-installed-anywhere==1.0 \\\n    --hash=sha256:" + "a" * 64 + "\n"
    assert [m for m in messages(extra, installed) if "not-installed" in m] == [
        f"requirements.lock:{extra.count(chr(10)) - 1}: not-installed-anywhere==1.0 is locked but not installed"]
    # A loose pin and a pin without a hash.
    loose = re.sub(r"^sphinx==\S+", "sphinx>=9", lock_text, count=1, flags=re.M)
    assert any("sphinx is pinned with >=9, not '=='" in m for m in messages(loose, installed))
    unhashed = re.sub(r"^(sphinx==\S+) \\\n(?:\s+--hash=\S+(?: \\)?\n)+", r"\1\n", lock_text, count=1, flags=re.M)
    assert unhashed != lock_text
    assert any(f"sphinx=={sphinx} has no --hash=sha256:" in m for m in messages(unhashed, installed))
    # Two versions of one package in the environment.
    twice = [*installed, ("Sphinx", "1.0")]
    assert any(m == f"sphinx is installed more than once (1.0, {sphinx}); recreate the environment"
               for m in messages(lock_text, twice))


def run_check_lock(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "scripts" / "check_lock.py"), *args],
                          cwd=REPO, capture_output=True, text=True)


def test_the_command_passes_on_this_environment_and_fails_on_a_drift(lock_text, tmp_path):
    good = run_check_lock()
    assert good.returncode == 0, good.stdout + good.stderr
    assert "is exactly" in good.stdout

    doctored, old = change_version(lock_text, "jinja2", "2.11.3")
    lock = tmp_path / "requirements.lock"
    lock.write_text(doctored, encoding="utf-8")
    bad = run_check_lock("--lock", str(lock))
    assert bad.returncode == 1
    line = 1 + doctored[:doctored.index("jinja2==")].count("\n")
    assert bad.stdout.splitlines() == [f"{lock}:{line}: jinja2 is locked at 2.11.3 but installed at {old}"]
    assert "Traceback" not in bad.stderr

    missing = run_check_lock("--lock", str(tmp_path / "no-such.lock"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
