"""The downloadable PDF handbook: LaTeX styling for LuaLaTeX, and publishing the PDF with the site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import latex
from .publish import add_pdf_to_site, link_pdf
from .transforms import shape_latex_document


def _latex_defaults(app: Any, config: Any) -> None:
    # The project's own latex_elements win over the handbook's defaults, key by key.
    config.latex_elements = {**latex.latex_elements(), **(config.latex_elements or {})}


def _pdf_name(app: Any, config: Any) -> None:
    # What the pages depend on is whether a PDF is published and its name, not where the build
    # keeps it: an absolute path in an "html" value would differ between two build folders and
    # make their .buildinfo differ.
    pdf = config.handbook_pdf
    config.handbook_pdf_name = Path(pdf).name if pdf and Path(pdf).is_file() else ""


def setup_pdf(app: Any) -> None:
    # Path of the built PDF to publish with the site, or "" for none.
    app.add_config_value("handbook_pdf", "", "", types=frozenset({str}))
    # Its file name, set from it: a PDF appearing or going rebuilds every page's "Download PDF".
    app.add_config_value("handbook_pdf_name", "", "html", types=frozenset({str}))
    app.connect("config-inited", _latex_defaults)
    app.connect("config-inited", _pdf_name)
    app.connect("builder-inited", add_pdf_to_site)
    app.connect("html-page-context", link_pdf)
    app.connect("doctree-resolved", shape_latex_document)
