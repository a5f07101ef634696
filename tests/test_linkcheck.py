"""`make linkcheck`: the handbook-linkcheck builder against a real, badly behaved server on 127.0.0.1.

The server counts requests per path, so the tests can say what was asked and what was not: a
second run asks nothing about links that worked, and asks again about every one that failed.
Nothing here reaches any host but 127.0.0.1.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import inspect
import io
import json
import os
import random
import re
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import hypothesis
import linkcheck
import pytest
from hypothesis import strategies as st
from sphinx.builders import linkcheck as linkcheck_module
from sphinx.builders.linkcheck import HyperlinkAvailabilityCheckWorker
from sphinx.util.requests import _Session as SphinxSession

from handbook.annotations import MARK, CommandSafeStream
from handbook.linkcheck import cache as cache_module
from handbook.linkcheck.cache import LinkCache, expiry
from handbook.linkcheck.changes import parse_diff
from handbook.linkcheck.checker import MIN_RATE_LIMIT_PAUSE, RATE_LIMIT_ATTEMPTS, UPSTREAM
from handbook.linkcheck.occurrences import Occurrence, link_lines
from handbook.linkcheck.report import annotation
from handbook.linkcheck.results import BROKEN, TIMEOUT, WORKING, Result
from handbook.linkcheck.settings import SettingsError, parse_exclusions
from handbook.source import locate

REPO = Path(__file__).resolve().parent.parent
ROOT = REPO / "tests" / "roots" / "test-linkcheck"
SCRIPT = REPO / "scripts" / "linkcheck.py"

PAGE = b'<!DOCTYPE html><html><body><h1>Guide</h1><h2 id="present">Present</h2><p>text</p></body></html>'


# --- the server -----------------------------------------------------------------------------------

class Site(ThreadingHTTPServer):
    """Behaviour by the first path segment: /ok/..., /missing/..., /hang/... (see Handler)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.requests: collections.Counter[str] = collections.Counter()
        self.active = self.most_active = 0
        self.times: collections.defaultdict[str, list[float]] = collections.defaultdict(list)
        self.finished: dict[str, bool] = {}  # per path: did a dripping answer get all its bytes out

    @property
    def port(self) -> int:
        return self.server_address[1]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up (or spoke TLS to this plain server) is expected here

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.times.clear()
            self.finished.clear()
            self.most_active = 0

    def asked(self) -> collections.Counter[str]:
        with self.lock:
            return collections.Counter(self.requests)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Site

    def log_message(self, format: str, *args: object) -> None:  # quiet, including the 400s for TLS
        pass

    def do_HEAD(self) -> None:
        self.answer()

    def do_GET(self) -> None:
        self.answer()

    def answer(self) -> None:
        site = self.server
        path = urlsplit(self.path).path
        kind, _, rest = path.lstrip("/").partition("/")
        with site.lock:
            site.requests[path] += 1
            site.times[path].append(time.monotonic())
            seen = site.requests[path]
        try:
            getattr(self, f"serve_{kind}", self.serve_missing)(rest, seen)
        except OSError:  # the client hung up, as it should after enough of /huge
            self.close_connection = True

    def finish(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # /reset closed the socket under us
            super().finish()

    def send(self, code: int, body: bytes = PAGE, kind: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, code: int, location: str) -> None:
        self.send(code, b"", Location=location)

    def serve_ok(self, rest: str, seen: int) -> None:
        self.send(200)

    serve_page = serve_excluded = serve_ok

    def serve_missing(self, rest: str, seen: int) -> None:
        self.send(404, b"not here", "text/plain")

    def serve_moved(self, rest: str, seen: int) -> None:
        self.redirect(301, f"/moved2/{rest}")

    def serve_moved2(self, rest: str, seen: int) -> None:
        self.redirect(302, f"http://127.0.0.1:{self.server.port}/ok/{rest}")

    def serve_toexcluded(self, rest: str, seen: int) -> None:
        self.redirect(302, f"/excluded/{rest}")

    def serve_loop(self, rest: str, seen: int) -> None:
        self.redirect(302, f"/loop2/{rest}")

    def serve_loop2(self, rest: str, seen: int) -> None:
        self.redirect(302, f"/loop/{rest}")

    def serve_busy(self, rest: str, seen: int) -> None:
        if seen == 1:
            self.send(429, b"slow down", "text/plain", Retry_After="1")
        else:
            self.send(200)

    def serve_flaky(self, rest: str, seen: int) -> None:
        self.send(503, b"try later", "text/plain") if seen <= 2 else self.send(200)

    def serve_unwell(self, rest: str, seen: int) -> None:
        self.send(500, b"oops", "text/plain") if seen <= 2 else self.send(200)

    def serve_nohead(self, rest: str, seen: int) -> None:
        self.send(405, b"", "text/plain") if self.command == "HEAD" else self.send(200)

    def serve_slow(self, rest: str, seen: int) -> None:
        # In flight from the request until just before the answer: the client cannot send its next
        # request before it has this answer, so the count never runs ahead of the client's.
        site = self.server
        with site.lock:
            site.active += 1
            site.most_active = max(site.most_active, site.active)
        time.sleep(0.1)
        with site.lock:
            site.active -= 1
        self.send(200)

    def serve_hang(self, rest: str, seen: int) -> None:
        self.server.stopping.wait(30)
        self.close_connection = True

    def serve_blob(self, rest: str, seen: int) -> None:
        self.send(200, bytes(range(256)) * 4, "application/octet-stream")

    def serve_huge(self, rest: str, seen: int) -> None:
        # 1 MiB of page before the anchor; the test configuration reads at most 256 KiB.
        filler = b"<p>" + b"x" * 1020 + b"</p>"
        end = b'<p id="at-the-end">end</p>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(filler) * 1024 + len(end)))
        self.end_headers()
        if self.command != "HEAD":
            for _ in range(1024):
                self.wfile.write(filler)
            self.wfile.write(end)

    def serve_reset(self, rest: str, seen: int) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def serve_always429(self, rest: str, seen: int) -> None:
        # The Retry-After value is the rest of the path: /always429/0, /always429/-3, ...
        self.send(429, b"slow down", "text/plain", Retry_After=unquote(rest))

    def drip(self, data: bytes) -> None:
        # One byte every 0.3 s: every read gets its byte long before any per-read timeout.
        path = urlsplit(self.path).path
        self.server.finished[path] = False
        for byte in data:
            if self.server.stopping.wait(0.3):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
        self.server.finished[path] = True

    def serve_drip(self, rest: str, seen: int) -> None:
        body = PAGE * 2
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.flush()
        self.drip(body)

    def serve_driphead(self, rest: str, seen: int) -> None:
        self.close_connection = True
        self.drip(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 0\r\n" + b"X-Pad: x\r\n" * 20 + b"\r\n")

    def serve_garbage(self, rest: str, seen: int) -> None:
        self.wfile.write(b"\x00\xff\xfe this is not HTTP \x01\x02\r\n\r\n")
        self.wfile.flush()
        self.close_connection = True


def serve(site: Site):
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    return thread


def stop(site: Site) -> None:
    site.stopping.set()
    site.shutdown()
    site.server_close()


@pytest.fixture(scope="module")
def site():
    server = Site()
    serve(server)
    yield server
    stop(server)


# --- running the check ----------------------------------------------------------------------------

@dataclasses.dataclass
class Run:
    code: int
    out: str
    err: str
    records: list[dict]

    def status(self, uri_end: str) -> dict:
        [record] = {r["uri"]: r for r in self.records if r["uri"].endswith(uri_end)}.values()
        return record

    @property
    def annotations(self) -> list[str]:
        return [line for line in self.out.splitlines() if line.startswith("::")]


def project(folder: Path, site: Site, files: dict[str, str] | None = None, conf: str = "") -> Path:
    """A copy of tests/roots/test-linkcheck (or of ``files`` with its conf.py), pointed at the server."""
    src = folder / "src"
    if files is None:
        shutil.copytree(ROOT, src)
    else:
        src.mkdir(parents=True)
        shutil.copy(ROOT / "conf.py", src / "conf.py")
        for name, text in files.items():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            (src / name).write_text(text, encoding="utf-8")
    for page in src.rglob("*.md"):
        text = page.read_text(encoding="utf-8").replace("127.0.0.1:PORT/", f"127.0.0.1:{site.port}/")
        page.write_text(text, encoding="utf-8")
    with open(src / "conf.py", "a", encoding="utf-8") as out:
        out.write("\n" + conf + "\n")
    return src


def check(src: Path, builddir: Path, *args: str, github: bool = False, env: dict[str, str] | None = None) -> Run:
    """scripts/linkcheck.py, in this process, with its output captured."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        for name in ("GITHUB_ACTIONS", "HANDBOOK_LINKCHECK_CACHE", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
            patch.delenv(name, raising=False)
        for name in ("no_proxy", "NO_PROXY"):  # a proxy in the environment must not see 127.0.0.1
            patch.setenv(name, "127.0.0.1,localhost")
        if github:
            patch.setenv("GITHUB_ACTIONS", "true")
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        code = linkcheck.main(["--source", str(src), "--conf", str(src), "--builddir", str(builddir), *args])
    output = builddir / "linkcheck" / "output.json"
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()] if output.exists() else []
    return Run(code, out.getvalue(), err.getvalue(), records)


@dataclasses.dataclass
class Sweep:
    src: Path
    builddir: Path
    first: Run
    first_asked: collections.Counter[str]
    second: Run
    second_asked: collections.Counter[str]


EXPIRED = "/nohead/main"  # a success whose cache entry the tests age before the second run


@pytest.fixture(scope="module")
def sweep(site, tmp_path_factory):
    """The test root checked twice: a first run, then a second with one cache entry expired."""
    folder = tmp_path_factory.mktemp("sweep")
    src, builddir = project(folder, site), folder / "_build"
    site.reset()
    first = check(src, builddir, github=True)
    first_asked = site.asked()

    cache_file = builddir / "linkcheck" / "cache.json"
    data = json.loads(cache_file.read_text(encoding="utf-8"))
    [uri] = [uri for uri in data["links"] if uri.endswith(EXPIRED)]
    data["links"][uri]["expires"] = time.time() - 1
    cache_file.write_text(json.dumps(data), encoding="utf-8")

    site.reset()
    second = check(src, builddir)
    return Sweep(src, builddir, first, first_asked, second, site.asked())


# --- a full sweep ---------------------------------------------------------------------------------

EXPECTED = {
    "/ok/main": "working",
    "/missing/main": "broken",
    "/moved/main": "redirected",
    "/loop/main": "broken",
    "/busy/main": "working",
    "/flaky/main": "ignored",  # a 503 is an outage: Sphinx neither passes nor fails the link
    "/unwell/main": "working",
    "/nohead/main": "working",
    "/hang/main": "timeout",
    "/page/present#present": "working",
    "/page/absent#absent": "broken",
    "/blob/main#section": "ignored",
    "/huge/main#at-the-end": "broken",
    "/reset/main": "broken",
    "/garbage/main": "broken",
    "/ok/tls": "broken",
    ":99999/malformed": "broken",
    "/excluded/main": "ignored",
    "/ok/image.png": "working",
}


def test_every_link_gets_the_status_it_deserves(sweep):
    run = sweep.first
    assert run.code == 1  # something is broken
    assert {uri_end: run.status(uri_end)["status"] for uri_end in EXPECTED} == EXPECTED
    assert len({r["uri"] for r in run.records}) == len(EXPECTED)
    assert all(list(r) == ["filename", "lineno", "status", "code", "uri", "info"] for r in run.records)
    assert "Traceback" not in run.out + run.err


def test_statuses_say_why(sweep):
    run = sweep.first
    assert run.status("/missing/main")["code"] == 404
    moved = run.status("/moved/main")
    assert moved["code"] == 302 and moved["info"].endswith("/ok/main")  # as Sphinx: the chain's last hop, its end
    assert "redirect loop" in run.status("/loop/main")["info"]
    assert "Anchor 'absent' not found" in run.status("/page/absent#absent")["info"]
    assert "not HTML" in run.status("/blob/main#section")["info"]
    assert "handbook_linkcheck_max_bytes" in run.status("/huge/main#at-the-end")["info"]
    assert "TLS" in run.status("/ok/tls")["info"]
    assert "malformed URL" in run.status(":99999/malformed")["info"]
    assert run.status("/excluded/main")["info"] == "excluded: an example of an exclusion, never requested"
    assert "no answer within 2 s" in run.status("/hang/main")["info"]


def test_what_was_asked_of_the_server(sweep):
    asked = sweep.first_asked
    assert asked["/excluded/main"] == 0
    assert asked["/busy/main"] == 2  # a 429, a one-second pause as asked, then the page
    assert asked["/flaky/main"] == 1  # a 503 is reported as "service unavailable", as Sphinx does
    assert asked["/unwell/main"] == 3  # HEAD and GET answered 500, which may pass: a second attempt works
    assert asked["/hang/main"] == 1  # a timeout is the answer, as in Sphinx: not tried again
    assert asked["/missing/main"] == 2  # a 404 for HEAD is asked again with GET, and not retried
    assert asked["/loop/main"] == 1 and asked["/loop2/main"] == 1  # the loop is seen at its first repeat


def test_no_host_gets_more_than_two_requests_at_once(site, tmp_path):
    links = "\n".join(f"- [{n}](http://127.0.0.1:{site.port}/slow/{n})" for n in range(8))
    src = project(tmp_path, site, {"index.md": f"# Home\n\n{links}\n"})
    site.reset()
    run = check(src, tmp_path / "_build")  # linkcheck_workers = 5, handbook_linkcheck_per_host = 2
    assert run.code == 0 and len(run.records) == 8
    assert 1 <= site.most_active <= 2


def test_every_use_of_a_broken_link_is_reported_at_its_line(sweep):
    uses = {(r["filename"], r["lineno"]) for r in sweep.first.records if r["uri"].endswith("/missing/main")}
    expected = {(page.name, number) for page in sweep.src.glob("*.md")
                for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1)
                if "/missing/main" in line}
    assert len(expected) == 3 and uses == expected
    assert ("index.md", 8) in uses  # the second line of its paragraph, not where the paragraph starts


def test_github_annotations_mark_every_failing_use(sweep):
    run = sweep.first
    failing = [r for r in run.records if r["status"] in ("broken", "timeout")]
    assert len(run.annotations) == len(failing) > 0
    cwd = Path.cwd()
    for line in run.annotations:
        match = re.fullmatch(r"::error file=([^,]+),line=(\d+),title=link check::(broken|timeout) link (\S+)(: .+)?", line)
        assert match, line
        path = (cwd / match[1].replace("%3A", ":").replace("%2C", ",")).resolve()
        assert path.is_file() and path.parent == sweep.src.resolve()
        assert {"filename": path.name, "lineno": int(match[2]), "uri": match[4]}.items() <= \
            next(r for r in failing if r["uri"] == match[4] and r["lineno"] == int(match[2])).items()


def test_summary_and_text_output(sweep):
    out = sweep.first.out
    assert "link check: 19 links in 21 places (18 asked, 0 from the cache): 6 working, 1 redirected, " \
           "3 ignored, 8 broken, 1 timeout" in out
    assert "index.md:10: broken http://127.0.0.1" in out
    text = (sweep.builddir / "linkcheck" / "output.txt").read_text(encoding="utf-8")
    assert "usage.md:4: [broken]" in text and "[redirected 302]" in text


def test_second_run_asks_again_only_about_failures(sweep):
    worked = [end for end, status in EXPECTED.items() if status in ("working", "redirected")]
    failed = [end for end, status in EXPECTED.items() if status in ("broken", "timeout")]
    asked = sweep.second_asked
    for end in worked:
        path = urlsplit("http://h" + end.partition("#")[0]).path
        if end != EXPIRED:
            assert asked[path] == 0, end
    for end in failed:
        if end.startswith("/"):  # the malformed URL and the TLS one never reach the server's count
            if end != "/ok/tls":
                assert asked[urlsplit("http://h" + end).path] > 0, end
    assert asked[EXPIRED] > 0  # its entry had expired
    assert sweep.second.code == 1
    assert sweep.second.status("/ok/main")["status"] == "working"
    assert "working (cached)" in sweep.second.out


def test_cache_keeps_successes_only_with_jittered_expiry(sweep):
    data = json.loads((sweep.builddir / "linkcheck" / "cache.json").read_text(encoding="utf-8"))
    cached = {uri for uri in data["links"]}
    assert {uri for uri in cached if uri.endswith("/moved/main")}  # a redirect is a success too
    for end, status in EXPECTED.items():
        assert any(uri.endswith(end) for uri in cached) == (status in ("working", "redirected")), end
    for entry in data["links"].values():
        assert 3 * 0.8 * 86400 <= entry["expires"] - entry["checked"] <= 3 * 1.2 * 86400


# --- pull-request mode ----------------------------------------------------------------------------

# A test repository of its own, whatever git hook or checkout the suite runs in.
GIT_ENV = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false",
                    "-c", "init.defaultBranch=main", *args], cwd=repo, check=True, capture_output=True, env=GIT_ENV)


def test_since_checks_only_links_on_changed_lines(site, tmp_path):
    url = f"http://127.0.0.1:{site.port}"
    src = project(tmp_path / "repo", site, {
        "index.md": f"# Home\n\n[a]({url}/ok/pr-a) is fine.\n\n[b]({url}/missing/pr-b) is not.\n\nEnd.\n",
    })
    repo = src.parent
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "start")
    git(repo, "switch", "-q", "-c", "feature")
    index = src / "index.md"
    index.write_text(index.read_text().replace("/missing/pr-b", "/missing/pr-changed"))
    git(repo, "commit", "-q", "-am", "change b")
    # Meanwhile the base branch edits line 3; from the branch's point of view that is not its change.
    git(repo, "switch", "-q", "main")
    index.write_text(index.read_text().replace("/ok/pr-a", "/ok/pr-main-edit"))
    git(repo, "commit", "-q", "-am", "main moves on")
    git(repo, "switch", "-q", "feature")
    # Uncommitted work and a new file count too.
    index.write_text(index.read_text() + f"\nAnd [c]({url}/ok/pr-uncommitted).\n")
    (src / "new.md").write_text(f"---\norphan: true\n---\n# New\n\n[d]({url}/ok/pr-new)\n")

    site.reset()
    run = check(src, tmp_path / "_build", "--since", "main")
    asked = site.asked()
    assert {r["uri"].removeprefix(url) for r in run.records} == {
        "/missing/pr-changed", "/ok/pr-uncommitted", "/ok/pr-new"}
    assert asked["/ok/pr-a"] == asked["/ok/pr-main-edit"] == 0
    assert run.code == 1  # the changed link is broken
    assert run.status("/missing/pr-changed")["lineno"] == 5


def test_since_with_nothing_changed_checks_nothing_and_passes(site, tmp_path):
    src = project(tmp_path / "repo", site, {"index.md": f"# Home\n\n[a](http://127.0.0.1:{site.port}/missing/x)\n"})
    git(src.parent, "init", "-q")
    git(src.parent, "add", ".")
    git(src.parent, "commit", "-q", "-m", "start")
    run = check(src, tmp_path / "_build", "--since", "HEAD")
    assert run.code == 0 and run.records == []


@pytest.mark.parametrize("where", ["git", "nogit"])
def test_a_bad_since_is_one_line_and_exit_2(tmp_path, where):
    src = tmp_path / "docs"
    src.mkdir()
    (src / "index.md").write_text("# Home\n")
    if where == "git":
        git(tmp_path, "init", "-q")
    done = subprocess.run([sys.executable, str(SCRIPT), "--source", str(src), "--conf", str(REPO / "conf"),
                           "--builddir", str(tmp_path / "_build"), "--since", "no-such-ref"],
                          capture_output=True, text=True, cwd=tmp_path, env=GIT_ENV)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "no-such-ref" in done.stderr if where == "git" else "not in one" in done.stderr


# --- configuration mistakes, the deadline, the cache file -----------------------------------------

@pytest.mark.parametrize("conf, message", [
    ("handbook_linkcheck_exclude = [{'pattern': r'http://127\\.0\\.0\\.1/'}]", "has no 'reason'"),
    ("handbook_linkcheck_exclude = [{'pattern': '(', 'reason': 'x'}]", "not a valid regular expression"),
    ("linkcheck_ignore = [r'http://127\\.0\\.0\\.1/']", "each with a reason"),
    ("handbook_linkcheck_per_host = 0", "handbook_linkcheck_per_host must be at least 1"),
])
def test_configuration_mistakes_are_one_line_and_exit_2(site, tmp_path, conf, message):
    src = project(tmp_path, site, {"index.md": "# Home\n"}, conf=conf)
    run = check(src, tmp_path / "_build")
    assert run.code == 2
    assert "Traceback" not in run.err and len(run.err.strip().splitlines()) == 1
    assert message in run.err


def test_the_deadline_bounds_the_run(site, tmp_path):
    src = project(tmp_path, site, {"index.md": f"# Home\n\n[slow](http://127.0.0.1:{site.port}/hang/deadline)\n"},
                  conf="handbook_linkcheck_deadline = 1\nlinkcheck_timeout = 20")
    run = check(src, tmp_path / "_build")
    assert run.code == 1
    record = run.status("/hang/deadline")
    assert record["status"] == "timeout" and "handbook_linkcheck_deadline" in record["info"]


def test_a_corrupt_cache_is_ignored_with_a_warning(site, tmp_path):
    src = project(tmp_path, site, {"index.md": f"# Home\n\n[a](http://127.0.0.1:{site.port}/ok/corrupt)\n"})
    cache_file = tmp_path / "_build" / "linkcheck" / "cache.json"
    cache_file.parent.mkdir(parents=True)
    cache_file.write_text('{"version": 1, "links": {"http://x": ', encoding="utf-8")
    run = check(src, tmp_path / "_build")
    assert run.code == 0 and "ignoring the link-check cache" in run.err
    assert any(uri.endswith("/ok/corrupt") for uri in json.loads(cache_file.read_text())["links"])


def test_the_cache_goes_where_the_environment_says(site, tmp_path):
    src = project(tmp_path, site, {"index.md": f"# Home\n\n[a](http://127.0.0.1:{site.port}/ok/env-cache)\n"})
    elsewhere = tmp_path / "persisted" / "links.json"
    site.reset()
    assert check(src, tmp_path / "_build", env={"HANDBOOK_LINKCHECK_CACHE": str(elsewhere)}).code == 0
    assert elsewhere.is_file() and not (tmp_path / "_build" / "linkcheck" / "cache.json").exists()
    assert check(src, tmp_path / "_build2", env={"HANDBOOK_LINKCHECK_CACHE": str(elsewhere)}).code == 0
    assert site.asked()["/ok/env-cache"] == 1  # the second build found it in the shared cache


@pytest.fixture
def tls_site(tmp_path):
    # .ci/run installs openssl; without it this test fails rather than passing unseen.
    assert shutil.which("openssl"), "openssl is needed to make a self-signed certificate (apt-get install openssl)"
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
                   check=True, capture_output=True)
    server = Site()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    serve(server)
    yield server
    stop(server)


def test_an_invalid_certificate_is_a_broken_link(tls_site, tmp_path):
    src = project(tmp_path, tls_site, {"index.md": f"# Home\n\n[a](https://127.0.0.1:{tls_site.port}/ok/cert)\n"})
    run = check(src, tmp_path / "_build")
    record = run.status("/ok/cert")
    assert run.code == 1 and record["status"] == "broken" and "certificate verify failed" in record["info"]


# --- plain functions ------------------------------------------------------------------------------

def test_exclusions_need_a_pattern_and_a_reason():
    [exclusion] = parse_exclusions([{"pattern": r"https://intranet\.example/", "reason": "needs a login"}])
    assert exclusion.matches("https://intranet.example/page") and exclusion.reason == "needs a login"
    for bad in ([{"pattern": "x"}], [{"pattern": "x", "reason": "  "}], [{"reason": "r"}], ["x"],
                [{"pattern": "x", "reason": "r", "why": "?"}], {"pattern": "x"}):
        with pytest.raises(SettingsError):
            parse_exclusions(bad)


def test_diff_gives_changed_lines_of_new_files(tmp_path):
    diff = "\n".join([
        "diff --git a/docs/a.md b/docs/a.md",
        "--- a/docs/a.md", "+++ b/docs/a.md",
        "@@ -3 +3 @@", "-old", "+new",
        "@@ -10,0 +11,2 @@", "+one", "+two",
        "@@ -20,2 +21,0 @@", "-gone", "-gone",
        "diff --git a/docs/b.md b/docs/b.md",
        "--- a/docs/b.md", "+++ /dev/null",
        "@@ -1 +0,0 @@", "-all gone",
        '+++ "b/docs/caf\\303\\251.md"',
        "@@ -0,0 +1 @@", "+new",
    ])
    changes = parse_diff(diff, tmp_path)
    assert changes == {(tmp_path / "docs/a.md").resolve(): frozenset({3, 11, 12}),
                       (tmp_path / "docs/café.md").resolve(): frozenset({1})}


def test_each_use_gets_its_own_line():
    lines = ["Para [a](http://x/1) and", "[again](http://x/1) and [b](http://x/2)", "", "[c](http://x/1)"]
    found = [("http://x/1", 1), ("http://x/1", 1), ("http://x/2", 1), ("http://x/1", 4), ("http://y/", 3)]
    assert locate(lines, found) == [1, 2, 2, 4, 3]
    # A link made from front matter is found above the heading it is reported at.
    front = ["---", "discussion: https://forum.example/t/1", "---", "# RFC-0001: X", "", "Text."]
    assert locate(front, [("https://forum.example/t/1", 4)]) == [2]


def test_cache_expiry_spreads_within_the_jitter():
    rng = random.Random(4)
    ends = [expiry(1000.0, 100.0, 0.2, rng) for _ in range(200)]
    assert all(1080.0 <= end <= 1120.0 for end in ends) and len(set(ends)) == 200


def test_cache_remembers_successes_and_forgets_failures(tmp_path):
    cache = LinkCache(tmp_path / "c.json", max_age=100, jitter=0)
    cache.record("http://a", Result(WORKING), now=0)
    cache.record("http://b", Result(BROKEN, 404, "x"), now=0)
    cache.save(now=0)
    again = LinkCache(tmp_path / "c.json", max_age=100, jitter=0)
    assert again.load() is None
    assert again.get("http://a", now=50) == Result(WORKING) and again.get("http://b", now=50) is None
    assert again.get("http://a", now=101) is None  # expired
    again.record("http://a", Result(TIMEOUT), now=60)
    assert again.get("http://a", now=61) is None  # a failure is always asked again


def test_cache_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    path = tmp_path / "c.json"
    cache = LinkCache(path, max_age=100, jitter=0)
    cache.record("http://a", Result(WORKING), now=0)
    cache.save(now=0)
    before = path.read_text()

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the run is stopped while the new cache is being written

    cache.record("http://b", Result(WORKING), now=0)
    monkeypatch.setattr(cache_module.json, "dump", killed)
    with pytest.raises(KeyboardInterrupt):
        cache.save(now=0)
    assert path.read_text() == before and [p.name for p in tmp_path.iterdir()] == ["c.json"]


def test_annotations_escape_what_github_would_misread(tmp_path):
    occurrence = Occurrence("http://x/a,b", "p", "p,1.md", str(tmp_path / "p,1.md"), 3)
    line = annotation(occurrence, Result(BROKEN, 0, "50% done\nthen failed"), str(tmp_path))
    assert line == "::error file=p%2C1.md,line=3,title=link check::broken link http://x/a,b: 50%25 done%0Athen failed"


# --- misbehaving servers and writers (each of these failed before the checker was Sphinx's) ----------

@pytest.mark.parametrize("retry_after", ["0", "-3", "Wed, 21 Oct 2015 07:28:10 GMT"])
def test_a_429_asking_for_no_wait_gets_a_pause_and_an_end(site, tmp_path, retry_after):
    path = f"/always429/{quote(retry_after)}"
    src = project(tmp_path, site, {"index.md": f"# Home\n\n[busy](http://127.0.0.1:{site.port}{path})\n"})
    site.reset()
    run = check(src, tmp_path / "_build")
    record = run.status(path)
    assert run.code == 1 and record["status"] == "broken" and record["code"] == 429
    assert f"rate limited (HTTP 429) {RATE_LIMIT_ATTEMPTS} times" in record["info"]
    times = site.times[path]
    assert len(times) == RATE_LIMIT_ATTEMPTS  # not thousands: the attempts per link are capped
    assert all(later - earlier >= MIN_RATE_LIMIT_PAUSE * 0.9 for earlier, later in zip(times, times[1:], strict=False))


def test_a_429_asking_for_too_long_a_wait_is_broken_at_once(site, tmp_path):
    src = project(tmp_path, site, {"index.md": f"# Home\n\n[busy](http://127.0.0.1:{site.port}/always429/100000)\n"})
    site.reset()
    run = check(src, tmp_path / "_build")
    record = run.status("/always429/100000")
    assert record["status"] == "broken" and record["code"] == 429 and "linkcheck_rate_limit_timeout" in record["info"]
    assert site.asked()["/always429/100000"] == 1


def test_a_redirect_to_an_excluded_url_is_not_followed_and_says_why(site, tmp_path):
    src = project(tmp_path, site, {"index.md": f"# Home\n\n[a](http://127.0.0.1:{site.port}/toexcluded/r)\n"})
    site.reset()
    run = check(src, tmp_path / "_build")
    record = run.status("/toexcluded/r")
    assert run.code == 0 and record["status"] == "ignored" and record["code"] == 302
    assert record["info"] == (f"redirects to http://127.0.0.1:{site.port}/excluded/r, which is excluded: "
                              "an example of an exclusion, never requested")
    assert site.asked()["/excluded/r"] == 0


def test_a_server_that_drips_is_cut_off_at_linkcheck_timeout(site, tmp_path):
    url = f"http://127.0.0.1:{site.port}"
    src = project(tmp_path, site, {"index.md": f"# Home\n\n- [body]({url}/drip/page#present)\n"
                                               f"- [head]({url}/driphead/x)\n"},
                  conf="linkcheck_timeout = 2\nhandbook_linkcheck_deadline = 120")
    site.reset()
    run = check(src, tmp_path / "_build")
    body, head = run.status("/drip/page#present"), run.status("/driphead/x")
    assert body["status"] == head["status"] == "timeout" and run.code == 1
    # Each says what happened to it, and neither is the whole run's time limit.
    assert "still arriving after 2 s" in body["info"] and "reading included" in body["info"]
    assert head["info"].startswith("no answer within 2 s")
    assert "handbook_linkcheck_deadline" not in body["info"] + head["info"]
    # The client hung up: neither answer was sent to its end (each would take over 30 s).
    assert site.finished == {"/drip/page": False, "/driphead/x": False}
    assert site.asked()["/driphead/x"] == 1  # and once the time is up, GET is not tried after HEAD


REWRITTEN = [  # (the link as a writer types it, a path the server answers 200 for)
    ("[café](http://127.0.0.1:PORT/ok/café)", "/ok/caf%C3%A9"),
    ("[amp](http://127.0.0.1:PORT/ok/amp?a=1&amp;b=2)", "/ok/amp"),
    ("[spaced](<http://127.0.0.1:PORT/ok/with space>)", "/ok/with%20space"),
    ("[escaped](http://127.0.0.1:PORT/ok/a\\_b)", "/ok/a_b"),
    ("<http://127.0.0.1:PORT/ok/auto&amp;link>", "/ok/auto&amp;link"),
]


def rewritten_page(links: list[str]) -> str:
    """Each link on a continuation line of its paragraph or list item, where MyST puts no line."""
    lines = ["# Home", ""]
    for number, link in enumerate(links):
        lines += [f"Paragraph {number} starts here", f"and goes on with {link} on its second line.", ""]
    lines += ["- a list item", "  continued with [cont](http://127.0.0.1:PORT/ok/continued)", ""]
    return "\n".join(lines)


def test_every_link_is_reported_at_its_own_line_however_myst_rewrites_it(site, tmp_path):
    links = [link for link, _ in REWRITTEN]
    src = project(tmp_path, site, {"index.md": rewritten_page(links)})
    run = check(src, tmp_path / "_build")
    assert run.code == 0 and len(run.records) == len(REWRITTEN) + 1
    lines = (src / "index.md").read_text(encoding="utf-8").splitlines()
    for link, path in [*REWRITTEN, ("[cont](http://127.0.0.1:PORT/ok/continued)", "/ok/continued")]:
        [record] = [r for r in run.records if urlsplit(r["uri"]).path == path]
        as_written = link.replace("PORT", str(site.port))
        assert as_written in lines[record["lineno"] - 1], (link, record)


def test_since_finds_links_myst_rewrites_on_the_lines_that_changed(site, tmp_path):
    src = project(tmp_path / "repo", site, {"index.md": rewritten_page(["[old](http://127.0.0.1:PORT/ok/old)"]
                                                                       * len(REWRITTEN))})
    repo = src.parent
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "start")
    (src / "index.md").write_text(rewritten_page([link for link, _ in REWRITTEN]).replace(
        "PORT", str(site.port)).replace("/ok/continued", "/ok/continued"), encoding="utf-8")
    site.reset()
    run = check(src, tmp_path / "_build", "--since", "HEAD")
    assert run.code == 0
    # Only the changed lines (every link but the list item's, which did not change) were checked.
    assert len(run.records) == len(REWRITTEN) and not any(r["uri"].endswith("/ok/continued") for r in run.records)
    assert {r["lineno"] for r in run.records} == {4 + 3 * n for n in range(len(REWRITTEN))}


@pytest.mark.parametrize("spoil", ["nested", "folder", "infinity"])
def test_a_cache_that_is_not_ours_is_ignored_with_one_warning(site, tmp_path, spoil):
    uri = f"http://127.0.0.1:{site.port}/ok/spoilt-{spoil}"
    src = project(tmp_path, site, {"index.md": f"# Home\n\n[a]({uri})\n"})
    cache_file = tmp_path / "_build" / "linkcheck" / "cache.json"
    cache_file.parent.mkdir(parents=True)
    if spoil == "nested":
        cache_file.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    elif spoil == "folder":
        cache_file.mkdir()
    else:
        cache_file.write_text(f'{{"version": 1, "links": {{"{uri}": {{"status": "working", "code": 0, "info": "", '
                              f'"checked": 0, "expires": Infinity}}}}}}', encoding="utf-8")
    site.reset()
    run = check(src, tmp_path / "_build")
    assert run.code == 0 and "Traceback" not in run.out + run.err
    assert site.asked()[urlsplit(uri).path] == 1  # nothing in it was trusted
    warnings = [line for line in run.err.splitlines() if "link-check cache" in line]
    assert len(warnings) == 1 and "ignoring the link-check cache" in warnings[0]
    if spoil == "folder":
        assert cache_file.is_dir() and not list(cache_file.iterdir())  # left alone
    else:
        assert json.loads(cache_file.read_text(encoding="utf-8"))["links"][uri]["expires"] < time.time() * 2


def test_offline_says_once_that_there_is_no_network(site, tmp_path, monkeypatch):
    real = socket.getaddrinfo

    def offline(host, *args, **kwargs):  # what a machine without network says for any name
        if host in ("127.0.0.1", "localhost"):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    pages = "".join(f"- [{n}](https://host{n}.example.org/page)\n" for n in range(4))
    src = project(tmp_path, site, {"index.md": f"# Home\n\n{pages}"})
    run = check(src, tmp_path / "_build", github=True)
    assert run.code == 2 and len(run.records) == 4  # the check could not run, as for a bad setting
    assert all(r["status"] == "broken" and r["info"].startswith("host name not found") for r in run.records)
    assert all("Temporary failure in name resolution" in r["info"] for r in run.records)  # no real lookup was made
    assert run.out.count("seems to have no network") == 1
    assert run.annotations == []  # the pages are not to blame


def test_places_are_shown_from_where_the_user_stands(site, tmp_path):
    project(tmp_path, site, {"index.md": f"# Home\n\n[a](http://127.0.0.1:{site.port}/missing/cwd)\n"})
    env = {**GIT_ENV, "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1", "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    done = subprocess.run([sys.executable, str(SCRIPT), "--source", "src", "--conf", "src", "--builddir", "_build"],
                          capture_output=True, text=True, cwd=tmp_path, env=env)
    assert done.returncode == 1, done.stderr
    assert "\n  src/index.md:3: broken http://127.0.0.1" in done.stdout
    assert (tmp_path / "src" / "index.md").is_file()  # so the place printed opens from here


FORGED = ["::error file=forged.md,line=1::forged", "::stop-commands::forged-token", "##[error]forged"]


def test_no_text_of_a_page_reaches_the_output_as_a_workflow_command(site, tmp_path):
    # docutils echoes the source of a directive it cannot run, which Sphinx prints as a warning.
    echoed = "\n".join(f"   {line}" for line in FORGED)
    page = (f"# Home\n\n[gone](http://127.0.0.1:{site.port}/missing/forge)\n\n"
            f"```{{eval-rst}}\n.. no-such-directive::\n\n{echoed}\n```\n")
    src = project(tmp_path, site, {"index.md": page})
    run = check(src, tmp_path / "_build", github=True)
    output = run.out + run.err
    assert all(line in output for line in FORGED)  # the text did reach the output ...
    commands = [line for line in re.split(r"\r\n|\r|\n", output) if line.lstrip().startswith(("::", "##["))]
    assert commands == run.annotations and len(commands) == 1  # ... but only the handbook's own annotation is one
    assert commands[0].startswith("::error file=") and ",title=link check::broken link" in commands[0]


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(st.lists(st.text(alphabet=" \t\r\n:#[]ae\u2003\u00a0", max_size=12), max_size=12))
def test_the_safe_stream_marks_every_command_line_and_changes_nothing_else(pieces):
    out = io.StringIO()
    stream = CommandSafeStream(out)
    for piece in pieces:
        stream.write(piece)
    written = out.getvalue()
    assert written.replace(MARK, "") == "".join(pieces)
    assert not any(line.lstrip().startswith(("::", "##[")) for line in re.split(r"\r\n|\r|\n", written))


def test_sphinx_still_has_what_the_checker_relies_on():
    for cls, names in UPSTREAM.items():
        source = inspect.getsource(cls)
        for name in names:
            assert hasattr(cls, name) or f"self.{name}" in source, (
                f"Sphinx's {cls.__name__} no longer has {name!r}, which conf/handbook/linkcheck/checker.py "
                f"relies on: adapt the handbook's checker to this Sphinx version")
    signatures = {HyperlinkAvailabilityCheckWorker._check_uri: ["self", "uri", "hyperlink"],
                  HyperlinkAvailabilityCheckWorker._check: ["self", "docname", "uri", "hyperlink"],
                  HyperlinkAvailabilityCheckWorker.limit_rate: ["self", "response_url", "retry_after"],
                  HyperlinkAvailabilityCheckWorker.__init__: ["self", "config", "rqueue", "wqueue", "rate_limits"]}
    for function, parameters in signatures.items():
        assert list(inspect.signature(function).parameters) == parameters, (
            f"Sphinx's {function.__qualname__} takes other arguments now; the handbook's checker calls it "
            f"with {parameters}")
    worker_source = inspect.getsource(HyperlinkAvailabilityCheckWorker._check_uri)
    for needed in ("contains_anchor", "limit_rate", "ignored redirect: ", "_retrieval_methods"):
        assert needed in worker_source, f"Sphinx's _check_uri no longer uses {needed!r}; see checker.py"
    assert "iter_content" in inspect.getsource(linkcheck_module.contains_anchor), (
        "Sphinx no longer reads a page with iter_content; session.py bounds that reading")
    assert hasattr(SphinxSession, "get_redirect_target") and "_ignored_redirects" in inspect.getsource(SphinxSession)


def _myst_hrefs(text: str) -> list[str]:
    """The URLs MyST's own parser makes of a page: what the doctree, and so the checker, sees."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    tokens = create_md_parser(MdParserConfig(), RendererHTML).parse(text)
    return [child.attrGet("href") for token in tokens for child in token.children or () if child.type == "link_open"]


# Pieces of a URL path as a writer may type them: ASCII, non-ASCII, an entity, an escape, a %-escape.
URL_PIECE = st.sampled_from(["a", "Z", "0", "-", "é", "ü", "日本", "&amp;", "&", "&#233;", "&quot;", "\\_", "\\*",
                             "%7E", "%C3%A9", "%", "=", "?", "(x)", " "])


@hypothesis.settings(max_examples=200, deadline=None)
@hypothesis.given(path=st.lists(URL_PIECE, min_size=1, max_size=8).map("".join),
                  form=st.sampled_from(["inline", "angle", "angle-space", "auto"]),
                  host=st.sampled_from(["example.org", "bücher.example", "例え.jp"]),
                  before=st.integers(0, 3))
def test_a_link_is_found_at_its_line_however_it_is_spelt(path, form, host, before):
    url = f"https://{host}/{path}"
    link = {"inline": f"[x]({url})", "angle": f"[x](<{url}>)", "angle-space": f"[x](<{url} y>)",
            "auto": f"<{url}>"}[form]
    lines = ["# Page", "", *[f"Words on line {n}" for n in range(before)], f"then {link} here.", "end", ""]
    hrefs = _myst_hrefs("\n".join(lines))
    hypothesis.assume(len(hrefs) == 1 and hrefs[0].startswith("http"))  # MyST made a link of it
    # The doctree places the link where its paragraph starts, line 3.
    assert link_lines(lines, [(hrefs[0], 3)]) == [3 + before]


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=20)
ENTRY = st.fixed_dictionaries({"status": st.sampled_from(["working", "redirected", "broken", 1]),
                               "code": st.integers(0, 600) | st.none(), "info": st.text(max_size=5),
                               "checked": st.floats() | st.integers(), "expires": st.floats() | st.integers()})


@hypothesis.settings(max_examples=100, deadline=None, suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
@hypothesis.given(data=st.one_of(
    JSON.map(json.dumps),
    st.dictionaries(st.text(max_size=10), ENTRY, max_size=3).map(lambda links: json.dumps({"version": 1, "links": links})),
    st.text(max_size=40)))
def test_whatever_is_in_the_cache_file_it_is_trusted_only_as_written(tmp_path, data):
    path = tmp_path / "cache.json"
    path.write_text(data, encoding="utf-8")
    now, max_age, jitter = 1_000_000.0, 100.0, 0.2
    cache = LinkCache(path, max_age=max_age, jitter=jitter)
    problem = cache.load(now=now)  # never raises
    assert problem is None or problem.startswith("ignoring the link-check cache")
    for uri, entry in cache.entries.items():
        assert cache.get(uri, now) is None or now < entry["expires"] <= now + max_age * (1 + jitter)
    assert cache.save(now) is None


def test_conf_py_sets_no_link_check_value_to_its_default():
    """Each default lives where the value is declared (Sphinx's setup, or setup_linkcheck)."""
    import ast

    from handbook.linkcheck import setup_linkcheck

    class Recorder:
        defaults: dict[str, object] = {}

        def add_config_value(self, name, default, *args, **kwargs):
            self.defaults[name] = default

        def __getattr__(self, name):  # add_builder, connect, add_event ...: not what this test is about
            return lambda *args, **kwargs: None

    recorder = Recorder()
    linkcheck_module.setup(recorder)
    setup_linkcheck(recorder)
    tree = ast.parse((REPO / "conf" / "conf.py").read_text(encoding="utf-8"))
    restated = []
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        name = getattr(target, "id", "")
        if name in recorder.defaults and "linkcheck" in name and node.value is not None:
            value = eval(compile(ast.Expression(node.value), "conf.py", "eval"), {"__builtins__": {}})  # 5 * 1024
            if value == recorder.defaults[name] and value != []:  # [] is where exclusions are written
                restated.append(name)
    assert set(recorder.defaults) >= {"linkcheck_timeout", "handbook_linkcheck_per_host"}
    assert restated == [], f"conf/conf.py restates the default of {restated}"
