"""Small touches to built pages for readers using a keyboard.

A long code line makes its block scroll sideways, and a region that scrolls must be reachable by
keyboard (WCAG 2.1.1; axe's "scrollable-region-focusable"). Sphinx writes highlighted code as
``<div class="highlight"><pre>`` with no tabindex, so the handbook adds one.
"""

from __future__ import annotations

from typing import Any

CODE_BLOCK = '<div class="highlight"><pre>'
FOCUSABLE_CODE_BLOCK = '<div class="highlight"><pre tabindex="0">'


def focusable_code_blocks(app: Any, pagename: str, templatename: str, context: dict[str, Any],
                          doctree: Any) -> None:
    """``html-page-context``: every code block can take keyboard focus, so it can be scrolled."""
    body = context.get("body")
    if isinstance(body, str) and CODE_BLOCK in body:
        context["body"] = body.replace(CODE_BLOCK, FOCUSABLE_CODE_BLOCK)


def setup_reading(app: Any) -> None:
    app.connect("html-page-context", focusable_code_blocks)
