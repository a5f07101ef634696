"""The Makefile is the front door: every target documented, SOURCEDIR/BUILDDIR honoured, env from the lock."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent


def make(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["make", *args], cwd=REPO, capture_output=True, text=True, **kwargs)


def test_help_lists_every_target_with_one_line():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    assert {"help", "html", "livehtml", "test", "clean", "adr", "rfc", "lock"} <= targets
    listed = dict(re.findall(r"^  ([a-z][a-z-]*) +(\S.*)$", make("help").stdout, re.M))
    assert set(listed) == targets
    assert all(len(text) > 10 for text in listed.values())


def test_help_shows_the_values_of_its_variables():
    text = make("help", "BUILDDIR=/tmp/elsewhere", "PORT=8123").stdout
    assert "$(" not in text  # no variable printed by its name
    assert "/tmp/elsewhere/html" in text and "127.0.0.1:8123" in text and "SOURCEDIR=docs" in text


def test_html_honours_sourcedir_and_builddir(tmp_path):
    result = make("html", "SOURCEDIR=tests/roots/test-records", f"BUILDDIR={tmp_path}", "SPHINXOPTS=-W -q")
    assert result.returncode == 0, result.stderr
    index = (tmp_path / "html" / "engineering" / "adr" / "index.html").read_text(encoding="utf-8")
    assert "handbook-badge-superseded" in index  # the handbook's extension ran on the other tree
    assert not (REPO / "tests" / "roots" / "test-records" / "_build").exists()


def test_env_is_rebuilt_from_the_lock_only_when_missing_or_older(tmp_path):
    venv = tmp_path / "venv"
    missing = make("-n", "html", f"VENV={venv}", f"BUILDDIR={tmp_path}")
    assert f"-m venv {venv}" in missing.stdout and "--require-hashes" in missing.stdout

    venv.mkdir()
    stamp = venv / ".installed-from-lock"
    stamp.touch()
    fresh = make("-n", "html", f"VENV={venv}", f"BUILDDIR={tmp_path}")
    assert "-m venv" not in fresh.stdout

    lock_time = (REPO / "requirements.lock").stat().st_mtime
    os.utime(stamp, (lock_time - 60, lock_time - 60))  # the lock is now newer than the environment
    stale = make("-n", "html", f"VENV={venv}", f"BUILDDIR={tmp_path}")
    assert f"-m venv {venv}" in stale.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_livehtml_serves_a_live_preview_on_loopback_and_leaves_the_site_alone(tmp_path):
    # A built site with its PDF: the preview must neither replace it nor drop the PDF link.
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "mbodi-handbook.pdf").write_bytes(b"%PDF-1.5 stand-in\n")
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "index.html").write_text("the published site", encoding="utf-8")
    port = free_port()
    server = subprocess.Popen(
        ["make", "livehtml", f"PORT={port}", "SOURCEDIR=tests/roots/test-records", f"BUILDDIR={tmp_path}"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        page = ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and "Decisions" not in page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/engineering/adr/index.html", timeout=5) as response:
                    page = response.read().decode("utf-8")
            except OSError:
                time.sleep(0.5)
        assert "Decisions" in page and "handbook-badge" in page
        assert "websocket-reload" in page  # the live-reload hook
        assert "mbodi-handbook.pdf" in page  # the preview links the PDF as the site does
        assert (tmp_path / "html" / "index.html").read_text(encoding="utf-8") == "the published site"
        assert (tmp_path / "preview" / "engineering" / "adr" / "index.html").is_file()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_clean_removes_only_the_build_dir(tmp_path):
    (tmp_path / "out" / "html").mkdir(parents=True)
    assert make("clean", f"BUILDDIR={tmp_path / 'out'}").returncode == 0
    assert not (tmp_path / "out").exists() and tmp_path.exists()
