"""One PDF per top-level section, beside the whole handbook's (ADR-0008 says why and when).

With ``handbook_pdf_sections = True`` the LaTeX builder writes, beside the whole handbook, one more
document per page of the root page's toctree: that page and everything below it, named after the
whole handbook's PDF (``mbodi-handbook.pdf`` -> ``mbodi-handbook-engineering.pdf``). With
``"only"`` it writes the sections and not the whole handbook, for a handbook too large to build as
one PDF within a CI job. The site links each page to its section's PDF (publish.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.errors import ConfigError

# The LaTeX folder's list of the documents a build wrote, for scripts/pdf.py to typeset.
DOCUMENTS_LIST = "handbook-documents.txt"
CHOICES = (False, True, "only")


def whole_pdf_name(config: Any) -> str:
    """The whole handbook's PDF: the first of ``latex_documents``, ``.tex`` -> ``.pdf``."""
    return Path(config.latex_documents[0][1]).with_suffix(".pdf").name


def section_pdf_name(config: Any, docname: str) -> str:
    """``engineering/index`` -> ``mbodi-handbook-engineering.pdf``."""
    slug = docname.removesuffix("/index").replace("/", "-")
    return f"{Path(whole_pdf_name(config)).stem}-{slug}.pdf"


def top_sections(env: Any) -> list[str]:
    """The root page's toctree entries, in order: the handbook's top-level sections."""
    return list(env.toctree_includes.get(env.config.root_doc, []))


def section_of(env: Any) -> dict[str, str]:
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


def check_choice(app: Any, config: Any) -> None:
    """``config-inited``: a value other than True, False or "only" stops the build, saying so."""
    if config.handbook_pdf_sections not in CHOICES:
        raise ConfigError(f"handbook_pdf_sections is {config.handbook_pdf_sections!r}; use True (the whole "
                          f"handbook and a PDF per section), False (the whole handbook only) or \"only\" (sections only)")


def add_section_documents(app: Any, env: Any) -> None:
    """``env-updated``: add the section documents to ``latex_documents`` (and, with "only", take the
    whole handbook off it). The LaTeX builder reads that list after this event, before writing."""
    if app.builder.format != "latex" or not app.config.handbook_pdf_sections:
        return
    documents = list(app.config.latex_documents)
    whole = app.builder.handbook_whole_tex = documents[0][1]
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


def list_documents(app: Any, exception: Exception | None) -> None:
    """``build-finished``: tell scripts/pdf.py which documents this build wrote, whole handbook first."""
    if exception is not None or app.builder.format != "latex":
        return
    whole = getattr(app.builder, "handbook_whole_tex", app.config.latex_documents[0][1])
    names = sorted((entry[1] for entry in app.builder.document_data), key=lambda name: name != whole)
    (Path(app.outdir) / DOCUMENTS_LIST).write_text("".join(f"{name}\n" for name in names), encoding="utf-8")
