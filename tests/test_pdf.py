"""`make pdf`: the whole handbook as one PDF a reader is glad to open, published with the site."""

from __future__ import annotations

import html
import os
import pickle
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

pytestmark = [pytest.mark.tex, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from conftest import write_tree  # noqa: E402
from pdf import pdf_name  # noqa: E402

PDF_NAME = pdf_name(REPO / "conf")  # the name conf.py gives it, as make pdf and make html use it


def make(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["make", *args], cwd=REPO, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> tuple[Path, str]:
    """`make pdf` then `make html` into one BUILDDIR, as the publish runbook says; and what make pdf printed."""
    builddir = tmp_path_factory.mktemp("pdf")
    result = make("pdf", f"BUILDDIR={builddir}")
    assert result.returncode == 0, result.stdout + result.stderr
    site = make("html", f"BUILDDIR={builddir}", "SPHINXOPTS=-q -W")
    assert site.returncode == 0, site.stdout + site.stderr
    return builddir, result.stdout


@pytest.fixture(scope="module")
def built(made) -> Path:
    return made[0]


@pytest.fixture(scope="module")
def reader(built) -> PdfReader:
    return PdfReader(built / "pdf" / PDF_NAME)


def text_of(built: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    text = subprocess.run([*args, str(built / "pdf" / PDF_NAME), "-"], capture_output=True, text=True,
                          check=True).stdout
    return unicodedata.normalize("NFKC", text)  # "ﬁ" ligatures back to "fi"


def outline_entries(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page index) for every bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def toctree_order(built: Path) -> list[str]:
    """The handbook's pages in toctree order, from the environment of the PDF's own build."""
    with open(built / "pdf" / "doctrees" / "environment.pickle", "rb") as handle:
        env = pickle.load(handle)
    order: list[str] = []

    def visit(docname: str) -> None:
        for child in env.toctree_includes.get(docname, []):
            if child not in order:
                order.append(child)
                visit(child)

    visit("index")
    return [env.titles[docname].astext() for docname in order]


def test_title_page_and_table_of_contents_with_page_numbers(built):
    assert "Mbodi Handbook" in text_of(built, 1)
    contents = text_of(built, 2, 4)
    assert "CONTENTS" in contents.upper()
    for title in ("Engineering", "Architecture Decision Records", "Requests for Comments", "Runbooks", "People"):
        assert re.search(rf"{title}\s*(\. )*\.?\s+\d+\s*$", contents, re.M), title


def test_bookmarks_for_every_page_and_section_in_toctree_order(built, reader):
    entries = outline_entries(reader)
    titles = [title for _, title, _ in entries]
    pages = toctree_order(built)
    assert len(pages) >= 15
    positions = [next(i for i, title in enumerate(titles) if title.endswith(page)) for page in pages]
    assert positions == sorted(positions), "pages are not in toctree order"
    # Sections inside pages have bookmarks too, nested below their page.
    for section in ("Engineering Principles", "Context", "Decision", "Consequences", "Steps"):
        assert any(title.endswith(section) and depth >= 1 for depth, title, _ in entries), section
    # Bookmarks point at the page the section starts on.
    page_of = {title: page for _, title, page in entries}
    adr6 = next(title for title in titles if "ADR-0006" in title)
    assert "ADR-0006: Generate decision indexes" in reader.pages[page_of[adr6]].extract_text()


def link_targets(reader: PdfReader, page_index: int) -> list[int]:
    """The page indexes the internal links on one page lead to."""
    named = reader.named_destinations
    targets = []
    for annotation in reader.pages[page_index].get("/Annots") or []:
        annotation = annotation.get_object()
        if annotation.get("/Subtype") != "/Link":
            continue
        action = annotation.get("/A")
        dest = annotation.get("/Dest") or (action.get("/D") if action and action.get("/S") == "/GoTo" else None)
        if dest is not None:
            assert str(dest) in named, f"link on page {page_index + 1} to missing destination {dest}"
            targets.append(reader.get_destination_page_number(named[str(dest)]))
    return targets


def test_internal_links_land_on_the_right_page(reader):
    """Every internal link resolves, and a record's link to its successor lands on the successor's page."""
    assert sum(len(link_targets(reader, index)) for index in range(len(reader.pages))) > 50
    pages = {title: page for _, title, page in outline_entries(reader)}
    superseded = next(page for title, page in pages.items() if "ADR-0005" in title)
    successor = next(page for title, page in pages.items() if "ADR-0006" in title)
    # The record's box is on its first page or, if its title fell at a page's foot, the next.
    assert successor in link_targets(reader, superseded) + link_targets(reader, superseded + 1)
    assert "ADR-0006: Generate decision indexes" in reader.pages[successor].extract_text()


def test_emoji_are_colour_glyphs_not_boxes(built, reader):
    """The four principle headings carry their emoji as colour bitmaps (Noto Color Emoji)."""
    log = (built / "pdf" / "latex" / PDF_NAME).with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log  # no glyph was dropped or replaced by a box
    page = next(page for _, title, page in outline_entries(reader) if title.endswith("Build for Scale")) + 1
    text = text_of(built, page, page + 1)
    for heading in ("Build for Scale", "Research-Driven Development", "Security & Reliability", "Developer Experience"):
        assert heading in text
    images = subprocess.run(["pdfimages", "-list", "-f", str(page), "-l", str(page + 1), str(built / "pdf" / PDF_NAME)],
                            capture_output=True, text=True, check=True).stdout
    colour_glyphs = [line for line in images.splitlines()[2:] if line.split()[2] == "image" and line.split()[5] == "rgb"]
    assert len(colour_glyphs) >= 4


def colour_pixels(built: Path, page: int, rgb: tuple[int, int, int], tolerance: int = 12) -> int:
    """How many pixels of one PDF page, rendered, have (about) this colour."""
    raw = subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "40",
                          str(built / "pdf" / PDF_NAME)], capture_output=True, check=True).stdout
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", raw)
    pixels = raw[header.end():]
    return sum(1 for i in range(0, len(pixels) - 2, 3)
               if all(abs(pixels[i + k] - rgb[k]) <= tolerance for k in range(3)))


def test_status_boxes_are_coloured_by_status(built, reader):
    pages = {title: page for _, title, page in outline_entries(reader)}
    superseded = next(page for title, page in pages.items() if "ADR-0005" in title) + 1
    accepted = next(page for title, page in pages.items() if "ADR-0001" in title) + 1
    purple, green = (0x73, 0x39, 0xC9), (0x1A, 0x7F, 0x37)
    # The box is on the record's first page (or the next, if its title fell at a page's foot).
    assert max(colour_pixels(built, superseded, purple), colour_pixels(built, superseded + 1, purple)) > 20
    assert max(colour_pixels(built, accepted, green), colour_pixels(built, accepted + 1, green)) > 20
    tex = (built / "pdf" / "latex" / PDF_NAME).with_suffix(".tex").read_text(encoding="utf-8")
    assert tex.count(r"\begin{sphinxuseclass}{handbook-status-box}") >= 8
    assert r"\begin{sphinxadmonition}{warning}" in tex  # the superseded record's warning box


def test_design_components_all_print(built):
    text = text_of(built)
    # Every tab's content, under its label, and the dropdown's content printed open.
    for label, content in (("TeX Live is missing", "names the Debian packages"),
                           ("A LaTeX error names a page", "Open the page it names"),
                           ("Why the first build is slower", "builds its font cache")):
        assert label in text and content in text


def test_long_code_lines_wrap_instead_of_running_off(built):
    log = (built / "pdf" / "latex" / PDF_NAME).with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    overfull = [float(points) for points in re.findall(r"Overfull \\hbox \((\d+\.\d+)pt too wide\)", log)]
    assert not [points for points in overfull if points > 5], overfull
    text = text_of(built)
    assert "fonts-noto-color-emoji" in text.replace("\n", " ").replace("↪", "")


def test_site_links_the_published_pdf(built):
    site = built / "html"
    pdf = site / PDF_NAME
    assert pdf.is_file() and pdf.read_bytes() == (built / "pdf" / PDF_NAME).read_bytes()
    for page in ("index.html", "engineering/index.html", "engineering/adr/0001-record-architecture-decisions.html"):
        html = (site / page).read_text(encoding="utf-8")
        href = re.search(r'<a href="([^"]+)" download>', html).group(1)
        assert (site / page).parent.joinpath(href).resolve() == pdf.resolve()
        assert "Download PDF" in html


def test_without_a_pdf_the_site_has_no_dead_link(tmp_path):
    result = make("html", f"BUILDDIR={tmp_path}", "SPHINXOPTS=-q -W")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert "Download PDF" not in html and not (tmp_path / "html" / PDF_NAME).exists()


def run_pdf(builddir: Path, source: Path, env: dict[str, str] | None = None, *options: str,
            conf: Path = Path("conf")) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "scripts/pdf.py", "--source", str(source), "--conf", str(conf), "--builddir", str(builddir),
         "--sphinx-build", str(Path(sys.executable).with_name("sphinx-build")), *options],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, **(env or {})})


