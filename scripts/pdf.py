#!/usr/bin/env python3
"""`make pdf`: the whole handbook as one PDF, via Sphinx's LaTeX builder and LuaLaTeX (ADR-0003).

Writes ``$(BUILDDIR)/pdf/<name>.pdf``, the name of the first of ``latex_documents`` in conf.py (the
one place it is stated). The PDF is built aside and moved into place only when
LuaLaTeX succeeded, so a failed build never replaces the last good PDF. A missing TeX Live names
the Debian packages to install; a LaTeX error names the handbook page it came from.
Exit status: 0 built, 1 the build failed, 2 the tools are missing.

A handbook too large for one machine's time limit is built in two stages (ADR-0008), which CI runs
as separate jobs: ``STAGE=latex`` writes the LaTeX of every document (Sphinx only, no TeX Live
needed) and lists them in ``<builddir>/pdf/latex/handbook-documents.txt``; ``STAGE=typeset
DOCUMENT=<name>`` typesets one listed document from that folder, so each section's PDF can be its
own job. ``make pdf`` alone does both, for every document.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import runpy
import shutil
import subprocess
import sys
import time
from pathlib import Path

# The handbook's font table (which Noto font sets which script); the extension lives beside conf.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "conf"))
from handbook.pdf.fonts import FONT_FILES  # noqa: E402
from handbook.pdf.sections import DOCUMENTS_LIST  # noqa: E402

# What the route needs on Debian 12, and which command or file proves each is there.
# texlive-lang-other brings the Thai line-breaking patterns.
DEBIAN_PACKAGES = ["latexmk", "texlive-luatex", "texlive-latex-recommended", "texlive-latex-extra",
                   "texlive-fonts-recommended", "texlive-lang-other", "fonts-texgyre", *FONT_FILES]
REQUIRED_COMMANDS = ["latexmk", "lualatex", "kpsewhich"]
REQUIRED_FILES = ["texgyrepagella-regular.otf", "tcolorbox.sty", "fncychap.sty", "xurl.sty", "hyph-th.tex"]


def missing_tools() -> list[str]:
    missing = [command for command in REQUIRED_COMMANDS if shutil.which(command) is None]
    if not missing:
        for name in REQUIRED_FILES:
            found = subprocess.run(["kpsewhich", name], capture_output=True, text=True).stdout.strip()
            if not found:
                missing.append(name)
    missing += [Path(font).name for files in FONT_FILES.values() for font in files if not Path(font).is_file()]
    return missing


def pdf_name(conf: Path) -> str:
    """The PDF's file name, from the first of ``latex_documents`` in ``conf/conf.py``: ``x.tex`` -> ``x.pdf``."""
    documents = runpy.run_path(str(conf / "conf.py"))["latex_documents"]
    return Path(documents[0][1]).with_suffix(".pdf").name


# "! Undefined control sequence." then "l.123 ..." : the error and the line of the .tex file.
LATEX_ERROR = re.compile(r"^! (?P<message>.+)$", re.M)
LATEX_LINE = re.compile(r"^l\.(?P<line>\d+)", re.M)
PAGE_LABEL = re.compile(r"\\label\{\\detokenize\{(?P<docname>[^}]*)::doc\}\}")


def page_of_tex_line(tex: str, line: int) -> str | None:
    """The handbook page a line of the assembled .tex file came from (its last ``::doc`` label)."""
    head = "\n".join(tex.splitlines()[:line])
    labels = PAGE_LABEL.findall(head)
    return labels[-1] if labels else None


# LuaTeX's note of a character that no font in its font's fallback chain has (fonts.py): the
# character is left out of the PDF, and only the log says so.
MISSING_CHARACTER = re.compile(r"^Missing character: There is no (?P<character>.+?) \(U\+(?P<code>[0-9A-F]{4,6})\) "
                               r"in font (?P<font>[^:;!\n]+)", re.M)
# A character's places in the sources listed in full; beyond this many, how many more.
PLACES_LISTED = 5


