"""The downloadable PDF handbook: LaTeX styling for LuaLaTeX, and publishing the PDFs with the site."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import latex
from .cells import use_plain_cells
from .publish import add_pdfs_to_site, find_pdfs, link_pdf
from .sections import add_section_documents, check_choice, list_documents
from .transforms import shape_latex_document

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def _latex_defaults(app: Sphinx, config: Config) -> None:
    # The project's own latex_elements win over the handbook's defaults, key by key.
    config.latex_elements = {**latex.latex_elements(), **(config.latex_elements or {})}


def setup_pdf(app: Sphinx) -> None:
    # The folder `make pdf` writes the PDFs to, to publish them with the site; "" for none.
    app.add_config_value("handbook_pdf_dir", "", "", types=frozenset({str}))
    # Set from it: the file names of the PDFs there. One appearing or going rebuilds every page's links.
    app.add_config_value("handbook_pdf_published", [], "html", types=frozenset({list}))
    # Also one PDF per top-level section: True, or "only" for the sections without the whole (ADR-0008).
    app.add_config_value("handbook_pdf_sections", False, "", types=frozenset({bool, str}))
    app.connect("config-inited", _latex_defaults)
    app.connect("config-inited", find_pdfs)
    app.connect("builder-inited", check_choice)
    app.connect("builder-inited", add_pdfs_to_site)
    app.connect("builder-inited", use_plain_cells)
    app.connect("env-updated", add_section_documents)
    app.connect("build-finished", list_documents)
    app.connect("html-page-context", link_pdf)
    app.connect("doctree-resolved", shape_latex_document)