def test_missing_tex_live_is_one_clear_message(tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    result = run_pdf(tmp_path, REPO / "docs", env={"PATH": str(bare)})
    assert result.returncode == 2
    assert "TeX Live for LuaLaTeX is not installed" in result.stderr
    assert "apt-get install --no-install-recommends latexmk texlive-luatex" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_latex_error_names_the_page_and_keeps_the_last_good_pdf(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "index.md").write_text("# Book\n\n```{toctree}\ngood\nbroken\n```\n", encoding="utf-8")
    (source / "good.md").write_text("# Good page\n\nFine.\n", encoding="utf-8")
    (source / "broken.md").write_text("# Broken page\n\n```{raw} latex\n\\undefinedhandbookmacro\n```\n",
                                      encoding="utf-8")
    last_good = tmp_path / "pdf" / PDF_NAME
    last_good.parent.mkdir()
    last_good.write_bytes(b"%PDF-1.5 last good build\n")
    result = run_pdf(tmp_path, source)
    assert result.returncode == 1
    assert f"LaTeX error in page {source / 'broken'}.md: Undefined control sequence" in result.stderr
    assert f"{PDF_NAME}: the previous PDF, if any, is kept" in result.stderr and "Traceback" not in result.stderr
    assert last_good.read_bytes() == b"%PDF-1.5 last good build\n"


def test_pdf_build_time_is_printed_with_its_parts(made):
    builddir, printed = made
    target = re.escape(str(builddir / "pdf" / PDF_NAME))
    assert re.search(rf"make pdf: wrote {target} \(\d+ KiB\) in \d+\.\d s "
                     rf"\(Sphinx LaTeX \d+\.\d s, LuaLaTeX \d+\.\d s\)", printed), printed


def test_no_page_is_blank(built, reader):
    """One-sided, chapters on any page: no empty page after the title page or the contents."""
    blank = [number for number in range(1, len(reader.pages) + 1) if not text_of(built, number).strip()
             and not reader.pages[number - 1].images]
    assert not blank, f"blank pages: {blank}"


def test_records_are_numbered_below_their_index_page_in_the_contents(built):
    """ADR-0001 is a child of the ADR index page (N.M.1), not a sibling of its own sections, which
    are listed unnumbered."""
    contents = text_of(built, 2, 3)
    index = re.search(r"^\s*(\d+(?:\.\d+)*)\s+Architecture Decision Records", contents, re.M)
    assert index, contents
    assert re.search(rf"^\s*{re.escape(index.group(1))}\.\d+\s+ADR-0001", contents, re.M), contents
    assert re.search(r"^[ \t]*Lifecycle\b", contents, re.M) and not re.search(r"\d[ \t]+Lifecycle\b", contents)


def test_owner_lines_as_on_the_site(built):
    """Every "Owner: ... · Last reviewed: ... · Next review: ..." line the site shows is in the PDF,
    as often as the site shows it."""
    on_site: list[str] = []
    for page in (built / "html").rglob("*.html"):
        for found in re.finditer(r'<p class="handbook-review">(.*?)</p>', page.read_text(encoding="utf-8"), re.S):
            on_site.append(" ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).split()))
    assert len(on_site) >= 3, on_site
    printed = re.sub(r"-\s+", "-", " ".join(text_of(built).split()))
    assert {line: printed.count(line) for line in on_site} == {line: on_site.count(line) for line in on_site}


def page_pixels(built: Path, page: int, dpi: int) -> tuple[int, int, bytes]:
    raw = subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), str(built / "pdf" / PDF_NAME)],
                         capture_output=True, check=True).stdout
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", raw)
    return int(header.group(1)), int(header.group(2)), raw[header.end():]