def missing_characters(latex_dir: Path, tex_name: str, source: Path) -> list[str]:
    """A warning for each character the PDF left out for want of a glyph, naming the source lines
    that hold it (the lines of the pages whose LaTeX holds it)."""
    fonts: dict[str, set[str]] = {}
    for found in MISSING_CHARACTER.finditer(log_of(latex_dir, tex_name)):
        fonts.setdefault(chr(int(found["code"], 16)), set()).add(found["font"].strip("[] "))
    if not fonts:
        return []
    tex = (latex_dir / tex_name).read_text(encoding="utf-8", errors="replace")
    starts = list(PAGE_LABEL.finditer(tex))
    pages = {start["docname"]: tex[start.end():end.start() if end else len(tex)]
             for start, end in zip(starts, [*starts[1:], None], strict=True)}
    warnings = []
    for character, names in sorted(fonts.items()):
        places = [place for docname, text in pages.items() if character in text
                  for place in lines_with(source, docname, character)]
        where = ", ".join(places[:PLACES_LISTED]) + (f" and {len(places) - PLACES_LISTED} more"
                                                     if len(places) > PLACES_LISTED else "")
        tried = f"{', '.join(sorted(names))} and {'its' if len(names) == 1 else 'their'} fallbacks"
        warnings.append(f"{where or tex_name}: no font of the PDF has {character!r} (U+{ord(character):04X}), so "
                        f"the PDF leaves it out (fonts tried: {tried})")
    return warnings


def lines_with(source: Path, docname: str, character: str) -> list[str]:
    """``file:line`` of each line of a page's source that holds ``character``."""
    path = source / f"{docname}.md"
    if not path.is_file():
        path = next(iter(sorted(source.glob(f"{docname}.*"))), path)
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [f"{path}:{number}" for number, line in enumerate(lines, 1) if character in line]


def explain_latex_failure(latex_dir: Path, tex_name: str, source: Path, output: str) -> str:
    log_path = latex_dir / Path(tex_name).with_suffix(".log")
    log = log_of(latex_dir, tex_name)
    error = LATEX_ERROR.search(log)
    if error is None:
        tail = " | ".join(line.strip() for line in output.strip().splitlines()[-3:])
        return f"LuaLaTeX failed without an error in its log ({tail}); see {log_path}"
    message = error.group("message").strip()
    line_match = LATEX_LINE.search(log, error.end())
    tex = (latex_dir / tex_name).read_text(encoding="utf-8", errors="replace")
    page = page_of_tex_line(tex, int(line_match.group("line"))) if line_match else None
    where = f"in page {source / page}.md" if page else "in the preamble or configuration"
    return f"LaTeX error {where}: {message} (line {line_match.group('line') if line_match else '?'} of " \
           f"{latex_dir / tex_name}; full log {log_path})"


