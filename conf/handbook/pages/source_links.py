"""Furo's "edit this page" and "view source" buttons, pointed at the handbook's repository.

The repository comes from ``handbook_repository_url`` (or ``$HANDBOOK_REPOSITORY_URL``; in GitHub
Actions, the workflow's own repository), so a fork's site links to the fork. With none, Furo shows
no buttons rather than links to nowhere.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def repository_url(config: Config) -> str:
    url = (config.handbook_repository_url or "").strip().rstrip("/")
    if not url and os.environ.get("GITHUB_ACTIONS") == "true" and os.environ.get("GITHUB_REPOSITORY"):
        url = f"{os.environ.get('GITHUB_SERVER_URL', 'https://github.com')}/{os.environ['GITHUB_REPOSITORY']}"
    return url


def source_folder(srcdir: Path) -> str | None:
    """The source tree's path inside its git repository ("docs/"), or None outside one."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=srcdir, capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if top.returncode != 0 or not top.stdout.strip():
        return None
    relative = Path(srcdir).resolve().relative_to(Path(top.stdout.strip()).resolve()).as_posix()
    return "" if relative == "." else relative + "/"


def links(url: str, branch: str, folder: str) -> dict[str, str]:
    """Furo's link templates; ``{filename}`` is the page's source path inside the source tree."""
    if "gitlab" in url:
        edit, view = f"{url}/-/edit/{branch}/{folder}{{filename}}", f"{url}/-/blob/{branch}/{folder}{{filename}}"
    else:  # GitHub and forges that copy its URL scheme (Gitea, Forgejo)
        edit, view = f"{url}/edit/{branch}/{folder}{{filename}}", f"{url}/blob/{branch}/{folder}{{filename}}"
    return {"source_edit_link": edit, "source_view_link": view}


def configure(app: Sphinx, config: Config) -> None:
    if config.html_theme != "furo":
        return
    url = repository_url(config)
    options = dict(config.html_theme_options or {})
    if not url:
        options.setdefault("top_of_page_buttons", [])
    else:
        folder = source_folder(Path(app.srcdir))
        if folder is None:
            options.setdefault("top_of_page_buttons", [])
        else:
            for key, value in links(url, config.handbook_repository_branch or "main", folder).items():
                options.setdefault(key, value)
            options.setdefault("top_of_page_buttons", ["view", "edit"])
    config.html_theme_options = options
