"""Sphinx configuration for the Mbodi Handbook.

Run with ``-c conf``: configuration and sources stay apart, and nothing here assumes the source
tree is ``docs/`` (``make html SOURCEDIR=any/tree`` builds any MyST tree the same way).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

CONF_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(CONF_DIR))  # the handbook's own extension package lives beside this file

project = "Mbodi Handbook"
author = "Mbodi Engineering"
copyright = "Mbodi"  # no year: a build must not depend on the day it runs
root_doc = "index"
language = "en"

extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinx_copybutton",
    "sphinx_last_updated_by_git",
    "notfound.extension",
    "handbook",
]

source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", ".venv", "**/.*"]
templates_path = [str(CONF_DIR / "_templates")]

# Every reference must resolve: a broken cross-reference is a warning, and warnings fail the build.
nitpicky = True
# One mistake, one message: a missing image or download is reported (at its line) as
# image.not_readable / download.not_readable; sphinx-last-updated-by-git would report the same
# file again, at line 1, in its own words ("Dependency file PosixPath(...) doesn't exist").
# A page's front matter that is not valid YAML is reported by the handbook, with the line and the
# reason (myst.topmatter says "Malformed YAML" at line 1, and would say it a second time).
suppress_warnings = ["git.dependency_not_found", "myst.topmatter"]

# --- MyST -------------------------------------------------------------------------------------
myst_enable_extensions = [
    "attrs_block",
    "attrs_inline",
    "colon_fence",
    "deflist",
    "fieldlist",
    "tasklist",
]
# GitHub-style anchors for headings down to ###, so [x](page.md#some-heading) resolves.
myst_heading_anchors = 3

# --- HTML (Furo) ------------------------------------------------------------------------------
html_theme = "furo"
html_title = "Mbodi Handbook"
html_static_path: list[str] = []  # the extension adds its own static folder for HTML builders
# "Last updated" from git: the author date of the last commit that changed the page, in UTC so
# every machine prints the same date. A shallow clone shows no date (a notice, never a warning).
html_last_updated_fmt = "%Y-%m-%d"
git_last_updated_timezone = "UTC"
# The 404 page links assets by absolute path: where the site is served from ("/" at a domain's
# root, "/handbook/" under a path, as on a project's GitHub Pages).
notfound_urls_prefix = os.environ.get("HANDBOOK_BASE_PATH", "/")
html_copy_source = False
# Furo's sidebar, with the handbook's "Download PDF" under the search box.
html_sidebars = {"**": ["sidebar/brand.html", "sidebar/search.html", "sidebar/download-pdf.html",
                        "sidebar/scroll-start.html", "sidebar/navigation.html", "sidebar/scroll-end.html"]}
html_show_sourcelink = False

# --- Copy button: copy commands, never prompts or their output --------------------------------
copybutton_prompt_text = r">>> |\.\.\. |\$ |In \[\d*\]: | {2,5}\.\.\.: "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_remove_prompts = True
# Prompts are found by the pattern above, not removed by their highlighting class (".gp"): a block
# whose prompts are already gone has no prompt lines, so copybutton would copy it whole, output lines
# emptied, and the copy would end in a newline that runs the last command on paste.
copybutton_exclude = ".linenos, .go"
# No blank lines either: an emptied output line at the end is a newline too.
copybutton_copy_empty_lines = False

# --- PDF (LaTeX, LuaLaTeX; see ADR-0003) ------------------------------------------------------
# The handbook's PDF styling (fonts with a colour-emoji fallback, status colours, sphinx-design
# components) lives in the extension, conf/handbook/pdf/; here only the document itself.
latex_engine = "lualatex"
latex_documents = [(root_doc, "mbodi-handbook.tex", "Mbodi Handbook", author, "manual", True)]
latex_show_urls = "footnote"
latex_show_pagerefs = False
latex_domain_indices = False
latex_use_xindy = False
# The PDFs published with the site: `make html` sets $HANDBOOK_PDF_DIR to the folder `make pdf`
# writes them to. The PDF is named after the .tex file above: this is the one place its name is set.
handbook_pdf_dir = os.environ.get("HANDBOOK_PDF_DIR", "")

# --- make check: findings silenced on purpose -------------------------------------------------
# Each entry silences one kind of finding (optionally only in files matching a glob) and must say
# why; an entry without a reason is itself a finding. Example:
#   {"kind": "orphan", "files": "drafts/*.md", "reason": "drafts are reached from the RFC page"}
handbook_check_silence: list[dict[str, str]] = []

# --- make linkcheck ---------------------------------------------------------------------------
# External links, checked by the handbook-linkcheck builder on Sphinx's own checker (ADR-0004;
# README "Link check" lists every setting and its default). Only what differs from the defaults
# is here: a shorter wait than Sphinx's 30 s, and three tries for a failure that may pass (a
# dropped connection, a 500/502/504) where Sphinx tries once.
linkcheck_timeout = 20  # seconds for one whole attempt at a link, reading the page included
linkcheck_retries = 3
# Links that are correct but cannot be checked. One URL or one path per entry, never a whole
# site, and always with the reason; an entry without one stops the build. Example:
#   {"pattern": r"https://status\.example\.com/private/", "reason": "needs a company login"}
handbook_linkcheck_exclude: list[dict[str, str]] = []
