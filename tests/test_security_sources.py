"""Builds read only the handbook: files outside the source folder and URLs are findings, never
read or fetched; `make check` opens no socket at all."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from conftest import write_tree
from test_browser import serving

REPO = Path(__file__).resolve().parent.parent
SECRET = "s3cret-from-outside-the-handbook"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082")


class Recording(BaseHTTPRequestHandler):
    """A server on 127.0.0.1 that remembers every request: a :url: must never reach it."""

    seen: list[str] = []

    def log_message(self, format: str, *args) -> None:
        pass

    def do_GET(self) -> None:
        Recording.seen.append(self.path)
        body = f"<p>{SECRET}</p>\na,b\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def page(url: str, outside: Path) -> str:
    return textwrap.dedent(f"""\
        # Reads

        ```{{include}} ../outside/part.md
        ```

        ```{{literalinclude}} ../outside/secret.txt
        ```

        ```{{literalinclude}} linked.txt
        ```

        ```{{raw}} html
        :file: ../outside/secret.html
        ```

        ```{{raw}} html
        :file: {outside / "secret.html"}
        ```

        ```{{raw}} html
        :url: {url}raw
        ```

        ```{{csv-table}} Table
        :url: {url}csv
        ```

        ```{{csv-table}} Table
        :file: ../outside/table.csv
        ```

        ![picture](../outside/picture.png)

        {{download}}`the secret <../outside/secret.txt>`

        ```{{eval-rst}}
        .. include:: ../outside/part.rst
        ```

        ```{{literalinclude}} inside.txt
        ```
        """)


@pytest.fixture
def tree(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    for name, text in {"part.md": f"{SECRET} in markdown\n", "part.rst": f"{SECRET} in rst\n",
                       "secret.txt": SECRET + "\n", "secret.html": f"<p>{SECRET}</p>\n", "table.csv": "a,b\n"}.items():
        (outside / name).write_text(text, encoding="utf-8")
    (outside / "picture.png").write_bytes(PNG)
    return outside


def test_every_read_outside_the_source_folder_and_every_url_is_a_finding(build_tree, tmp_path, tree):
    Recording.seen = []
    with serving(Recording) as url:
        src = write_tree(tmp_path / "src", {"index.md": page(url, tree), "inside.txt": "inside\n"})
        (src / "linked.txt").symlink_to(tree / "secret.txt")
        built = build_tree(srcdir=src, freshenv=True)
    assert Recording.seen == [], "a :url: was fetched during the build"
    text = (src / "index.md").read_text(encoding="utf-8").split("\n")
    found = {int(line) for line in re.findall(r"index\.md:(\d+): WARNING: .*\[handbook\.outside-source\]",
                                              built.warnings)}
    expected = {number for number, line in enumerate(text, 1)
                if "outside" in line or "linked.txt" in line or ":url:" in line}
    assert found == expected, built.warnings
    assert "inside.txt" not in built.warnings
    # raw, csv-table and literalinclude are stopped before they read: only the two includes, which
    # MyST-Parser and docutils read themselves, bring the text in (and are findings, as above).
    html = built.html("index")
    assert html.count(SECRET) == 2 and f"<p>{SECRET}</p>" not in html


def _guard(folder: Path, log: Path) -> dict[str, str]:
    """An environment whose Python records, then refuses, every socket connection and DNS look-up."""
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(textwrap.dedent(f"""\
        import socket

        LOG = {str(log)!r}

        def _refuse(what):
            with open(LOG, "a", encoding="utf-8") as log:
                log.write(repr(what) + "\\n")
            raise OSError("network access during make check: " + repr(what))

        socket.socket.connect = lambda self, address: _refuse(address)
        socket.socket.connect_ex = lambda self, address: _refuse(address)
        socket.create_connection = lambda address, *a, **k: _refuse(address)
        socket.getaddrinfo = lambda host, *a, **k: _refuse(host)
        """), encoding="utf-8")
    return {**os.environ, "PYTHONPATH": str(folder)}


@pytest.mark.slow
def test_make_check_opens_no_socket(tmp_path, tree):
    """The handbook itself, and a tree whose pages ask for URLs: not one connection is attempted."""
    log = tmp_path / "sockets.log"
    env = _guard(tmp_path / "guard", log)
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
                           env=env, capture_output=True, text=True)
    assert "network access during make check" in probe.stderr and log.read_text(), "the guard itself works"
    log.unlink()
    result = subprocess.run(["make", "check", f"BUILDDIR={tmp_path / 'out'}"], cwd=REPO, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    src = write_tree(tmp_path / "src", {"index.md": page("http://127.0.0.1:9/", tree), "inside.txt": "x\n"})
    (src / "linked.txt").symlink_to(tree / "secret.txt")
    result = subprocess.run(["make", "check", f"SOURCEDIR={src}", f"BUILDDIR={tmp_path / 'out2'}"], cwd=REPO,
                            env=env, capture_output=True, text=True)
    assert "make check: FAILED" in result.stdout and "Traceback" not in result.stdout + result.stderr, result.stdout
    report = json.loads((tmp_path / "out2" / "check" / "report.json").read_text(encoding="utf-8"))
    assert sum(f["kind"] == "outside-source" for f in report) == 11, [f for f in report]
    assert not log.exists(), log.read_text()
