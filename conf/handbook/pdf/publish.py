"""Publish the PDF with the site: copy it into the HTML output and link it from every page.

``handbook_pdf`` is the built PDF's path, or "" when there is none (conf.py sets it from
``$HANDBOOK_PDF`` only when that file exists). It is an "html" config value, so a PDF appearing
or disappearing rebuilds every page: no page links a PDF that is not there, or misses one that is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..warnings_ import HandbookWarning, warn


def add_pdf_to_site(app: Any) -> None:
    """``builder-inited``: the PDF goes to the site's root as an extra file."""
    pdf = app.config.handbook_pdf
    if app.builder.format != "html" or not pdf:
        return
    if not Path(pdf).is_file():
        warn(HandbookWarning.PDF, f"handbook_pdf is set to {pdf}, which does not exist; the site links no PDF")
        app.config.handbook_pdf = ""
        return
    app.config.html_extra_path = [*app.config.html_extra_path, str(Path(pdf).resolve())]


def link_pdf(app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """``html-page-context``: the relative URL of the PDF, for the sidebar's "Download PDF"."""
    pdf = app.config.handbook_pdf
    context["handbook_pdf_url"] = context["pathto"](Path(pdf).name, 1) if pdf else ""
