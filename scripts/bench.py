#!/usr/bin/env python3
"""`make bench`: how fast the handbook builds as it grows, next to stock Sphinx + MyST + Furo.

For each size (100, 400 and 1000 pages unless ``--pages`` says otherwise) this writes a synthetic
handbook (nested sections, decision records with front matter and status boxes, an ADR index,
cross-links, code blocks, tables, a hidden toctree and an orphan page) and builds it, each build a
``sphinx-build`` subprocess with the same installed packages:

- stock: myst_parser + furo + sphinx_design + sphinx_copybutton with the handbook's other settings,
  but not the handbook's extension. The handbook-only directives (``{adr-status}``,
  ``{adr-index}``) are left out of the stock tree, which is otherwise the same;
- handbook: ``conf/`` as ``make html`` uses it, then a one-page edit rebuilt end to end.

Then, on a handbook with 400 decision records, it times edits on the reused build folder: an
ordinary page's body, one record's body (at most 1.5x the page edit, writing that record alone),
and a navigation change (no more than writing every page); see ``bench_incremental``.

Every page's navigation (Furo's ``.sidebar-tree``) must be the same in both builds, or the bench
fails. It also times ``make pdf`` on the real handbook when the Makefile has that target, and with
``--pdf-pages`` the whole PDF of realistic trees beside stock Sphinx's ``latexpdf``. Results go to
the terminal and to ``<builddir>/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CONF = REPO / "conf"
DEFAULT_SIZES = (100, 400, 1000)
QUICK_SIZES = (40,)
PAGES_PER_TOPIC = 7
SECTIONS = ("engineering", "operations", "product", "people")
PACKAGES = ("sphinx", "myst-parser", "furo", "sphinx-design", "sphinx-copybutton", "docutils",
            "beautifulsoup4", "pygments")
# Added to one page's body text (never its title) for the one-page-edit timing.
EDIT_MARK = "Edited for the incremental benchmark."

# --- the synthetic handbook ----------------------------------------------------------------------


@dataclass
class Page:
    path: str  # relative to the source folder, with .md
    title: str
    children: list[str] = field(default_factory=list)  # toctree entries, relative docnames
    hidden: bool = False  # its toctree is :hidden: (the page links to its children by hand)
    glob: str = ""  # a :glob: toctree pattern instead of children


def _relative_link(source: str, target: str) -> str:
    return os.path.relpath(target, os.path.dirname(source) or ".").replace(os.sep, "/")


def _layout(pages: int) -> tuple[list[Page], int]:
    """The tree's pages (without bodies) and the number of ADRs; about `pages` pages in all."""
    adrs = max(3, pages // 8)
    layout = [
        Page("index.md", "Synthetic Handbook", children=[f"{name}/index" for name in SECTIONS]),
        Page("about.md", "About this handbook"),
        Page("orphan.md", "A page in no toctree"),
        Page("engineering/adr/index.md", "Architecture Decision Records", glob="0*", hidden=True),
    ]
    sections = {name: Page(f"{name}/index.md", f"{name.capitalize()}") for name in SECTIONS}
    sections["engineering"].children.append("adr/index")
    layout += sections.values()
    budget = max(0, pages - len(layout) - adrs)
    topic = 0
    while budget > 0:
        section = sections[SECTIONS[topic % len(SECTIONS)]]
        folder = f"{section.path.rsplit('/', 1)[0]}/topic-{topic:03d}"
        index = Page(f"{folder}/index.md", f"Topic {topic}: {_words(topic, 3).capitalize()}",
                     hidden=topic % 3 == 2)
        section.children.append(f"topic-{topic:03d}/index")
        layout.append(index)
        budget -= 1
        nested = topic % 4 == 1 and budget > PAGES_PER_TOPIC
        for number in range(min(PAGES_PER_TOPIC, budget)):
            if nested and number == PAGES_PER_TOPIC // 2:  # a third level: topic/sub/index -> pages
                sub = Page(f"{folder}/sub/index.md", f"Topic {topic} in depth")
                index.children.append("sub/index")
                layout.append(sub)
                budget -= 1
                for leaf in range(min(3, budget)):
                    layout.append(Page(f"{folder}/sub/detail-{leaf}.md", f"Detail {topic}.{leaf}"))
                    sub.children.append(f"detail-{leaf}")
                    budget -= 1
                continue
            if budget <= 0:
                break
            layout.append(Page(f"{folder}/page-{number}.md", f"{_words(topic * 10 + number, 4).capitalize()}"))
            index.children.append(f"page-{number}")
            budget -= 1
        topic += 1
    return layout, adrs


WORDS = ("queue", "deploy", "backup", "review", "cache", "schema", "alert", "budget", "design",
         "index", "runner", "secret", "tenant", "gateway", "release", "storage", "metric", "policy")


def _words(seed: int, count: int) -> str:
    return " ".join(WORDS[(seed * 7 + i * 5) % len(WORDS)] for i in range(count))


def _toctree(page: Page) -> str:
    options = ":maxdepth: 2\n" + (":hidden:\n" if page.hidden else "")
    if page.glob:
        return f"```{{toctree}}\n{options}:glob:\n\n{page.glob}\n```\n"
    if not page.children:
        return ""
    return f"```{{toctree}}\n{options}\n" + "\n".join(page.children) + "\n```\n"


def _body(page: Page, number: int, everyone: list[Page]) -> str:
    other = everyone[(number * 7 + 3) % len(everyone)]
    another = everyone[(number * 13 + 5) % len(everyone)]
    links = (f"See [{other.title}]({_relative_link(page.path, other.path)}) and "
             f"[{another.title}]({_relative_link(page.path, another.path)}#overview).")
    rows = "\n".join(f"| `{_words(number + row, 1)}` | {row * 10} | {_words(number * 3 + row, 5)} |"
                     for row in range(5))
    design = ""
    if number % 5 == 0:
        design = textwrap.dedent("""
            ::::{tab-set}
            :::{tab-item} Linux
            Run the script from the repository root.
            :::
            :::{tab-item} macOS
            Install GNU make first, then run the script.
            :::
            ::::
            """)
    elif number % 7 == 0:
        design = "\n:::{dropdown} Why it works this way\nBecause the simplest thing that works was enough.\n:::\n"
    # Written indented to read as part of this function; the indent is taken off below.
    return (f"""
        ## Overview

        This page describes how we {_words(number, 3)} in practice. {links}
        It is kept short on purpose: a page that fits on a screen gets read and kept up to date.
        Use `make html` to see the change, and `make check` before asking for review.

        ## Steps

        1. Read the {_words(number + 1, 2)} notes first.
        2. Run the command:

           ```console
           $ make html SOURCEDIR=docs BUILDDIR=/tmp/out
           ```

        3. Check the result with the team that owns the {_words(number + 2, 1)}.

        ## Reference

        | Option | Default | Meaning |
        |---|---|---|
        {rows}

        ```python
        def {_words(number, 1)}_{number}(items: list[str]) -> dict[str, int]:
            \"\"\"Count each item: {_words(number + 4, 3)}.\"\"\"
            counts: dict[str, int] = {{}}
            for item in items:
                counts[item] = counts.get(item, 0) + 1
            return counts
        ```

        :::{{note}}
        Ask in the team channel when a step here does not match what you see.
        :::
        """).replace("\n        ", "\n") + design


def _adr(number: int, stock: bool) -> tuple[str, str]:
    # ADR 2 is superseded by ADR 3 (there are always 3), both ways round, so boxes and the index
    # show a relation.
    extra = ""
    status = "accepted" if number % 6 else "proposed"
    if number == 2:
        status, extra = "superseded", "superseded-by: 3\n"
    if number == 3:
        extra = "supersedes: [2]\n"
    slug = "-".join(_words(number, 3).split())
    title = f"ADR-{number:04d}: Decide on {_words(number, 3)}"
    box = "" if stock else "```{adr-status}\n```\n\n"
    text = (f"---\nstatus: {status}\ndate: 2026-01-{1 + number % 28:02d}\ndeciders: [platform-lead]\n"
            f"{extra}tags: [synthetic]\n---\n# {title}\n\n{box}"
            "## Context\n\nWe needed a decision.\n\n## Decision\n\nWe decided.\n\n"
            "## Consequences\n\nThings follow from it.\n")
    return f"engineering/adr/{number:04d}-{slug}.md", text


def handbook_sources(pages: int, *, stock: bool = False) -> dict[str, str]:
    """``{relative path: text}`` of a synthetic handbook of about ``pages`` pages.

    With ``stock`` the handbook-only directives are left out, so stock Sphinx can build it.
    """
    layout, adrs = _layout(pages)
    files: dict[str, str] = {}
    for number, page in enumerate(layout):
        head = "---\norphan: true\n---\n" if page.path == "orphan.md" else ""
        text = f"{head}# {page.title}\n\n"
        if page.path == "engineering/adr/index.md":
            text += "Every decision, generated from the records' front matter.\n\n"
            text += "" if stock else "```{adr-index}\n```\n\n"
        if page.hidden and page.children:
            text += "Pages in this topic:\n\n" + "".join(
                f"- [{child}]({child}.md)\n" for child in page.children) + "\n"
        text += _toctree(page)
        if page.path == "index.md":
            text += "\n```{toctree}\n:hidden:\n:caption: More\n\nabout\n```\n"
        files[page.path] = text + _body(page, number, layout)
    for number in range(1, adrs + 1):
        path, text = _adr(number, stock)
        files[path] = text
    return files


def write_sources(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


# --- building and measuring ----------------------------------------------------------------------

STOCK_CONF = '''\
# Stock Sphinx + MyST-Parser + Furo + sphinx-design + sphinx-copybutton, with the handbook's settings
# for them, and none of its extensions (so with Furo's own sidebar, which needs none of its templates).
import runpy

globals().update({{name: value for name, value in runpy.run_path({conf!r}).items()
                   if not name.startswith(("_", "handbook_"))}})
extensions = ["myst_parser", "sphinx_design", "sphinx_copybutton"]
html_sidebars = {{}}
'''
SIDEBAR = re.compile(r'<div class="sidebar-tree"[^>]*>.*?</div>', re.S)


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float  # the largest single process (Sphinx's main one, a -j 2 worker, or Pagefind)
    returncode: int
    log: str
    cpu_seconds: float = 0.0  # user + system, the build and every process it started
    peak_total_rss_mb: float = 0.0  # all of the build's processes at once, sampled every 0.2 s
    # The same, each page of memory forked workers share with the main process counted once
    # (proportional set size): what the build takes from the machine.
    peak_total_pss_mb: float = 0.0


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass  # gone meanwhile
    return 0


def _tree_memory_kb(root: int) -> tuple[int, int]:
    """Resident and proportional memory of a process and all its descendants, from /proc (0 where
    there is none)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            pages = int((entry / "statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        parent = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
        rss[int(entry.name)] = pages * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, proportional, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        proportional += _pss_kb(pid) if pid in rss else 0
        todo.extend(children.get(pid, []))
    return total, proportional


def run(command: list[str], log: Path) -> Run:
    """Run one build as a child process: wall and CPU time, peak memory of one process and of all."""
    import threading

    start = time.perf_counter()
    peak = [0, 0]
    with log.open("w", encoding="utf-8") as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.2):
                peak[:] = map(max, peak, _tree_memory_kb(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        stop.set()
        sampler.join()
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return Run(round(seconds, 2), round(usage.ru_maxrss / 1024, 1), child.returncode, str(log),
               round(usage.ru_utime + usage.ru_stime, 1), round(peak[0] / 1024, 1), round(peak[1] / 1024, 1))


def sphinx(conf: Path, source: Path, out: Path) -> list[str]:
    # What `make html` runs: sphinx-build -c conf -n -b html SOURCEDIR BUILDDIR/html
    return [sys.executable, "-m", "sphinx", "-c", str(conf), "-n", "-b", "html", str(source), str(out)]


def sidebars(out: Path, docnames: list[str]) -> dict[str, str]:
    """Each page's sidebar as the reader gets it: a small page's joined with the shared file."""
    sys.path.insert(0, str(CONF))
    from handbook.navigation import shared

    data = shared.read_data(out)
    found = {}
    for docname in docnames:
        page = out / f"{docname}.html"
        match = SIDEBAR.search(page.read_text(encoding="utf-8")) if page.is_file() else None
        found[docname] = "(no sidebar)" if match is None else (
            shared.expand(match.group(0), data) if data is not None else match.group(0))
    return found


def mtimes(out: Path, docnames: list[str]) -> dict[str, int]:
    return {docname: (out / f"{docname}.html").stat().st_mtime_ns for docname in docnames}


def edit_one_page(source: Path) -> str:
    """Change one leaf page's body text (not its title); return its docname."""
    page = sorted(source.glob("engineering/topic-*/page-*.md"))[0]
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("in practice.", f"in practice. {EDIT_MARK}", 1), encoding="utf-8")
    return page.relative_to(source).with_suffix("").as_posix()


def bench_size(pages: int, root: Path) -> dict:
    shutil.rmtree(root, ignore_errors=True)
    stock_src = write_sources(root / "stock" / "src", handbook_sources(pages, stock=True))
    handbook_src = write_sources(root / "handbook" / "src", handbook_sources(pages))
    stock_conf = root / "stock" / "conf"
    stock_conf.mkdir(parents=True)
    (stock_conf / "conf.py").write_text(STOCK_CONF.format(conf=str(CONF / "conf.py")), encoding="utf-8")
    docnames = sorted(path.relative_to(handbook_src).with_suffix("").as_posix()
                      for path in handbook_src.rglob("*.md"))
    load = round(os.getloadavg()[0], 2)  # other work on the machine slows both builds alike
    print(f"\n== {len(docnames)} pages (load average {load:.1f}) ==", flush=True)

    print("  stock build ...", end=" ", flush=True)
    stock = run(sphinx(stock_conf, stock_src, root / "stock" / "html"), root / "stock" / "build.log")
    print(f"{stock.seconds:.1f} s", flush=True)
    print("  handbook build ...", end=" ", flush=True)
    handbook_out = root / "handbook" / "html"
    handbook = run(sphinx(CONF, handbook_src, handbook_out), root / "handbook" / "build.log")
    print(f"{handbook.seconds:.1f} s", flush=True)
    failed = [name for name, result in (("stock", stock), ("handbook", handbook)) if result.returncode]
    if failed:
        return {"pages": len(docnames), "error": f"the {' and '.join(failed)} build failed; see its build.log",
                "stock": asdict(stock), "handbook": asdict(handbook)}

    expected, got = sidebars(root / "stock" / "html", docnames), sidebars(handbook_out, docnames)
    differing = [docname for docname in docnames if expected[docname] != got[docname]]
    print(f"  navigation: {'identical on every page' if not differing else f'{len(differing)} pages differ'}",
          flush=True)

    before = mtimes(handbook_out, docnames)
    edited = edit_one_page(handbook_src)
    print(f"  one-page edit ({edited}) ...", end=" ", flush=True)
    incremental = run(sphinx(CONF, handbook_src, handbook_out), root / "handbook" / "incremental.log")
    written = sorted(name for name, mtime in mtimes(handbook_out, docnames).items() if before[name] != mtime)
    print(f"{incremental.seconds:.1f} s, {len(written)} pages written", flush=True)
    return {
        "pages": len(docnames),
        "load_average_at_start": load,
        "stock": asdict(stock),
        "handbook": asdict(handbook),
        "speedup": round(stock.seconds / handbook.seconds, 1),
        "incremental": {**asdict(incremental), "edited": edited, "written": written},
        "navigation_identical": not differing,
        "navigation_differs_on": differing[:20],
        **({"error": "navigation differs from stock Furo's"} if differing else {}),
    }


RECORDS = 400  # decision records in the incremental benchmark's tree
QUICK_RECORDS = 20
NAVIGATION_MARK = "A renamed page"


def bench_incremental(root: Path, records: int) -> dict:
    """What an edit costs on a reused build folder, in a handbook with ``records`` ADRs.

    Each edit is timed as `make html` runs it (a sphinx-build process on the previous build folder):
    an ordinary page's body, one ADR's body (which must write that ADR alone and cost at most 1.5x
    the page edit), and a navigation change (a page's title: every page shows it, so every page is
    written; it must cost no more than writing every page, ``sphinx-build -a`` with nothing read).
    """
    shutil.rmtree(root, ignore_errors=True)
    files = handbook_sources(100)
    for number in range(1, records + 1):
        path, text = _adr(number, stock=False)
        files[path] = text
    source = write_sources(root / "src", files)
    out = root / "html"
    docnames = sorted(path.relative_to(source).with_suffix("").as_posix() for path in source.rglob("*.md"))
    print(f"\n== incremental builds: {len(docnames)} pages, {records} decision records ==", flush=True)
    first = run(sphinx(CONF, source, out), root / "full.log")
    if first.returncode:
        return {"error": f"the build failed; see {first.log}"}

    def timed(name: str, edit: Callable[[int], object], *options: str, rounds: int) -> dict[str, Any]:
        """The fastest of ``rounds`` runs (other work on the machine only ever adds time)."""
        runs = []
        for number in range(rounds):
            before = mtimes(out, docnames)
            edit(number)
            result = run([*sphinx(CONF, source, out), *options], root / f"{name}-{number}.log")
            written = sorted(doc for doc, mtime in mtimes(out, docnames).items() if before[doc] != mtime)
            runs.append({**asdict(result), "written": written})
        fastest = min(runs, key=lambda found: found["seconds"])
        widest = max(runs, key=lambda found: len(found["written"]))
        print(f"  {name}: {fastest['seconds']:.2f} s (fastest of {rounds}), {len(widest['written'])} pages "
              "written", flush=True)
        return {**fastest, "written": widest["written"], "all_seconds": [found["seconds"] for found in runs]}

    def edit_body(path: Path, old: str) -> Callable[[int], None]:
        def edit(number: int) -> None:
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace(old, f"{old} {EDIT_MARK} ({number})", 1), encoding="utf-8")
        return edit

    page = sorted(source.glob("engineering/topic-*/page-*.md"))[0]
    record = sorted(source.glob("engineering/adr/0*.md"))[records // 2]
    leaf = sorted(source.glob("engineering/topic-*/page-*.md"))[1]

    def retitle(number: int) -> None:
        leaf.write_text(f"# {NAVIGATION_MARK} {number}\n" + leaf.read_text(encoding="utf-8").split("\n", 1)[1],
                        encoding="utf-8")

    results: dict[str, Any] = {
        "pages": len(docnames), "records": records,
        "page_body": timed("page body edit", edit_body(page, "in practice."), rounds=3),
        "record_body": timed("record body edit", edit_body(record, "We decided."), rounds=3),
        "full_write": timed("every page written, nothing read (-a)", lambda number: None, "-a", rounds=2),
        "navigation": timed("navigation change (a title)", retitle, rounds=2),
    }
    record_ratio = results["record_body"]["seconds"] / results["page_body"]["seconds"]
    navigation_ratio = results["navigation"]["seconds"] / results["full_write"]["seconds"]
    results["record_to_page"] = round(record_ratio, 2)
    results["navigation_to_full_write"] = round(navigation_ratio, 2)
    expected_record = [record.relative_to(source).with_suffix("").as_posix()]
    problems = []
    if results["record_body"]["written"] != expected_record:
        problems.append(f"a record body edit wrote {len(results['record_body']['written'])} pages, not only "
                        f"{expected_record[0]}")
    if record_ratio > 1.5:
        problems.append(f"a record body edit cost {record_ratio:.2f}x a page body edit (at most 1.5x)")
    if len(results["navigation"]["written"]) != len(docnames):
        problems.append("a navigation change did not write every page")
    # A navigation change is a page edit (the page read, the environment saved, the search index
    # made) plus writing every page: it may cost no more than those two, with 10% for noise.
    bound = results["full_write"]["seconds"] + results["page_body"]["seconds"]
    results["navigation_to_write_and_edit"] = round(results["navigation"]["seconds"] / bound, 2)
    if results["navigation"]["seconds"] > 1.1 * bound:
        problems.append(f"a navigation change cost {navigation_ratio:.2f}x writing every page, more than "
                        "writing every page and a page edit together")
    print(f"  record edit / page edit: {record_ratio:.2f}x (at most 1.5x); navigation change / full write: "
          f"{navigation_ratio:.2f}x ({results['navigation_to_write_and_edit']:.2f}x a full write and a page edit, "
          "at most 1.1x)", flush=True)
    return {**results, **({"error": "; ".join(problems)} if problems else {})}


# --- the realistic tree: the issue's figures, next to the floor and to stock ------------------------

# How far stock Furo is built: its navigation costs pages x pages (61 s at 200 realistic pages on 2
# cores, so about 4 minutes at 400 and half an hour at 1,000); beyond this it is not run.
STOCK_LIMIT = 400
COMMON_WORDS = ("deploy", "デプロイ")  # a word on most pages, in English and in Japanese


def site_figures(out: Path) -> dict:
    """Sizes of a built site: all of it (without Sphinx's caches), its pages, its indexes."""
    files = [path for path in out.rglob("*") if path.is_file() and ".doctrees" not in path.parts]
    pages = sorted(path.stat().st_size for path in files
                   if path.suffix == ".html" and path.parts[len(out.parts)] != "pagefind")
    searchindex = out / "searchindex.js"
    pagefind = [path for path in files if path.parts[len(out.parts)] == "pagefind"]
    navigation = out / "_static" / "handbook-navigation.js"
    return {
        "site_mb": round(sum(path.stat().st_size for path in files) / 1e6, 1),
        "pages": len(pages),
        "median_page_kb": round(pages[len(pages) // 2] / 1e3, 1) if pages else 0,
        "largest_page_kb": round(pages[-1] / 1e3, 1) if pages else 0,
        "searchindex_mb": round(searchindex.stat().st_size / 1e6, 1) if searchindex.is_file() else None,
        "pagefind_mb": round(sum(path.stat().st_size for path in pagefind) / 1e6, 1) if pagefind else None,
        "shared_navigation_kb": round(navigation.stat().st_size / 1e3, 1) if navigation.is_file() else None,
    }


def same_output(first: Path, second: Path) -> list[str]:
    """Files that differ between two builds (Sphinx's caches aside)."""
    def listing(root: Path) -> dict[str, Path]:
        return {path.relative_to(root).as_posix(): path for path in root.rglob("*")
                if path.is_file() and ".doctrees" not in path.parts}

    one, two = listing(first), listing(second)
    differing = sorted(set(one) ^ set(two))
    differing += sorted(name for name in set(one) & set(two) if one[name].read_bytes() != two[name].read_bytes())
    return differing


# Marks, in the browser, the moments a search page shows its first result with its snippet and then
# its first page of results complete, in milliseconds from the start of the page's navigation.
SEARCH_MARKS = """
(() => {
  const first = %r, done = %r, finished = %r;
  new MutationObserver(() => {
    if (window.__firstResult === undefined && document.querySelector(first)) {
      window.__firstResult = performance.now();
    }
    const status = document.querySelector(done);
    if (window.__allShown === undefined && status && new RegExp(finished).test(status.textContent)) {
      window.__allShown = performance.now();
    }
    if (window.__firstResult !== undefined && window.__allShown !== undefined) {
      document.documentElement.setAttribute("data-bench-shown", "");  // what the harness waits for
    }
  }).observe(document, {subtree: true, childList: true, characterData: true});
})();
"""
SEARCH_SELECTORS = {
    # engine: the first result with its snippet, the status line, what it says once all are shown
    "pagefind": (".handbook-search-result .handbook-search-excerpt", ".handbook-search-status",
                 "match|No pages"),
    "sphinx": ("#search-results li p.context", "#search-results .search-summary",
               "Search finished|did not match"),
}


def measure_search(out: Path, words: tuple[str, ...], *, engine: str) -> dict:
    """Bytes a query transfers and seconds to its first results, in Chromium on a local server.

    The times are the browser's own, from the start of the search page's navigation: the harness's
    round trips to the browser (a query makes dozens of requests) would otherwise add half a second
    that no reader waits for."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"error": "playwright is not installed"}
    import functools
    import http.server
    import threading
    from urllib.parse import quote

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # Chromium closing a connection it no longer needs is no finding

    server = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    first, status_line, ended = SEARCH_SELECTORS[engine]
    found: dict[str, dict] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu"])
            for word in words:
                context = browser.new_context()  # a cold cache: everything the query needs is fetched
                page = context.new_page()
                requests: list[Any] = []

                def finished(request: Any, requests: list[Any] = requests) -> None:
                    requests.append(request)  # sized once all is done, not while the page is searching

                page.on("requestfinished", finished)
                page.goto(base + "index.html")
                page.wait_for_load_state("load")
                before = len(requests)
                page.add_init_script(SEARCH_MARKS % (first, status_line, ended))
                page.goto(f"{base}search.html?q={quote(word)}")
                # (a selector, not a function: the site's Content-Security-Policy forbids eval)
                page.wait_for_selector("html[data-bench-shown]", state="attached", timeout=600_000)
                page.wait_for_load_state("networkidle")
                marks = page.evaluate("[window.__firstResult, window.__allShown]")
                status = page.locator(status_line).first.inner_text()
                sizes = [request.sizes()["responseBodySize"] for request in requests[before:]]
                found[word] = {"seconds_to_results": round(marks[0] / 1e3, 2),
                               "seconds_to_all_shown": round(marks[1] / 1e3, 2),
                               "transferred_kb": round(sum(sizes) / 1e3, 1),
                               "requests": len(sizes), "status": status.strip()[:80]}
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return found


def bench_realistic(pages: int, root: Path, stock_limit: int = STOCK_LIMIT, rounds: int = 1) -> dict:
    """Every figure of the large-handbook table for one size of the realistic tree."""
    from bench_tree import realistic_sources

    shutil.rmtree(root, ignore_errors=True)
    source = write_sources(root / "handbook" / "src", realistic_sources(pages))
    load = round(os.getloadavg()[0], 2)
    print(f"\n== realistic tree, {pages} pages (load average {load:.1f}) ==", flush=True)
    result: dict = {"pages": pages, "load_average_at_start": load}

    def build(name: str, command: list[str]) -> Run:
        print(f"  {name} ...", end=" ", flush=True)
        done = run(command, root / f"{name}.log")
        print(f"{done.seconds:.1f} s ({done.cpu_seconds:.0f} s CPU), {done.peak_rss_mb:.0f} MB, all processes "
              f"{done.peak_total_rss_mb:.0f} MB ({done.peak_total_pss_mb:.0f} MB with shared pages once)"
              + (f" (FAILED, see {done.log})" if done.returncode else ""), flush=True)
        result[name] = asdict(done)
        return done

    # The floor and the builds take turns, `rounds` times, and each figure is its fastest round: other
    # work on the machine only ever slows a build down, and taking turns spreads it over all three.
    rounds_of: dict[str, list[Run]] = {"floor": [], "handbook": [], "handbook_j2": []}
    for number in range(rounds):
        for name, folder, options in (("floor", "dummy", ["-b", "dummy"]), ("handbook", "serial", []),
                                      ("handbook_j2", "parallel", ["-j", "2"])):
            shutil.rmtree(root / folder, ignore_errors=True)
            rounds_of[name].append(build(name if rounds == 1 else f"{name}-{number + 1}",
                                         [*sphinx(CONF, source, root / folder), *options]))
    fastest: dict[str, Run] = {}
    for name, runs in rounds_of.items():
        for number in range(len(runs) if rounds > 1 else 0):
            result.pop(f"{name}-{number + 1}", None)
        fastest[name] = min(runs, key=lambda done: done.seconds)
        result[name] = {**asdict(fastest[name]), "rounds": [asdict(done) for done in runs]}
    floor, serial, parallel = fastest["floor"], fastest["handbook"], fastest["handbook_j2"]
    if any(done.returncode for runs in rounds_of.values() for done in runs):
        result["error"] = "a build failed; see its log"
        return result
    result["site"] = site_figures(root / "serial")
    result["html_over_floor"] = round(serial.seconds / floor.seconds, 2)
    result["j2_speedup"] = round(serial.seconds / parallel.seconds, 2)
    result["j2_differs"] = same_output(root / "serial", root / "parallel")[:20]
    print(f"  html / floor {result['html_over_floor']:.2f}x; -j 2 {result['j2_speedup']:.2f}x faster, output "
          f"{'identical' if not result['j2_differs'] else 'DIFFERS: ' + ', '.join(result['j2_differs'][:3])}",
          flush=True)
    print(f"  site {result['site']['site_mb']} MB, median page {result['site']['median_page_kb']} KB", flush=True)
    searches = [measure_search(root / "serial", COMMON_WORDS, engine="pagefind") for _ in range(rounds)]
    result["search"] = {word: min((found[word] for found in searches if word in found),
                                  key=lambda query: query["seconds_to_results"], default={})
                        for word in COMMON_WORDS} if all("error" not in found for found in searches) else searches[0]
    print(f"  search: {result['search']}", flush=True)
    edited = sorted(source.glob("engineering/area-*/page-*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8").replace("## Overview\n", f"## Overview\n\n{EDIT_MARK}\n", 1),
                      encoding="utf-8")
    build("incremental", sphinx(CONF, source, root / "serial"))
    if pages <= stock_limit:
        stock_src = write_sources(root / "stock" / "src", realistic_sources(pages, stock=True))
        stock_conf = root / "stock" / "conf"
        stock_conf.mkdir(parents=True, exist_ok=True)
        (stock_conf / "conf.py").write_text(STOCK_CONF.format(conf=str(CONF / "conf.py")), encoding="utf-8")
        stock = build("stock", sphinx(stock_conf, stock_src, root / "stock" / "html"))
        if stock.returncode == 0:
            result["stock_site"] = site_figures(root / "stock" / "html")
            result["stock_search"] = measure_search(root / "stock" / "html", COMMON_WORDS[:1], engine="sphinx")
            print(f"  stock search: {result['stock_search']}", flush=True)
    else:
        result["stock"] = {"skipped": f"above {stock_limit} pages stock Furo's navigation costs pages x pages"}
    return result


def latex_error(folder: Path) -> str:
    """The first LaTeX error in a build folder's logs, for a failed PDF build's row."""
    from pdf import LATEX_ERROR

    for log in sorted(folder.rglob("*.log")):
        found = LATEX_ERROR.search(log.read_text(encoding="utf-8", errors="replace"))
        if found:
            return found["message"].strip()
    return ""


def missing_characters(folder: Path) -> int:
    """How many characters LuaTeX left out of a PDF for want of a glyph (its log's notes, as make pdf
    reads them)."""
    from pdf import MISSING_CHARACTER

    return sum(len(MISSING_CHARACTER.findall(log.read_text(encoding="utf-8", errors="replace")))
               for log in folder.rglob("*.log") if log.parent.name == "latex")


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(found.group(1)) if found else 0


# Sphinx's LuaLaTeX default is GNU FreeFont, which Debian's TeX Live does not bring: stock gets the
# handbook's Latin faces instead, so it fails (or not) on the content, not on a font it cannot find.
STOCK_PDF_FONTS = """
latex_elements = {"fontpkg": r"\\setmainfont{TeX Gyre Pagella}\\setsansfont{TeX Gyre Heros}\\setmonofont{DejaVu Sans Mono}"}
"""


def bench_realistic_pdf(pages: int, root: Path) -> dict:
    """The whole PDF of a realistic tree: `make pdf`'s route, then stock Sphinx's own (`sphinx-build -M
    latexpdf` with MyST and the handbook's settings, LuaLaTeX included, but not its extension). Each
    with what LuaTeX left out for want of a glyph: a PDF that builds can still have lost text."""
    from bench_tree import realistic_sources

    shutil.rmtree(root, ignore_errors=True)
    print(f"\n== PDF of the realistic tree, {pages} pages ==", flush=True)
    result: dict = {"pages": pages}
    source = write_sources(root / "handbook" / "src", realistic_sources(pages))
    stock_src = write_sources(root / "stock" / "src", realistic_sources(pages, stock=True))
    stock_conf = root / "stock" / "conf"
    stock_conf.mkdir(parents=True, exist_ok=True)
    (stock_conf / "conf.py").write_text(STOCK_CONF.format(conf=str(CONF / "conf.py")) + STOCK_PDF_FONTS, encoding="utf-8")
    for name, command, pdf in (
            ("handbook", [sys.executable, str(REPO / "scripts" / "pdf.py"), "--source", str(source), "--conf", str(CONF),
                          "--builddir", str(root / "handbook")], root / "handbook" / "pdf" / "mbodi-handbook.pdf"),
            ("stock", [sys.executable, "-m", "sphinx", "-M", "latexpdf", str(stock_src), str(root / "stock" / "out"),
                       "-c", str(stock_conf), "-q"], root / "stock" / "out" / "latex" / "mbodi-handbook.pdf")):
        print(f"  {name} ...", end=" ", flush=True)
        done = run(command, root / f"{name}.log")
        figures = {**asdict(done), "pdf_pages": pdf_pages(pdf) if done.returncode == 0 and pdf.is_file() else 0,
                   "missing_characters": missing_characters(root / name)}
        if done.returncode:
            figures["error"] = latex_error(root / name) or "see the log"
        result[name] = figures
        print(f"{done.seconds:.1f} s ({done.cpu_seconds:.0f} s CPU), {done.peak_rss_mb:.0f} MB, "
              + (f"{figures['pdf_pages']} PDF pages, {figures['missing_characters']} characters left out"
                 if not done.returncode else f"FAILED: {figures['error']}"), flush=True)
    if not result["stock"]["returncode"] and not result["handbook"]["returncode"]:
        result["stock_over_handbook"] = round(result["stock"]["seconds"] / result["handbook"]["seconds"], 2)
    return result


def realistic_table(sizes: list[dict]) -> str:
    head = ("pages", "build", "make html", "peak RSS", "-j 2", "-j 2 peak, all processes (shared once)", "floor (dummy)",
            "html/floor", "site",
            "median page", "search index", "query transfers", "first results")
    rows = [head]
    for size in sizes:
        if "site" not in size:
            rows.append((str(size["pages"]), size.get("error", "failed"), *[""] * (len(head) - 2)))
            continue
        query: dict[str, Any] = next(iter(size["search"].values()), {}) if isinstance(size.get("search"), dict) else {}
        rows.append((str(size["pages"]), "handbook", f"{size['handbook']['seconds']:.0f} s",
                     f"{size['handbook']['peak_rss_mb']:.0f} MB",
                     f"{size['handbook_j2']['seconds']:.0f} s ({size['j2_speedup']:.2f}x)",
                     f"{size['handbook_j2'].get('peak_total_rss_mb', 0):.0f} MB "
                     f"({size['handbook_j2'].get('peak_total_pss_mb', 0):.0f} MB)",
                     f"{size['floor']['seconds']:.0f} s", f"{size['html_over_floor']:.2f}x",
                     f"{size['site']['site_mb']:.0f} MB", f"{size['site']['median_page_kb']:.0f} KB",
                     f"{size['site']['pagefind_mb']} MB (Pagefind, chunked)",
                     f"{query.get('transferred_kb', '?')} KB", f"{query.get('seconds_to_results', '?')} s"))
        stock = size.get("stock", {})
        if "seconds" in stock and "stock_site" in size:
            squery: dict[str, Any] = next(iter(size.get("stock_search", {}).values()), {})
            rows.append((str(size["pages"]), "stock", f"{stock['seconds']:.0f} s", f"{stock['peak_rss_mb']:.0f} MB",
                         "", "", "", f"{stock['seconds'] / size['floor']['seconds']:.2f}x",
                         f"{size['stock_site']['site_mb']:.0f} MB", f"{size['stock_site']['median_page_kb']:.0f} KB",
                         f"{size['stock_site']['searchindex_mb']} MB (searchindex.js)",
                         f"{squery.get('transferred_kb', '?')} KB", f"{squery.get('seconds_to_results', '?')} s"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def bench_pdf(builddir: Path) -> dict:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    if not re.search(r"^pdf:", makefile, re.M):
        print("\npdf: not available (the Makefile has no pdf target)")
        return {"available": False}
    print("\n== PDF of the real handbook (make pdf) ...", end=" ", flush=True)
    shutil.rmtree(builddir / "pdf", ignore_errors=True)
    log = builddir / "pdf.log"
    result = run(["make", "pdf", f"BUILDDIR={builddir}"], log)
    print(f"{result.seconds:.1f} s" + ("" if result.returncode == 0 else f" (failed, exit {result.returncode}; "
                                                                         f"see {log})"), flush=True)
    return {"available": True, **asdict(result)}


def machine() -> dict:
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
            "packages": versions}


def table(sizes: list[dict]) -> str:
    head = ("pages", "stock full", "handbook full", "speed-up", "one-page edit", "written",
            "stock peak RSS", "handbook peak RSS", "navigation")
    rows = [head]
    for size in sizes:
        if "speedup" not in size:
            rows.append((str(size["pages"]), size.get("error", "failed"), *[""] * (len(head) - 2)))
            continue
        rows.append((
            str(size["pages"]), f"{size['stock']['seconds']:.1f} s", f"{size['handbook']['seconds']:.1f} s",
            f"{size['speedup']:.1f}x", f"{size['incremental']['seconds']:.1f} s",
            str(len(size["incremental"]["written"])),
            f"{size['stock']['peak_rss_mb']:.0f} MB", f"{size['handbook']['peak_rss_mb']:.0f} MB",
            "identical" if size["navigation_identical"] else "DIFFERS"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def pdf_table(result: dict) -> str:
    rows = ["| pages | build | time | CPU | peak memory | PDF |", "|---|---|---|---|---|---|"]
    for name in ("handbook", "stock"):
        done = result[name]
        outcome = (f"{done['pdf_pages']} pages, {done['missing_characters']} characters left out" if not done["returncode"]
                   else f"fails: {done['error']}")
        rows.append(f"| {result['pages']} | {name} | {done['seconds']:.0f} s | {done['cpu_seconds']:.0f} s | "
                    f"{done['peak_rss_mb']:.0f} MB | {outcome} |")
    return "\n".join(rows)


def main_realistic(sizes: list[int], builddir: Path, stock_limit: int, quick: bool, rounds: int = 1,
                   pdf_sizes: tuple[int, ...] = ()) -> int:
    print("Realistic tree (scripts/bench_tree.py). Floor: the same tree read and resolved by the dummy builder. "
          f"Stock (Sphinx + MyST + Furo, Sphinx's search) up to {stock_limit} pages.")
    results: dict = {"machine": machine(), "tree": "realistic", "rounds": rounds, "sizes": []}
    for pages in sizes:
        results["sizes"].append(bench_realistic(pages, builddir / f"realistic-{pages}", stock_limit, rounds))
        (builddir / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    results["pdf"] = [bench_realistic_pdf(pages, builddir / f"realistic-pdf-{pages}") for pages in pdf_sizes]
    results["incremental"] = bench_incremental(builddir / "incremental", QUICK_RECORDS if quick else RECORDS)
    (builddir / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print("\n" + realistic_table(results["sizes"]))
    for pdf in results["pdf"]:
        print("\n" + pdf_table(pdf))
    print(f"results: {builddir / 'results.json'}")
    failures = [size for size in results["sizes"] if "error" in size or size.get("j2_differs")]
    failures += [pdf for pdf in results["pdf"] if pdf["handbook"]["returncode"]]
    for size in failures:
        print(f"FAILED at {size['pages']} pages: {size.get('error') or 'the -j 2 output differs'}"
              + (" (the PDF)" if "handbook" in size and "pdf_pages" in size["handbook"] else ""), file=sys.stderr)
    if "error" in results["incremental"]:
        print(f"FAILED incremental builds: {results['incremental']['error']}", file=sys.stderr)
    return 1 if failures or "error" in results["incremental"] else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--builddir", type=Path, default=REPO / "_build" / "bench")
    parser.add_argument("--pages", help="sizes to build, comma-separated (default 100,400,1000)")
    parser.add_argument("--quick", action="store_true", help="one tiny handbook, no PDF: checks the bench works")
    parser.add_argument("--tree", choices=("realistic", "synthetic"), default="realistic",
                        help="realistic (bench_tree.py; default 1000 pages) or the synthetic tree of 100/400/1000")
    parser.add_argument("--stock-limit", type=int, default=STOCK_LIMIT,
                        help=f"largest realistic tree stock Furo is built for (default {STOCK_LIMIT})")
    parser.add_argument("--pdf-pages", default="",
                        help="also the whole PDF of realistic trees of these sizes, comma-separated, beside stock "
                             "Sphinx's latexpdf (needs TeX Live)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="builds of each kind per size, taking turns; each figure is the fastest (default 1)")
    options = parser.parse_args(argv)
    if options.rounds < 1:
        parser.error("--rounds must be at least 1")
    # Every build of the bench dates itself alike, so -j 2 and serial output can be compared byte by byte.
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    if options.pages:
        try:
            sizes = [int(word) for word in options.pages.replace(" ", "").split(",") if word]
        except ValueError:
            parser.error(f"--pages takes numbers separated by commas, not {options.pages!r}")
        if not sizes or min(sizes) < 12:
            parser.error("--pages: each size must be at least 12")
    elif options.tree == "realistic":
        sizes = [60] if options.quick else [1000]
    else:
        sizes = list(QUICK_SIZES if options.quick else DEFAULT_SIZES)
    builddir = options.builddir.resolve()
    builddir.mkdir(parents=True, exist_ok=True)
    if options.tree == "realistic":
        try:
            pdf_sizes = tuple(int(word) for word in options.pdf_pages.replace(" ", "").split(",") if word)
        except ValueError:
            parser.error(f"--pdf-pages takes numbers separated by commas, not {options.pdf_pages!r}")
        if pdf_sizes and min(pdf_sizes) < 12:
            parser.error("--pdf-pages: each size must be at least 12")
        return main_realistic(sizes, builddir, options.stock_limit, options.quick, options.rounds, pdf_sizes)

    print("Stock: myst_parser + furo + sphinx_design + sphinx_copybutton with the handbook's settings; its tree "
          "is the same but leaves out the handbook-only directives ({adr-status}, {adr-index}).")
    print("Handbook: conf/ as `make html` uses it. Every build is a separate sphinx-build process, serial.")
    results: dict[str, Any] = {"machine": machine(), "stock_tree": "same tree without {adr-status} and {adr-index}",
               "sizes": []}
    for pages in sizes:
        results["sizes"].append(bench_size(pages, builddir / f"pages-{pages}"))
        if "error" in results["sizes"][-1]:
            break
    results["incremental"] = bench_incremental(builddir / "incremental", QUICK_RECORDS if options.quick else RECORDS)
    results["pdf"] = {"skipped": "--quick"} if options.quick else bench_pdf(builddir)

    print("\n" + table(results["sizes"]))
    done = [size for size in results["sizes"] if "speedup" in size]
    if len(done) >= 2:
        low, high = done[-2], done[-1]
        growth = high["handbook"]["seconds"] / low["handbook"]["seconds"]
        print(f"\nhandbook build time grows {growth:.2f}x from {low['pages']} to {high['pages']} pages "
              f"({high['pages'] / low['pages']:.1f}x the pages)")
    if options.quick:
        print("pdf: skipped (--quick)")
    elif not results["pdf"].get("available"):
        print("pdf: not available")
    else:
        pdf = results["pdf"]
        print(f"pdf (real handbook): {pdf['seconds']:.1f} s" + ("" if pdf["returncode"] == 0 else " FAILED"))
    (builddir / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"results: {builddir / 'results.json'}")
    incremental = results["incremental"]
    if "error" in incremental:
        print(f"FAILED incremental builds: {incremental['error']}", file=sys.stderr)
    failures = [size for size in results["sizes"] if "error" in size]
    for size in failures:
        print(f"FAILED at {size['pages']} pages: {size['error']}"
              + (f" (first: {', '.join(size.get('navigation_differs_on', [])[:5])})"
                 if size.get("navigation_differs_on") else ""), file=sys.stderr)
    return 1 if failures or "error" in incremental else 0


if __name__ == "__main__":
    sys.exit(main())
