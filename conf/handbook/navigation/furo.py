"""What the fast navigation needs from Furo, checked at start-up, and where it plugs in.

Furo's ``html-page-context`` handler calls the module function ``_compute_navigation_tree(context)``
for every page. That function is routed through :func:`navigation_tree`, which answers for the
page the handbook announced (:func:`expect`) and hands every other call to Furo unchanged.
Only the Furo versions listed here have been compared page by page with the fast navigation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sphinx.errors import ExtensionError

SUPPORTED_FURO = ("2025.12.19",)
TURN_OFF = "set handbook_fast_navigation = False in conf.py to use Furo's own (slower) navigation"

Context = dict[str, Any]
_ORIGINAL = "__handbook_original__"
# The page whose navigation the handbook computes: (its template context, how to compute it).
_expected: tuple[Context, Callable[[], str | None]] | None = None


def furo_module() -> Any:
    import furo

    return furo


def check_supported(furo: Any) -> None:
    """Stop the build, saying what to do, when this Furo is not one the fast path was proven on."""
    version = getattr(furo, "__version__", "unknown")
    if version not in SUPPORTED_FURO:
        raise ExtensionError(
            f"handbook navigation: Furo {version} is installed, but the fast navigation supports only "
            f"Furo {', '.join(SUPPORTED_FURO)} (pinned in requirements.lock); install that version, "
            f"or {TURN_OFF}")
    navigation = getattr(furo, "navigation", None)
    if not callable(getattr(furo, "_compute_navigation_tree", None)) or not callable(
            getattr(navigation, "get_navigation_tree", None)):
        raise ExtensionError(
            f"handbook navigation: this Furo {version} does not have the functions the fast navigation "
            f"replaces (_compute_navigation_tree, navigation.get_navigation_tree); {TURN_OFF}")


def furos_own(furo: Any) -> Callable[[Context], str]:
    """Furo's own ``_compute_navigation_tree``, even when the handbook's is installed."""
    current = furo._compute_navigation_tree
    return getattr(current, _ORIGINAL, current)


def install(furo: Any) -> None:
    if getattr(furo._compute_navigation_tree, _ORIGINAL, None) is not None:
        return
    original = furo._compute_navigation_tree

    def navigation_tree(context: Context) -> str:
        expected = _expected
        if expected is not None and expected[0] is context:
            computed = expected[1]()
            if computed is not None:
                return computed
        return original(context)

    setattr(navigation_tree, _ORIGINAL, original)
    furo._compute_navigation_tree = navigation_tree


def uninstall(furo: Any) -> None:
    original = getattr(furo._compute_navigation_tree, _ORIGINAL, None)
    if original is not None:
        furo._compute_navigation_tree = original


def expect(context: Context, compute: Callable[[], str | None]) -> None:
    """The next navigation Furo asks for with this ``context`` is ``compute()`` (None: Furo's)."""
    global _expected
    _expected = (context, compute)


def forget() -> None:
    global _expected
    _expected = None


def furo_arguments(furo: Any) -> dict[str, Any]:
    """The arguments Furo passes to the ``toctree()`` template function for its navigation."""
    seen: dict[str, Any] = {}

    def toctree(**kwargs: Any) -> str:
        seen.update(kwargs)
        return ""

    furos_own(furo)({"toctree": toctree})
    return seen
