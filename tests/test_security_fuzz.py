"""The gate against Chromium: pages generated from a grammar of tags, attributes, URL schemes,
encodings and MyST directives are built, and whatever Chromium runs or fetches from another origin
must have been reported by the gate, at the generated fragment's lines.

Each generated page is built by Sphinx with the handbook's configuration and the gate on, served
from 127.0.0.1, and loaded in Chromium with the Content-Security-Policy bypassed (the gate is
what is under test; the policy is tested in test_security_browser.py). Every dialog and every
request for another origin is recorded (the proxy refuses them all); then every link, button and
form whose target Chromium itself reads as a ``javascript:`` URL is clicked. Payloads name their
fragment: ``alert(N)``, or a host ``oN.test``.

`make test` runs a bounded number of pages (HANDBOOK_FUZZ_EXAMPLES, default 6); the weekly job
runs many more.
"""

from __future__ import annotations

import functools
import html
import os
import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from conftest import write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp
from test_browser import SiteHandler, isolated_chromium, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEFAULT_EXAMPLES = 6  # in `make test`; the weekly job sets HANDBOOK_FUZZ_EXAMPLES
EXAMPLES = int(os.environ.get("HANDBOOK_FUZZ_EXAMPLES", DEFAULT_EXAMPLES))
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082")
HOST = re.compile(r"^https?://o(\d+)\.test")


# --- the grammar -------------------------------------------------------------------------------

def urls(n: int) -> st.SearchStrategy[str]:
    """A URL for fragment n: something that runs, something foreign, or something harmless."""
    return st.sampled_from([
        f"javascript:alert({n})",
        f"JavaScript:alert({n})",
        f"vbscript:alert({n})",
        f"data:text/html,<script>alert({n})</script>",
        f"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='alert({n})'/>",
        "data:image/png;base64," + __import__("base64").b64encode(PNG).decode(),
        f"http://o{n}.test/x.png",
        f"//o{n}.test/x.css",
        f"https://o{n}.test/x.js",
        "pic.png",
        "#top",
    ])


def encoded(url: str) -> st.SearchStrategy[str]:
    """The URL written in an HTML attribute as a browser still reads it."""
    scheme, colon, rest = url.partition(":")
    if not colon or url.startswith("//") or url.startswith("data:image/png"):
        return st.just(html.escape(url, quote=True))
    first = scheme[0]
    return st.sampled_from([
        html.escape(url, quote=True),
        f"&#{ord(first)};{html.escape(scheme[1:] + ':' + rest, quote=True)}",
        f"&#x{ord(first):x};{html.escape(scheme[1:] + ':' + rest, quote=True)}",
        f"{html.escape(scheme)}&colon;{html.escape(rest, quote=True)}",
        f"{scheme[:2]}&#9;{scheme[2:]}:{html.escape(rest, quote=True)}",
        f"{scheme[:3]}&#10;{scheme[3:]}:{html.escape(rest, quote=True)}",
        f" &#1;{html.escape(url, quote=True)}",
        html.escape(url.upper() if scheme.lower() == "javascript" else url, quote=True).replace("ALERT", "alert"),
    ])


HANDLERS = ["onerror", "onload", "onfocus", "ontoggle", "onclick", "onbegin"]


@st.composite
def raw_fragment(draw, n: int) -> str:
    url = draw(urls(n).flatmap(encoded))
    handler = draw(st.sampled_from(HANDLERS))
    code = f"alert({n})"
    templates = [
        f'<a href="{url}">link {n}</a>',
        f'<img src="{url}" alt="">',
        f'<img src="missing{n}.png" alt="" {handler}="{code}">',
        f'<img srcset="{url} 1x" alt="">',
        f'<iframe src="{url}"></iframe>',
        f'<iframe srcdoc="{html.escape(draw(inner(n)), quote=True)}"></iframe>',
        f'<svg width="40" height="20"><a xlink:href="{url}"><text y="15">s{n}</text></a></svg>',
        f'<svg width="40" height="20"><a href="{url}"><text y="15">s{n}</text></a></svg>',
        f'<svg width="40" height="20"><a><animate attributeName="href" values="{url}" dur="1ms" fill="freeze"/>'
        f'<text y="15">a{n}</text></a></svg>',
        f'<svg width="40" height="20"><a><set attributeName="href" to="{url}"/><text y="15">t{n}</text></a></svg>',
        f'<svg><image href="{url}" width="1" height="1"/></svg>',
        f'<object data="{url}"></object>',
        f'<embed src="{url}">',
        f'<base href="http://o{n}.test/">',
        f'<meta http-equiv="refresh" content="0; url={url}">',
        f'<div style="background-image: url(\'{url}\')">d{n}</div>',
        f'<style>.f{n} {{ background: url("{url}") }}</style><p class="f{n}">f{n}</p>',
        f'<style>@import "{url}";</style>',
        f'<noscript><p title="</noscript><img src=x {handler}={code}>"></noscript>',
        f'<form action="{url}"><button>go {n}</button></form>',
        f'<form><button formaction="{url}">go {n}</button></form>',
        f'<video poster="{url}"></video>',
        f'<audio src="{url}"></audio>',
        f'<link rel="stylesheet" href="{url}">',
        f'<script src="{url}"></script>',
        f'<script>{code}</script>',
        f'<details open {handler}="{code}">d{n}</details>',
        f'<input autofocus {handler}="{code}">',
        f'<svg {handler}="{code}"></svg>',
        f'<p>plain text {n} about onclick and javascript: URLs</p>',
    ]
    return draw(st.sampled_from(templates))


