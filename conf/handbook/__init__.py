"""The Mbodi Handbook's own Sphinx extension.

Each capability is a subpackage with its own ``setup_<capability>(app)``, in the manner of
sphinx-design: ``records`` (decision records: status boxes, indexes, validation), ``quality`` (the
checks every build runs: bad text, raw-HTML links), ``policy`` (the built-site policy `make check`
applies, the Content-Security-Policy, builds that read only the handbook), ``linkcheck``
(the ``handbook-linkcheck`` builder), ``pdf`` (LaTeX styling, publishing the PDF with the site),
``pages`` (owners and review dates, redirects, source links), ``navigation`` (Furo's sidebar built
once per build, each page carrying only its own branch), ``search`` (Pagefind's index in place of
Sphinx's) and ``focus`` (keyboard focus for code blocks); ``_static`` is the handbook's look.

Neutral modules that import no subpackage and no Sphinx at import time: ``frontmatter``,
``problems``, ``dates``, ``warnings_`` and ``annotations``. Subpackages are imported in ``setup()``,
so a script that only needs those (``make adr`` writing a file) does not load Sphinx.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__version__ = "0.1.0"

STATIC = Path(__file__).parent / "_static"
TEMPLATES = Path(__file__).parent / "_templates"


def setup(app: Sphinx) -> dict[str, Any]:
    # Imported here, not at the top: see the module docstring.
    from .changes import setup_changes
    from .checklists import setup_checklists
    from .console import quiet_myst
    from .decisions import setup_decisions
    from .focus import setup_focus
    from .highlighting import setup_highlighting
    from .linkcheck import setup_linkcheck
    from .memory import setup_memory
    from .navigation import setup_navigation
    from .pages import setup_pages
    from .pdf import setup_pdf
    from .policy import setup_policy
    from .quality import setup_quality
    from .records import setup_records
    from .search import setup_search
    from .site_icon import setup_site_icon
    from .tags import setup_tags

    quiet_myst()
    setup_records(app)
    setup_decisions(app)
    setup_checklists(app)
    setup_highlighting(app)
    setup_site_icon(app)
    setup_tags(app)
    setup_changes(app)
    setup_linkcheck(app)
    setup_quality(app)
    setup_policy(app)
    setup_pdf(app)
    setup_pages(app)
    setup_focus(app)
    setup_navigation(app)
    setup_search(app)
    setup_memory(app)
    app.connect("config-inited", _add_templates)
    app.connect("builder-inited", _add_static)
    return {
        "version": __version__,
        # Bump whenever what the extension keeps in the environment changes shape.
        "env_version": 3,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }


def _add_templates(app: Sphinx, config: Config) -> None:
    # The extension's own templates (sidebar/download-pdf.html) after the project's, which win.
    config.templates_path = [*config.templates_path, str(TEMPLATES)]


def _add_static(app: Sphinx) -> None:
    # CSS only for HTML builders, so nothing of it leaks into LaTeX or text output.
    if app.builder.format != "html":
        return
    # A new list, not append(): conf.py's list object may be shared by several builds.
    app.config.html_static_path = [*app.config.html_static_path, str(STATIC)]
    app.add_css_file("handbook.css")
    app.add_css_file("readers.css")  # the decision map, tags, what's new and review pages