def test_status_badge_stays_above_the_date_line(built, reader):
    """The badge's coloured box ends above the ink of the line below it ("Date: 2026-10-05")."""
    page = next(page for _, title, page in outline_entries(reader) if "ADR-0001" in title) + 1
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(built / "pdf" / PDF_NAME), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', bbox)
    badge = next(words[index + 1] for index, word in enumerate(words) if word[4] == "Status:")
    label = next(index for index, word in enumerate(words) if word[4] == "Date:" and float(word[1]) > float(badge[1]))
    date = (words[label][0], min(words[label][1], words[label + 1][1]), words[label + 1][2], words[label + 1][3])
    dpi = 200
    width, _, pixels = page_pixels(built, page, dpi)
    scale = dpi / 72

    def rows(x0: float, x1: float, y0: float, y1: float, test) -> list[int]:
        return [y for y in range(int(y0 * scale), int(y1 * scale) + 1)
                if any(test(pixels[(y * width + x) * 3:(y * width + x) * 3 + 3])
                       for x in range(int(x0 * scale), int(x1 * scale) + 1))]

    green = rows(float(badge[0]), float(badge[2]), float(badge[1]) - 6, float(date[3]),
                 lambda rgb: abs(rgb[0] - 0x1A) < 30 and abs(rgb[1] - 0x7F) < 30 and abs(rgb[2] - 0x37) < 30)
    ink = rows(float(date[0]), float(date[2]), float(date[1]), float(date[3]), lambda rgb: max(rgb) < 90)
    assert green and ink
    gap = (min(ink) - max(green)) / scale
    assert gap >= 1, f"only {gap:.1f} pt between the badge and the line below"  # it was 0.4 pt