@st.composite
def inner(draw, n: int) -> str:
    """What goes into a srcdoc: a small document of its own."""
    url = draw(urls(n))
    return draw(st.sampled_from([f"<script>alert({n})</script>", f'<img src=x onerror="alert({n})">',
                                 f'<img src="{html.escape(url, quote=True)}">', f"<p>quiet {n}</p>"]))


@st.composite
def fragment(draw, n: int) -> str:
    """One fragment of a page, as a writer would put it there: raw HTML or a MyST directive."""
    kind = draw(st.sampled_from(["html", "html", "raw", "button", "card", "image", "rst"]))
    plain = draw(urls(n))
    if kind == "html":
        return draw(raw_fragment(n))
    if kind == "raw":
        return f"```{{raw}} html\n{draw(raw_fragment(n))}\n```"
    if kind == "button":
        return f"```{{button-link}} {plain}\nbutton {n}\n```"
    if kind == "card":
        return f"````{{card}} Card {n}\n:link: {plain}\n\nbody {n}\n````"
    if kind == "image":
        return f"```{{image}} pic.png\n:target: {plain}\n```"
    return f"```{{eval-rst}}\n`rst {n} <{plain}>`_\n```"


@st.composite
def pages(draw) -> tuple[str, dict[int, range]]:
    """A page of fragments 1..k; returns its text and the lines each fragment stands on."""
    count = draw(st.integers(1, 5))
    lines: list[str] = []
    where: dict[int, range] = {}
    if draw(st.booleans()):
        url = draw(urls(0))
        lines += ["---", "myst:", "  html_meta:", f'    "http-equiv=refresh": "0; url={url}"', "---"]
        where[0] = range(1, 6)
    lines += ["# Fuzzed page", ""]
    for n in range(1, count + 1):
        text = draw(fragment(n))
        start = len(lines) + 1
        lines += text.split("\n") + [""]
        where[n] = range(start, start + text.count("\n") + 1)
    return "\n".join(lines), where


# --- the oracle --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chromium() -> Iterator:
    with isolated_chromium() as browser:
        yield browser


CLICK_SCRIPT_TARGETS = """() => {
  const runs = v => { try { return new URL(v, location.href).protocol === 'javascript:'; } catch (e) { return false; } };
  const found = [];
  for (const el of document.querySelectorAll('a, area, button, form, [onclick]')) {
    const target = el instanceof SVGAElement ? el.href.animVal : (el.getAttribute('href') !== null ? el.href
                   : el.formAction !== undefined && el.tagName === 'BUTTON' ? el.formAction
                   : el.tagName === 'FORM' ? el.action : '');
    if ((target && runs(target)) || el.hasAttribute('onclick')) found.push(el);
  }
  for (const el of found) {
    if (el.tagName === 'FORM') { try { el.requestSubmit(); } catch (e) {} }
    else el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window}));
  }
  return found.length;
}"""


