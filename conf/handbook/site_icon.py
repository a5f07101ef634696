"""The handbook's icon: a favicon on every page, and ``/favicon.ico`` at the site's root.

Sphinx links ``html_favicon`` from every page, which is what browsers use; but feed readers, link
previews and some browsers ask for ``/favicon.ico`` without reading the page, and got a 404. The
icon is the SVG in ``_static`` (sharp at any size); ``_extra/favicon.ico`` holds the same picture
rendered at 16, 32 and 48 px (PNG images in an ICO container) for the root of the site.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

HERE = Path(__file__).parent
ICON = HERE / "_static" / "favicon.svg"
EXTRA = HERE / "_extra"


def _default_icon(app: Sphinx, config: Config) -> None:
    # A project's own html_favicon wins.
    if not config.html_favicon:
        config.html_favicon = str(ICON)


def _root_icon(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    # A new list, not append(): conf.py's list object may be shared by several builds.
    app.config.html_extra_path = [*app.config.html_extra_path, str(EXTRA)]


def setup_site_icon(app: Sphinx) -> None:
    app.connect("config-inited", _default_icon)
    app.connect("builder-inited", _root_icon)