def two_sections(root: Path) -> Path:
    """A book of two top-level sections, alpha (with a page of its own) and beta, one PDF per section."""
    source = write_tree(root, {
        "index.md": "# Book\n\n```{toctree}\nalpha/index\nbeta/index\n```\n",
        "alpha/index.md": "# Alpha section\n\nAlpha text.\n\n```{toctree}\nfirst\n```\n",
        "alpha/first.md": "# Alpha first page\n\nSee [beta](../beta/index.md).\n",
        "beta/index.md": "# Beta section\n\nBeta text.\n",
    })
    with open(source / "conf.py", "a", encoding="utf-8") as conf:
        conf.write("\nhandbook_pdf_sections = True\n")
    return source


def test_one_pdf_per_section_each_linked_from_its_pages(tmp_path):
    """With handbook_pdf_sections, make pdf also writes a PDF per top-level section holding that
    section's pages only, and make html links each page to its own section's PDF."""
    source = two_sections(tmp_path / "src")
    builddir = tmp_path / "build"
    made = make("pdf", f"SOURCEDIR={source}", f"CONFDIR={source}", f"BUILDDIR={builddir}")
    assert made.returncode == 0, made.stdout + made.stderr
    stem = Path(PDF_NAME).stem
    alpha, beta = (builddir / "pdf" / f"{stem}-{name}.pdf" for name in ("alpha", "beta"))
    assert f"wrote {alpha}" in made.stdout and f"wrote {beta}" in made.stdout and "3 PDFs in" in made.stdout

    def text(pdf: Path) -> str:
        return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    whole = text(builddir / "pdf" / PDF_NAME)
    assert "Alpha first page" in whole and "Beta text." in whole
    assert "Alpha first page" in text(alpha) and "Beta text." not in text(alpha)
    assert "Beta text." in text(beta) and "Alpha first page" not in text(beta)

    site = make("html", f"SOURCEDIR={source}", f"CONFDIR={source}", f"BUILDDIR={builddir}", "SPHINXOPTS=-q -W")
    assert site.returncode == 0, site.stdout + site.stderr
    for page, section in (("alpha/first.html", alpha), ("alpha/index.html", alpha), ("beta/index.html", beta)):
        html_text = (builddir / "html" / page).read_text(encoding="utf-8")
        hrefs = re.findall(r'<a href="([^"]+)" download>', html_text)
        targets = {(builddir / "html" / page).parent.joinpath(href).resolve().name for href in hrefs}
        assert targets == {PDF_NAME, section.name}, (page, hrefs)
        assert (builddir / "html" / section.name).read_bytes() == section.read_bytes()

    # "only": the sections without the whole handbook (too large to build in one CI job).
    with open(source / "conf.py", "a", encoding="utf-8") as conf:
        conf.write('\nhandbook_pdf_sections = "only"\n')
    only = tmp_path / "only"
    made = make("pdf", f"SOURCEDIR={source}", f"CONFDIR={source}", f"BUILDDIR={only}")
    assert made.returncode == 0, made.stdout + made.stderr
    assert sorted(path.name for path in (only / "pdf").glob("*.pdf")) == [alpha.name, beta.name]


