"""Changing how a builder writes a node, without taking its translator away from other extensions.

Sphinx keeps one translator class per builder. An extension that replaced it outright would undo
any other extension's (or the project's) replacement, so the handbook derives its translator from
whichever one the builder would use, once per class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder


def derive_translator(app: Sphinx, output_format: str, mark: str, derive: Callable[[type], type]) -> None:
    """For a builder of ``output_format``: its translator class, derived by ``derive`` unless the
    class already is (it carries ``mark``)."""
    builder: Builder = app.builder
    if builder.format != output_format:
        return
    base = builder.get_translator_class()
    if not getattr(base, mark, False):
        translator = derive(base)
        setattr(translator, mark, True)
        app.set_translator(builder.name, translator, override=True)
