"""The downloadable PDF handbook: LaTeX styling for LuaLaTeX, and publishing the PDF with the site."""

from __future__ import annotations

from typing import Any

from . import latex
from .publish import add_pdf_to_site, link_pdf
from .transforms import shape_latex_document


def _latex_defaults(app: Any, config: Any) -> None:
    # The project's own latex_elements win over the handbook's defaults, key by key.
    config.latex_elements = {**latex.latex_elements(), **(config.latex_elements or {})}


def setup_pdf(app: Any) -> None:
    # Path of the built PDF to publish with the site, or "" for none.
    app.add_config_value("handbook_pdf", "", "html", types=frozenset({str}))
    app.connect("config-inited", _latex_defaults)
    app.connect("builder-inited", add_pdf_to_site)
    app.connect("html-page-context", link_pdf)
    app.connect("doctree-resolved", shape_latex_document)
