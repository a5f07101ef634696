"""One PDF per top-level section, beside the whole handbook's (ADR-0008 says why and when).

With ``handbook_pdf_sections = True`` the LaTeX builder writes, after the whole handbook, one more
document per page of the root page's toctree: that page and everything below it, named after the
whole handbook's PDF (``mbodi-handbook.pdf`` -> ``mbodi-handbook-engineering.pdf``). The site links
each page to its section's PDF (publish.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.latex import LaTeXBuilder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

# The LaTeX folder's list of section documents, for scripts/pdf.py (which names it too).
SECTIONS_LIST = "handbook-sections.txt"


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


def add_section_documents(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: add the section documents to the LaTeX builder's list, after the whole one."""
    if app.builder.format != "latex" or not app.config.handbook_pdf_sections:
        return
    builder = cast("LaTeXBuilder", app.builder)
    known = {entry[0] for entry in builder.document_data}
    author = app.config.latex_documents[0][3]
    for docname in top_sections(env):
        if docname in known:
            continue
        title = env.titles[docname].astext()
        tex = str(Path(section_pdf_name(app.config, docname)).with_suffix(".tex"))
        builder.document_data.append((docname, tex, f"{app.config.project}: {title}", author, "manual", False))


def list_section_documents(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: tell scripts/pdf.py which section documents this build wrote."""
    if exception is not None or app.builder.format != "latex":
        return
    main = app.config.latex_documents[0][1]
    names = [entry[1] for entry in cast("LaTeXBuilder", app.builder).document_data if entry[1] != main]
    listing = Path(app.outdir) / SECTIONS_LIST
    if names or listing.exists():
        listing.write_text("".join(f"{name}\n" for name in names), encoding="utf-8")
