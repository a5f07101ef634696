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
fails. It also times ``make pdf`` on the real handbook when the Makefile has that target. Results
go to the terminal and to ``<builddir>/results.json``.
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
SIDEBAR = re.compile(r'<div class="sidebar-tree">.*?</div>', re.S)


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    returncode: int
    log: str


def run(command: list[str], log: Path) -> Run:
    """Run one build as a child process; its wall time and peak resident memory (with its children)."""
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return Run(round(seconds, 2), round(usage.ru_maxrss / 1024, 1), child.returncode, str(log))


def sphinx(conf: Path, source: Path, out: Path) -> list[str]:
    # What `make html` runs: sphinx-build -c conf -n -b html SOURCEDIR BUILDDIR/html
    return [sys.executable, "-m", "sphinx", "-c", str(conf), "-n", "-b", "html", str(source), str(out)]


def sidebars(out: Path, docnames: list[str]) -> dict[str, str]:
    found = {}
    for docname in docnames:
        page = out / f"{docname}.html"
        match = SIDEBAR.search(page.read_text(encoding="utf-8")) if page.is_file() else None
        found[docname] = match.group(0) if match else "(no sidebar)"
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
    # A navigation change reads the edited page besides writing every page; 10% covers that and
    # the noise of a shared machine.
    if navigation_ratio > 1.1:
        problems.append(f"a navigation change cost {navigation_ratio:.2f}x writing every page")
    print(f"  record edit / page edit: {record_ratio:.2f}x (at most 1.5x); navigation change / full write: "
          f"{navigation_ratio:.2f}x", flush=True)
    return {**results, **({"error": "; ".join(problems)} if problems else {})}


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--builddir", type=Path, default=REPO / "_build" / "bench")
    parser.add_argument("--pages", help="sizes to build, comma-separated (default 100,400,1000)")
    parser.add_argument("--quick", action="store_true", help="one tiny handbook, no PDF: checks the bench works")
    options = parser.parse_args(argv)
    if options.pages:
        try:
            sizes = [int(word) for word in options.pages.replace(" ", "").split(",") if word]
        except ValueError:
            parser.error(f"--pages takes numbers separated by commas, not {options.pages!r}")
        if not sizes or min(sizes) < 12:
            parser.error("--pages: each size must be at least 12")
    else:
        sizes = list(QUICK_SIZES if options.quick else DEFAULT_SIZES)
    builddir = options.builddir.resolve()
    builddir.mkdir(parents=True, exist_ok=True)

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