def test_a_wrong_sections_value_is_one_clear_message(tmp_path):
    source = write_tree(tmp_path / "src", {"index.md": "# Book\n"})
    with open(source / "conf.py", "a", encoding="utf-8") as conf:
        conf.write('\nhandbook_pdf_sections = "yes"\n')
    result = subprocess.run([str(Path(sys.executable).with_name("sphinx-build")), "-q", "-b", "latex", "-c", str(source),
                             str(source), str(tmp_path / "out")], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    [message] = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert f"{source / 'conf.py'}:{len((source / 'conf.py').read_text().splitlines())}: WARNING: " \
           "handbook_pdf_sections is 'yes'; use True" in message and "[handbook.pdf-sections]" in message
    assert sorted(path.name for path in (tmp_path / "out").glob("*.tex")) == [Path(PDF_NAME).with_suffix(".tex").name]


def test_in_stages_as_ci_runs_it_each_document_on_its_own(tmp_path):
    """STAGE=latex writes and lists every document without TeX Live; STAGE=typeset DOCUMENT= typesets
    only the one named (CI's matrix job per document), and a wrong name is one message."""
    source = two_sections(tmp_path / "src")
    builddir = tmp_path / "build"
    tree = {"SOURCEDIR": str(source), "CONFDIR": str(source), "BUILDDIR": str(builddir)}
    early = make("pdf", "STAGE=typeset", *(f"{key}={value}" for key, value in tree.items()))
    assert early.returncode != 0 and "run make pdf STAGE=latex first" in early.stderr
    # Nothing on the PATH, so no TeX: the LaTeX stage needs Sphinx alone.
    (tmp_path / "bin").mkdir()
    latex = run_pdf(builddir, source, {"PATH": str(tmp_path / "bin")}, "--stage", "latex", conf=source)
    assert latex.returncode == 0, latex.stdout + latex.stderr
    assert "wrote the LaTeX of 3 document(s)" in latex.stdout
    stem = Path(PDF_NAME).stem
    listed = (builddir / "pdf" / "latex" / "handbook-documents.txt").read_text(encoding="utf-8").split()
    assert listed == [f"{stem}.tex", f"{stem}-alpha.tex", f"{stem}-beta.tex"]
    assert not list((builddir / "pdf").glob("*.pdf"))

    wrong = make("pdf", "STAGE=typeset", "DOCUMENT=gamma", *(f"{key}={value}" for key, value in tree.items()))
    assert wrong.returncode != 0 and "Traceback" not in wrong.stderr
    assert f"no document 'gamma' in this build; it wrote {', '.join(listed)}" in wrong.stderr
    beta = make("pdf", "STAGE=typeset", f"DOCUMENT={stem}-beta.tex", *(f"{key}={value}" for key, value in tree.items()))
    assert beta.returncode == 0, beta.stdout + beta.stderr
    assert [path.name for path in (builddir / "pdf").glob("*.pdf")] == [f"{stem}-beta.pdf"]
    text = subprocess.run(["pdftotext", str(builddir / "pdf" / f"{stem}-beta.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Beta text." in text and "Alpha text." not in text

    # A run stopped midway (Ctrl-C, a job cancelled) leaves its .aux and .toc cut off mid-line,
    # which LuaLaTeX cannot read: the next run starts without them instead of failing.
    for suffix in (".aux", ".toc"):
        written = (builddir / "pdf" / "latex" / f"{stem}-beta{suffix}")
        content = written.read_text(encoding="utf-8")
        written.write_text(content[:len(content) // 2].rstrip("}\n"), encoding="utf-8")
    again = make("pdf", "STAGE=typeset", f"DOCUMENT={stem}-beta.tex", *(f"{key}={value}" for key, value in tree.items()))
    assert again.returncode == 0, again.stdout + again.stderr


def counting_lualatex(folder: Path) -> Path:
    """A ``lualatex`` first on the PATH that notes each run in ``runs`` and hands over to the real one."""
    folder.mkdir()
    shim = folder / "lualatex"
    shim.write_text(f'#!/bin/sh\necho run >> "{folder / "runs"}"\nexec {shutil.which("lualatex")} "$@"\n',
                    encoding="utf-8")
    shim.chmod(0o755)
    return folder


LAST_PAGE_MARK = "```{raw} latex\n\\AddToHook{shipout/lastpage}{\\put(100,-100){LASTPAGEMARK}}\n```\n"


@pytest.mark.parametrize("uses_page_total", [False, True])
def test_two_lualatex_runs_unless_a_page_needs_the_page_total(tmp_path, uses_page_total):
    """A fresh PDF takes two LuaLaTeX runs, not latexmk's three (the third was only for the page
    total, which changes when the contents are added), and is byte for byte the three-run PDF. A
    page that does use the total (here LaTeX's last-page hook) gets the third run."""
    source = write_tree(tmp_path / "src", {
        "index.md": "# Book\n\n```{toctree}\nfirst\n```\n",
        "first.md": "# First page\n\nText. See [the book](index.md).\n\n" + (LAST_PAGE_MARK if uses_page_total else "")
                    + "".join(f"\n## Section {number}\n\nText.\n" for number in range(80)),  # contents of 2 pages
    })
    shims = counting_lualatex(tmp_path / "bin")
    env = {"PATH": f"{shims}{os.pathsep}{os.environ['PATH']}", "SOURCE_DATE_EPOCH": "1767225600"}
    result = run_pdf(tmp_path / "build", source, env, conf=source)
    assert result.returncode == 0, result.stdout + result.stderr
    runs = (shims / "runs").read_text(encoding="utf-8").count("run")
    assert runs == (3 if uses_page_total else 2)

    # latexmk left to itself on the same LaTeX: its own number of runs, the same PDF
    latex = tmp_path / "build" / "pdf" / "latex"
    stem = Path(PDF_NAME).stem
    for suffix in (".aux", ".toc", ".out", ".fdb_latexmk", ".fls", ".log", ".pdf"):
        (latex / f"{stem}{suffix}").unlink(missing_ok=True)
    subprocess.run(["latexmk", "-lualatex", "-interaction=nonstopmode", "-halt-on-error", f"{stem}.tex"],
                   cwd=latex, capture_output=True, check=True, env={**os.environ, **env, "FORCE_SOURCE_DATE": "1"})
    assert (latex / f"{stem}.pdf").read_bytes() == (tmp_path / "build" / "pdf" / PDF_NAME).read_bytes()
    last_page = subprocess.run(["pdftotext", str(latex / f"{stem}.pdf"), "-"], capture_output=True, text=True).stdout
    assert ("LASTPAGEMARK" in last_page) == uses_page_total


def test_a_character_no_font_has_is_named_with_its_line(tmp_path):
    """A script the PDF has no font for (Tibetan) cannot print: the PDF is still written, and make
    pdf names the character and each source line holding it, once per character."""
    source = write_tree(tmp_path / "src", {
        "index.md": "# Book\n\n```{toctree}\nprayer\n```\n",
        "prayer.md": "# Prayer flags\n\nPrinted in Latin letters, and in Tibetan: ཀ ཁ.\n\nAgain ཀ.\n",
    })
    result = run_pdf(tmp_path / "build", source, conf=source)
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("make pdf: warning:")]
    page = source / "prayer.md"
    assert warnings == [
        f"make pdf: warning: {page}:3, {page}:5: no font of the PDF has 'ཀ' (U+0F40), so the PDF leaves it out "
        "(fonts tried: texgyrepagella-regular.otf and its fallbacks)",
        f"make pdf: warning: {page}:3: no font of the PDF has 'ཁ' (U+0F41), so the PDF leaves it out "
        "(fonts tried: texgyrepagella-regular.otf and its fallbacks)"], result.stderr
    assert (tmp_path / "build" / "pdf" / PDF_NAME).is_file()
