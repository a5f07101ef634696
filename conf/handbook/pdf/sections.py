"""One PDF per top-level section, beside the whole handbook's (ADR-0008 says why and when).

With ``handbook_pdf_sections = True`` the LaTeX builder writes, beside the whole handbook, one more
document per page of the root page's toctree: that page and everything below it, named after the
whole handbook's PDF (``mbodi-handbook.pdf`` -> ``mbodi-handbook-engineering.pdf``). With
``"only"`` it writes the sections and not the whole handbook, for a handbook too large to build as
one PDF within a CI job. The site links each page to its section's PDF (publish.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from ..warnings_ import HandbookWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.latex import LaTeXBuilder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

# The LaTeX folder's list of the documents a build wrote, for scripts/pdf.py to typeset.
DOCUMENTS_LIST = "handbook-documents.txt"
CHOICES = (False, True, "only")


def whole_pdf_name(config: Config) -> str:
    """The whole handbook's PDF: the first of ``latex_documents``, ``.tex`` -> ``.pdf``."""
    return Path(config.latex_documents[0][1]).with_suffix(".pdf").name


def section_pdf_name(config: Config, docname: str) -> str:
    """``engineering/index`` -> ``mbodi-handbook-engineering.pdf``."""
    slug = docname.removesuffix("/index").replace("/", "-")
    return f"{Path(whole_pdf_name(config)).stem}-{slug}.pdf"


def top_sections(env: BuildEnvironment) -> list[str]:
    """The root page's toctree entries, in order: the handbook's top-level sections."""
    return list(env.toctree_includes.get(env.config.root_doc, []))


def section_of(env: BuildEnvironment) -> dict[str, str]:
    """Every page below a top-level section (the section's own page too) -> that section."""
    found: dict[str, str] = {}
    for section in top_sections(env):
        pending = [section]
        while pending:
            docname = pending.pop()
            if docname in found:
                continue
            found[docname] = section
            pending.extend(env.toctree_includes.get(docname, []))
    return found


def _setting_line(conf: Path, name: str) -> str:
    """``conf.py:N``, N the last line that sets ``name`` (1 if none does)."""
    lines = conf.read_text(encoding="utf-8").splitlines() if conf.is_file() else []
    numbers = [number for number, line in enumerate(lines, 1) if line.lstrip().startswith(name)]
    return f"{conf}:{numbers[-1] if numbers else 1}"


def check_choice(app: Sphinx) -> None:
    """``builder-inited``: a value other than True, False or "only" is one warning at conf.py, and the
    whole handbook alone is built."""
    config = app.config
    if config.handbook_pdf_sections not in CHOICES:
        warn(HandbookWarning.PDF_SECTIONS,
             f"handbook_pdf_sections is {config.handbook_pdf_sections!r}; use True (the whole handbook and a PDF "
             f"per section), False (the whole handbook only) or \"only\" (the sections only); building the whole only",
             location=_setting_line(Path(app.confdir) / "conf.py", "handbook_pdf_sections"))
        config.handbook_pdf_sections = False


def add_section_documents(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: add the section documents to ``latex_documents`` (and, with "only", take the
    whole handbook off it). The LaTeX builder reads that list after this event, before writing."""
    if app.builder.format != "latex" or not app.config.handbook_pdf_sections:
        return
    documents = list(app.config.latex_documents)
    whole = documents[0][1]
    known = {entry[0] for entry in documents}
    author = documents[0][3]
    for docname in top_sections(env):
        if docname in known:
            continue
        title = env.titles[docname].astext()
        tex = str(Path(section_pdf_name(app.config, docname)).with_suffix(".tex"))
        documents.append((docname, tex, f"{app.config.project}: {title}", author, "manual", False))
    if app.config.handbook_pdf_sections == "only":
        documents = [entry for entry in documents if entry[1] != whole]
    app.config.latex_documents = documents


def list_documents(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: tell scripts/pdf.py which documents this build wrote, whole handbook
    (the one that starts at the root page) first."""
    if exception is not None or app.builder.format != "latex":
        return
    documents = cast("LaTeXBuilder", app.builder).document_data
    names = [entry[1] for entry in documents if entry[0] == app.config.root_doc]
    names += [entry[1] for entry in documents if entry[0] != app.config.root_doc]
    (Path(app.outdir) / DOCUMENTS_LIST).write_text("".join(f"{name}\n" for name in names), encoding="utf-8")
