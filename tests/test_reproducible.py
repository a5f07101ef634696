"""Two builds of the same sources give the same bytes: the site and the PDF.

The handbook is built twice the way it is published (`make pdf`, then `make html`, which copies the
PDF into the site), from two copies of `docs/` in different folders into two different BUILDDIRs,
both at once, with SOURCE_DATE_EPOCH set to a day that is not today. Then:

- every file of the two sites is byte for byte the same, `.buildinfo` included; only `.doctrees/` is
  left out: it is Sphinx's cache for incremental builds, not part of the site, and it records where
  the sources were read from (absolute paths) by design;
- no file of either site, and neither PDF, holds a folder of the build or today's date;
- the two PDFs are byte for byte the same, and dated by SOURCE_DATE_EPOCH.

The handbook's own pages carry dates that may be today's (a record written today); the copies have
those replaced by another date, so that any date of today in the output can only have come from the
clock. The copies are outside git, so pages show no "last updated" date: those come from commits,
not from the clock.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pdf import pdf_name

pytestmark = [pytest.mark.tex, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
PDF_NAME = pdf_name(REPO / "conf")
EPOCH = 981158400  # 2001-02-03 00:00:00 UTC
EPOCH_DAY = dt.datetime.fromtimestamp(EPOCH, dt.UTC).date()
DATE_FORMATS = ["%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y",
                "%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%b %-d, %Y", "%B %-d, %Y"]


def todays() -> set[dt.date]:
    """Today, by the local clock and by UTC (they differ for some hours of the day)."""
    return {dt.date.today(), dt.datetime.now(dt.UTC).date()}


def spellings(day: dt.date) -> list[str]:
    return sorted({day.strftime(fmt) for fmt in DATE_FORMATS}, key=len, reverse=True)


def copy_sources(destination: Path, stand_in: dt.date) -> Path:
    """A copy of docs/ in which today's date, however written, reads as another day."""
    shutil.copytree(REPO / "docs", destination)
    for path in destination.rglob("*"):
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        changed = text
        for day in todays():
            for fmt in DATE_FORMATS:
                changed = changed.replace(day.strftime(fmt), stand_in.strftime(fmt))
        if changed != text:
            path.write_text(changed, encoding="utf-8")
    return destination


def make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)})


def publish(source: Path, builddir: Path) -> list[subprocess.CompletedProcess]:
    """`make pdf` then `make html`, as the publish runbook does."""
    pdf = make("pdf", f"SOURCEDIR={source}", f"BUILDDIR={builddir}")
    if pdf.returncode != 0:
        return [pdf]
    return [pdf, make("html", f"SOURCEDIR={source}", f"BUILDDIR={builddir}", "SPHINXOPTS=-q")]


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("reproducible")
    assert EPOCH_DAY not in todays()
    stand_in = min(todays()) - dt.timedelta(days=400)
    # Folders of different names and lengths, so a path that leaks into the output makes a difference.
    places = {
        "sources": [root / "one" / "docs", root / "a-second-copy-of-the-handbook" / "docs"],
        "builds": [root / "build-1", root / "somewhere-else" / "build-two"],
    }
    for source in places["sources"]:
        copy_sources(source, stand_in)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(publish, places["sources"], places["builds"]))
    for steps in results:
        for step in steps:
            assert step.returncode == 0, step.args + [step.stdout[-3000:], step.stderr[-3000:]]
    return {"root": root, "first": places["builds"][0], "second": places["builds"][1],
            "needles": [root, *places["sources"], *places["builds"], REPO]}


def site_files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*"))
            if path.is_file() and ".doctrees" not in path.relative_to(site).parts}


def first_difference(one: bytes, two: bytes) -> str:
    at = next((i for i, (a, b) in enumerate(zip(one, two, strict=False)) if a != b), min(len(one), len(two)))
    return f"at byte {at}: {one[max(at - 60, 0):at + 60]!r} versus {two[max(at - 60, 0):at + 60]!r}"


def test_two_builds_from_two_copies_give_the_same_site(builds):
    first, second = site_files(builds["first"] / "html"), site_files(builds["second"] / "html")
    assert len(first) > 30 and PDF_NAME in first and ".buildinfo" in first
    assert sorted(first) == sorted(second)
    differ = {name: first_difference(first[name], second[name]) for name in first if first[name] != second[name]}
    assert differ == {}


def leaks(data: bytes, needles: list[Path]) -> list[str]:
    """Build folders and spellings of today's date found in some output."""
    found = [str(needle) for needle in needles if str(needle).encode() in data]
    for day in todays():
        found += [spelling for spelling in spellings(day) if spelling.encode() in data]
    return found


def test_the_site_holds_no_build_folder_and_not_the_date_of_the_day(builds):
    for build in ("first", "second"):
        for name, data in site_files(builds[build] / "html").items():
            if name.endswith(".pdf"):
                continue  # compressed; read below
            assert leaks(data, builds["needles"]) == [], f"{build} build: {name}"


def test_two_pdf_builds_give_the_same_pdf_dated_by_source_date_epoch(builds):
    first = (builds["first"] / "pdf" / PDF_NAME).read_bytes()
    second = (builds["second"] / "pdf" / PDF_NAME).read_bytes()
    assert first[:5] == b"%PDF-" and len(first) > 50_000
    assert first == second, first_difference(first, second)
    stamp = EPOCH_DAY.strftime("D:%Y%m%d").encode()
    assert f"/CreationDate ({stamp.decode()}".encode() in first and f"/ModDate ({stamp.decode()}".encode() in first


def test_the_pdf_holds_no_build_folder_and_not_the_date_of_the_day(builds):
    for build in ("first", "second"):
        pdf = builds[build] / "pdf" / PDF_NAME
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout
        assert b"Mbodi Handbook" in text
        # The title page is dated, by SOURCE_DATE_EPOCH: so a clock's date would show here.
        assert EPOCH_DAY.strftime("%b %d, %Y").encode() in text
        for data in (pdf.read_bytes(), text):
            assert leaks(data, builds["needles"]) == [], f"{build} build: {pdf}"


def test_a_tree_that_is_not_a_git_checkout_still_builds(tmp_path):
    """A release tarball, or a container build without .git, has no last commit to date the build by:
    `make html` must still build (undated by a commit), not crash on an empty SOURCE_DATE_EPOCH."""
    no_git = tmp_path / "not-a-repository"
    no_git.mkdir()
    source = copy_sources(tmp_path / "docs", min(todays()) - dt.timedelta(days=400))
    environment = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    # GIT_DIR at an empty folder: git answers as it does outside any repository.
    result = subprocess.run(["make", "html", f"SOURCEDIR={source}", f"BUILDDIR={tmp_path / 'build'}", "SPHINXOPTS=-q"],
                            cwd=REPO, capture_output=True, text=True, env={**environment, "GIT_DIR": str(no_git)})
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-3000:]
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "build" / "html" / "index.html").is_file()
