"""Keyboard focus for code blocks.

A long code line makes its block scroll sideways, and a region that scrolls must be reachable by
keyboard (WCAG 2.1.1; axe's "scrollable-region-focusable"). Sphinx writes highlighted code as
``<div class="highlight"><pre>`` with no tabindex. The handbook gives the HTML builders a
translator, derived from whichever one they would use (so another extension's translator keeps
its behaviour), whose ``visit_literal_block`` adds ``tabindex="0"`` to the block it has just
written, and nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from .translators import derive_translator

if TYPE_CHECKING:
    from sphinx.application import Sphinx

CODE_BLOCK = '<div class="highlight"><pre>'
FOCUSABLE_CODE_BLOCK = '<div class="highlight"><pre tabindex="0">'


def focusable(base: type) -> type:
    """``base`` with code blocks that take keyboard focus."""

    class FocusableCodeTranslator(base):
        def visit_literal_block(self, node: nodes.literal_block) -> None:
            start = len(self.body)
            try:
                super().visit_literal_block(node)
            finally:  # Sphinx's visit raises SkipNode once the highlighted block is in the body
                for index in range(start, len(self.body)):
                    if CODE_BLOCK in self.body[index]:
                        self.body[index] = self.body[index].replace(CODE_BLOCK, FOCUSABLE_CODE_BLOCK, 1)
                        break

    FocusableCodeTranslator.__name__ = f"Focusable{base.__name__}"
    return FocusableCodeTranslator


def use_focusable_translator(app: Sphinx) -> None:
    """``builder-inited``: HTML builders write code blocks with a tabindex."""
    derive_translator(app, "html", "_handbook_focusable", focusable)


def setup_focus(app: Sphinx) -> None:
    app.connect("builder-inited", use_focusable_translator)
