"""`make livehtml` and `make check` reuse a build folder: what they leave there equals a clean build."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import incremental_tree as tree_model
import pytest
from incremental_tree import Section, Tree

pytestmark = pytest.mark.slow  # real builds, each edit built twice

REPO = Path(__file__).resolve().parent.parent
MAKE_ENV = {**os.environ, "SOURCE_DATE_EPOCH": tree_model.SOURCE_DATE_EPOCH, "NO_COLOR": "1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", *arguments], cwd=REPO, env=MAKE_ENV, capture_output=True, text=True,
                          check=False)


def clean_html(srcdir: Path, builddir: Path) -> tree_model.Build:
    done = make("html", f"SOURCEDIR={srcdir}", f"BUILDDIR={builddir}")
    assert done.returncode == 0, done.stderr
    return tree_model.Build(builddir / "html", [])


def eventually_equal(live: Path, clean: tree_model.Build, seconds: float = 240) -> None:
    """sphinx-autobuild rebuilds on its own time: wait until its output equals the clean build's."""
    deadline = time.monotonic() + seconds
    found: list[str] = []
    while time.monotonic() < deadline:
        try:
            found = tree_model.differences(tree_model.Build(live, []), clean)
        except (OSError, ValueError):  # a file being written just now
            found = ["(being written)"]
        if not found:
            return
        time.sleep(1)
    pytest.fail("the live preview never matched a clean build:\n" + "\n".join(found))


def serving(port: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail("make livehtml never started serving")


def test_livehtml_shows_what_a_clean_build_shows(tmp_path):
    tree = Tree.small()
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    tree_model.write(srcdir, tree.files())
    port = free_port()
    server = subprocess.Popen(["make", "livehtml", f"SOURCEDIR={srcdir}", f"BUILDDIR={tmp_path / 'live'}",
                               f"PORT={port}"], cwd=REPO, env=MAKE_ENV, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        eventually_equal(tmp_path / "live" / "preview", clean_html(srcdir, tmp_path / "clean-0"))
        # sphinx-autobuild watches the sources only once its first build is done and it serves: an
        # edit made before that would never be seen (by it or by a writer).
        serving(port)
        # A page added to the root toctree, then removed again with its files.
        tree.sections["security"] = Section("Security policy")
        tree_model.write(srcdir, tree.files())
        clean = clean_html(srcdir, tmp_path / "clean-1")
        eventually_equal(tmp_path / "live" / "preview", clean)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/guides/style.html", timeout=10) as response:
            assert "Security policy" in response.read().decode("utf-8")
        del tree.sections["security"]
        tree_model.write(srcdir, tree.files())
        eventually_equal(tmp_path / "live" / "preview", clean_html(srcdir, tmp_path / "clean-2"))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_make_check_leaves_no_page_of_an_earlier_run(tmp_path):
    # make check builds from a fresh environment into the same folder each time; a page removed
    # since the last run must not stay there (the check scans the built site).
    tree = Tree.small()
    srcdir = tmp_path / "src"
    srcdir.mkdir()
    tree_model.write(srcdir, tree.files())
    make("check", f"SOURCEDIR={srcdir}", f"BUILDDIR={tmp_path / 'b'}")
    assert (tmp_path / "b" / "check" / "html" / "ops" / "deploy.html").is_file()
    del tree.sections["ops"]
    tree_model.write(srcdir, tree.files())
    make("check", f"SOURCEDIR={srcdir}", f"BUILDDIR={tmp_path / 'b'}")
    clean = clean_html(srcdir, tmp_path / "clean")
    found = tree_model.differences(tree_model.Build(tmp_path / "b" / "check" / "html", []), clean)
    assert not [line for line in found if "left over" in line]
    assert not (tmp_path / "b" / "check" / "html" / "ops").exists()