def pin_document_id(tex_path: Path) -> None:
    """Give the PDF an /ID derived from its LaTeX source, not from the output path and clock.

    LuaTeX otherwise hashes the time and the file's full path into the trailer /ID, the one thing
    that made two builds of the same commit in different folders differ.
    """
    tex = tex_path.read_text(encoding="utf-8")
    if tex.startswith("\\pdfvariable trailerid"):
        return
    digest = hashlib.md5(tex.encode("utf-8"), usedforsecurity=False).hexdigest().upper()
    tex_path.write_text(f"\\pdfvariable trailerid {{[<{digest}> <{digest}>]}}\n{tex}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=Path("docs"))
    parser.add_argument("--conf", type=Path, default=Path("conf"))
    parser.add_argument("--builddir", type=Path, default=Path("_build"))
    parser.add_argument("--sphinx-build", default=str(Path(sys.executable).with_name("sphinx-build")))
    parser.add_argument("--stage", choices=STAGES, default="all",
                        help="latex: write the LaTeX only; typeset: typeset what a latex stage wrote; all: both")
    parser.add_argument("--document", action="append", default=[],
                        help="typeset only this document (a name from handbook-documents.txt, .tex or .pdf); "
                             "may be given more than once")
    args = parser.parse_args(argv)

    outdir = args.builddir / "pdf"
    latex_dir = outdir / "latex"
    main_tex = str(Path(pdf_name(args.conf)).with_suffix(".tex"))
    if args.stage == "typeset" and not (latex_dir / DOCUMENTS_LIST).is_file():
        print(f"make pdf: STAGE=typeset needs the LaTeX of a latex stage in {latex_dir}, and there is none "
              f"(run make pdf STAGE=latex first)", file=sys.stderr)
        return 1
    missing = missing_tools() if args.stage != "latex" else []
    if missing:
        print(f"make pdf: TeX Live for LuaLaTeX is not installed (missing: {', '.join(missing)}).\n"
              f"  Install it with: sudo apt-get install --no-install-recommends {' '.join(DEBIAN_PACKAGES)}",
              file=sys.stderr)
        return 2

    started = time.monotonic()
    outdir.mkdir(parents=True, exist_ok=True)
    sphinx_seconds = 0.0
    if args.stage != "typeset":
        sphinx = subprocess.run([args.sphinx_build, "-b", "latex", "-c", str(args.conf), "-n", "-q",
                                 "-d", str(outdir / "doctrees"), str(args.source), str(latex_dir)])
        if sphinx.returncode != 0:
            print("make pdf: the LaTeX build failed (see the messages above); the previous PDF is kept",
                  file=sys.stderr)
            return 1
        sphinx_seconds = time.monotonic() - started

    # The whole handbook first, then one PDF per top-level section when the extension adds them
    # (handbook_pdf_sections; ADR-0008 says when).
    documents = documents_written(latex_dir, main_tex)
    if args.stage == "latex":
        print(f"make pdf: wrote the LaTeX of {len(documents)} document(s) in {sphinx_seconds:.1f} s: "
              f"{' '.join(documents)} (listed in {latex_dir / DOCUMENTS_LIST})")
        return 0
    if args.document:
        chosen = chosen_documents(documents, args.document)
        if isinstance(chosen, str):
            print(f"make pdf: {chosen}", file=sys.stderr)
            return 1
        documents = chosen
    failed = False
    for tex_name in documents:
        seconds = build_one(latex_dir, tex_name, args.source, outdir)
        if seconds is None:
            failed = True
            continue
        for warning in missing_characters(latex_dir, tex_name, args.source):
            print(f"make pdf: warning: {warning}", file=sys.stderr)
        target = outdir / Path(tex_name).with_suffix(".pdf")
        if tex_name == main_tex and args.stage == "all":
            print(f"make pdf: wrote {target} ({target.stat().st_size // 1024} KiB) in "
                  f"{sphinx_seconds + seconds:.1f} s (Sphinx LaTeX {sphinx_seconds:.1f} s, LuaLaTeX {seconds:.1f} s)")
        else:
            print(f"make pdf: wrote {target} ({target.stat().st_size // 1024} KiB) in {seconds:.1f} s (LuaLaTeX)")
    if len(documents) > 1:
        print(f"make pdf: {len(documents)} PDFs in {time.monotonic() - started:.1f} s")
    return 1 if failed else 0


STAGES = ("all", "latex", "typeset")


def chosen_documents(documents: list[str], asked: list[str]) -> list[str] | str:
    """The listed documents ``asked`` names (``x.tex``, ``x.pdf`` or ``x``), in the list's order, or
    what is wrong with the request."""
    stems = {Path(name).stem: name for name in documents}
    unknown = [name for name in asked if Path(name).stem not in stems]
    if unknown:
        return (f"no document {', '.join(repr(name) for name in unknown)} in this build; it wrote "
                f"{', '.join(documents)}")
    wanted = {Path(name).stem for name in asked}
    return [name for name in documents if Path(name).stem in wanted]


def documents_written(latex_dir: Path, main_tex: str) -> list[str]:
    """The LaTeX documents this build wrote, as the extension lists them: the whole handbook's
    unless handbook_pdf_sections is "only", then each section's in the order of the contents."""
    listing = latex_dir / DOCUMENTS_LIST
    if not listing.is_file():
        return [main_tex]
    return [name for name in listing.read_text(encoding="utf-8").splitlines() if name]


# LaTeX writes this as the last line of a document's .aux, once the whole document is typeset.
AUX_COMPLETE = "\\gdef \\@abspage@last{"
# What LuaLaTeX writes as it goes, and latexmk's record of it.
RUN_FILES = (".aux", ".toc", ".out", ".lof", ".lot", ".fdb_latexmk")


def forget_unfinished_run(latex_dir: Path, tex_name: str) -> bool:
    """Remove what a LuaLaTeX run that never reached the end of the document left (stopped, killed
    or failed): its .aux and .toc are cut off mid-line, and the next run would read them and fail
    before the first page. Whether there was such a run."""
    aux = latex_dir / Path(tex_name).with_suffix(".aux")
    if not aux.is_file() or AUX_COMPLETE in aux.read_text(encoding="utf-8", errors="replace")[-4096:]:
        return False
    for suffix in RUN_FILES:
        (latex_dir / Path(tex_name).with_suffix(suffix)).unlink(missing_ok=True)
    return True


# The second LuaLaTeX run adds the contents' pages, so the page total it writes to the .aux (the
# one line that changed) differs from the first run's, and latexmk ran a third time only for it:
# a third of the time, for a PDF byte for byte the second run's. The handbook prints no total, so
# latexmk leaves that line out when it decides whether the .aux changed; should a page ever
# depend on it, LaTeX asks for a rerun in its log and gets one (RERUN_REQUEST).
IGNORE_PAGE_TOTAL = "$hash_calc_ignore_pattern{'aux'} = '^.gdef .\\@abspage\\@last[{]';"
RERUN_REQUEST = re.compile(r"Rerun to (?:get|correct)")
MORE_RUNS = 3


def log_of(latex_dir: Path, tex_name: str) -> str:
    log = latex_dir / Path(tex_name).with_suffix(".log")
    return log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""


# latexmk reruns LuaLaTeX until cross-references and the table of contents settle.
LATEXMK = ["latexmk", "-lualatex", "-interaction=nonstopmode", "-halt-on-error", "-e", IGNORE_PAGE_TOTAL]
LUALATEX = ["lualatex", "-interaction=nonstopmode", "-halt-on-error"]


def run_in(latex_dir: Path, command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=latex_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          errors="replace", env=env)


def build_one(latex_dir: Path, tex_name: str, source: Path, outdir: Path) -> float | None:
    """LuaLaTeX one document into ``outdir``; its seconds, or None (reported) when it failed."""
    started = time.monotonic()
    pin_document_id(latex_dir / tex_name)
    forget_unfinished_run(latex_dir, tex_name)
    # With SOURCE_DATE_EPOCH set, LuaTeX dates the PDF by it instead of the clock
    # (FORCE_SOURCE_DATE), so two builds of one commit give the same PDF.
    env = dict(os.environ)
    if env.get("SOURCE_DATE_EPOCH"):
        env["FORCE_SOURCE_DATE"] = "1"
    latexmk = run_in(latex_dir, [*LATEXMK, tex_name], env)
    for _ in range(MORE_RUNS):
        if latexmk.returncode != 0 or not RERUN_REQUEST.search(log_of(latex_dir, tex_name)):
            break
        # Something on a page did depend on the page total: run again, as latexmk would have.
        latexmk = run_in(latex_dir, [*LUALATEX, tex_name], env)
    pdf = Path(tex_name).with_suffix(".pdf").name
    built = latex_dir / pdf
    if latexmk.returncode != 0 or not built.is_file():
        print(f"make pdf: {explain_latex_failure(latex_dir, tex_name, source, latexmk.stdout)}\n"
              f"make pdf: {pdf}: the previous PDF, if any, is kept", file=sys.stderr)
        return None
    # Build aside, then move into place: readers never get a partial or broken PDF.
    staging = outdir / (pdf + ".part")
    shutil.copyfile(built, staging)
    os.replace(staging, outdir / pdf)
    return time.monotonic() - started


if __name__ == "__main__":
    sys.exit(main())