def what_chromium_did(browser, root: Path) -> tuple[set[int], set[int]]:
    """(fragments whose script ran, fragments that made Chromium fetch from another origin)."""
    ran: set[int] = set()
    fetched: set[int] = set()
    with serving(functools.partial(SiteHandler, directory=str(root))) as url:
        context = browser.new_context(base_url=url, bypass_csp=True)
        page = context.new_page()

        def on_dialog(dialog) -> None:
            if dialog.message.strip().isdigit():
                ran.add(int(dialog.message.strip()))
            dialog.dismiss()

        def on_request(request) -> None:
            match = HOST.match(request.url)
            if match and phase == ["load"]:
                fetched.add(int(match.group(1)))

        phase = ["load"]
        context.on("request", on_request)
        page.on("dialog", on_dialog)
        try:
            page.goto("index.html", wait_until="load", timeout=15_000)
            page.wait_for_timeout(400)  # refreshes of 0 s, animations of 1 ms, frames loading
            phase[0] = "click"
            if page.url.startswith(url):
                page.evaluate(CLICK_SCRIPT_TARGETS)
                page.wait_for_timeout(200)
        except Exception:  # a page that navigated away mid-way: what it did is recorded already
            pass
        finally:
            context.close()
    return ran, fetched


def build(tmp_path: Path, text: str) -> tuple[Path, str]:
    src = write_tree(tmp_path / "src", {"index.md": text})
    (src / "pic.png").write_bytes(PNG)
    warnings = StringIO()
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "_build", warning=warnings, freshenv=True,
                        confoverrides={"handbook_check_output": True})
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir), re.sub(r"\x1b\[[0-9;]*m", "", warnings.getvalue())


def reported_lines(warnings: str) -> tuple[set[int], bool]:
    """Lines of index.md the gate reported, and whether it reported one without a line."""
    found = re.findall(r"index\.md(?::(\d+))?: WARNING: .*\[handbook\.(?:active-content|third-party)\]", warnings)
    return {int(line) for line in found if line}, any(not line for line in found)


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(page=pages())
def test_whatever_chromium_runs_or_fetches_the_gate_reported(chromium, tmp_path_factory, page):
    text, where = page
    tmp_path = tmp_path_factory.mktemp("fuzz")
    outdir, warnings = build(tmp_path, text)
    assert "Traceback" not in warnings and "Exception occurred" not in warnings, warnings
    ran, fetched = what_chromium_did(chromium, outdir)
    if os.environ.get("FUZZ_DEBUG"):
        print("RAN", sorted(ran), "FETCHED", sorted(fetched), "WHERE", where, "LINES", reported_lines(warnings))
    lines, _ = reported_lines(warnings)
    missed = [n for n in sorted(ran | fetched) if not lines & set(where.get(n, ()))]
    assert not missed, (f"Chromium ran {sorted(ran)} and fetched for {sorted(fetched)}, but the gate did not "
                        f"report fragments {missed}:\n{text}\n--- gate:\n{warnings}")


CONTROL = """\
---
myst:
  html_meta:
    "http-equiv=refresh": "1; url=http://o9.test/"
---
# Control

<img src="missing.png" alt="" onerror="alert(1)">

<img src="http://o2.test/x.png" alt="">

<a href="java&#9;script:alert(3)">three</a>

<svg width="40" height="20"><a><animate attributeName="href" values="javascript:alert(4)" dur="1ms" fill="freeze"/>
<text y="15">four</text></a></svg>

<iframe srcdoc="&lt;script&gt;alert(5)&lt;/script&gt;"></iframe>

<div style="background-image: url('//o6.test/bg.png')">six</div>

```{button-link} javascript:alert(7)
seven
```
"""


def test_the_oracle_sees_what_runs_and_what_is_fetched(chromium, tmp_path):
    """Without this, a blind oracle would let every fuzzed page pass."""
    outdir, warnings = build(tmp_path, CONTROL)
    ran, fetched = what_chromium_did(chromium, outdir)
    assert {1, 3, 5, 7} <= ran, ran
    assert {2, 6} <= fetched, fetched
    lines, _ = reported_lines(warnings)
    text = CONTROL.split("\n")
    assert lines == {number for number, line in enumerate(text, 1) if re.search(r"alert\(|o\d\.test", line)}, warnings


def test_the_weekly_job_runs_a_larger_budget():
    import yaml

    path = Path(__file__).parent.parent / ".github" / "workflows" / "security-weekly.yml"
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    job = workflow["jobs"]["fuzz"]
    assert "schedule" in triggers
    assert int(job["env"]["HANDBOOK_FUZZ_EXAMPLES"]) >= 10 * DEFAULT_EXAMPLES
    assert any("make test" in step.get("run", "") and "tests/test_security_fuzz.py" in step["run"]
               for step in job["steps"])
