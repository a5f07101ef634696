"""Publish the PDFs with the site: copy them into the HTML output and link them from every page.

``handbook_pdf_dir`` is the folder ``make pdf`` writes to (the Makefile passes it as
``$HANDBOOK_PDF_DIR``); the whole handbook's PDF there is named from ``latex_documents``, and each
top-level section's after it (sections.py). Only files that exist are published and linked, so no
page links a PDF that is not there. Which ones exist is an "html" config value
(``handbook_pdf_published``), so a PDF appearing or going rebuilds every page.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from .sections import section_of, section_pdf_name, whole_pdf_name

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)


def find_pdfs(app: Sphinx, config: Config) -> None:
    """``config-inited``: which PDFs there are to publish, by file name (never by absolute path: an
    "html" value holding one would differ between two build folders and make their .buildinfo differ)."""
    folder = Path(config.handbook_pdf_dir) if config.handbook_pdf_dir else None
    if folder is None:
        config.handbook_pdf_published = []
        return
    whole = whole_pdf_name(config)
    stem = Path(whole).stem
    names = sorted(path.name for path in folder.glob(f"{stem}*.pdf")) if folder.is_dir() else []
    config.handbook_pdf_published = [whole, *(name for name in names if name != whole)] if whole in names else names


def add_pdfs_to_site(app: Sphinx) -> None:
    """``builder-inited``: the PDFs go to the site's root as extra files."""
    if app.builder.format != "html" or not app.config.handbook_pdf_published:
        return
    folder = Path(app.config.handbook_pdf_dir).resolve()
    app.config.html_extra_path = [*app.config.html_extra_path,
                                  *(str(folder / name) for name in app.config.handbook_pdf_published)]


def link_pdf(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """``html-page-context``: relative URLs of the whole handbook's PDF and of the page's section's."""
    published = app.config.handbook_pdf_published
    whole = whole_pdf_name(app.config)
    context["handbook_pdf_url"] = context["pathto"](whole, 1) if whole in published else ""
    context["handbook_section_pdf_url"] = ""
    if len(published) > 1 or whole not in published:
        # Worked out once per build: kept on the builder, which lives exactly as long as the build.
        sections = getattr(app.builder, "handbook_sections", None)
        if sections is None:
            sections = section_of(app.env)
            setattr(app.builder, "handbook_sections", sections)  # noqa: B010 (not an attribute Builder declares)
        section = sections.get(pagename)
        name = section_pdf_name(app.config, section) if section else ""
        if section and name in published:
            context["handbook_section_pdf_url"] = context["pathto"](name, 1)
            context["handbook_section_title"] = app.env.titles[section].astext()
