"""Every place the handbook's navigation relies on code Sphinx and Furo keep to themselves.

Nothing else in the extension touches these. Each is something upstream may change in any
release, so :func:`differences` looks at the installed code and says, in words, what no longer
holds; the test suite fails with that message after an upgrade, and at start-up a Furo the fast
navigation was not compared with is a warning and Furo's own navigation, never a stopped build.

- ``furo._compute_navigation_tree(context)``, a private module function Furo's
  ``html-page-context`` handler calls for every page: it is wrapped (:func:`install`) so that it
  answers for pages the handbook announced in the page's own context (:func:`announce`). No
  state lives in a module: the announcement travels with the context it is about.
- ``StandaloneHTMLBuilder._get_local_toctree``, the private method behind the ``toctree()``
  template function, run on a stand-in builder (:func:`local_toctree`).
- The ``toctree`` function Sphinx puts in a page's context is a lambda defined in
  ``StandaloneHTMLBuilder.handle_page``; an extension that replaces it is recognised by its
  ``__qualname__`` (:func:`is_sphinxs_toctree`).
- ``env.files_to_rebuild``, read by ``Builder.write`` only, after the environment is pickled:
  set aside when the site's signature shows that the pages it would add show nothing new
  (:func:`set_aside_toctree_parents`).
- ``BuildEnvironment.master_doctree``, a ``functools.cached_property`` that Sphinx's pickling of
  the environment does not clear: read before the environment is saved, the root page's doctree
  is stored with it and a later build resolves every toctree from that stale copy (a page added to
  the root toctree then appears in no sidebar). :func:`forget_root_doctree` drops the copy.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import BuildEnvironment

SUPPORTED_FURO = ("2025.12.19",)
TURN_OFF = "set handbook_fast_navigation = False in conf.py to use Furo's own (slower) navigation"

Context = dict[str, Any]
# Where a page's context carries the handbook's answer for that page, between the handler that
# announces it (before Furo's) and the one that withdraws it (after Furo's).
ANNOUNCED = "_handbook_navigation"
_ORIGINAL = "__handbook_original__"  # on the wrapper: Furo's own function
SPHINX_TOCTREE = "StandaloneHTMLBuilder.handle_page."


def furo_module() -> ModuleType | None:
    try:
        import furo
    except ImportError:
        return None
    return furo


def unsupported(furo: ModuleType) -> str | None:
    """Why the fast navigation cannot run with this Furo, or None when it can."""
    version = getattr(furo, "__version__", "unknown")
    if version not in SUPPORTED_FURO:
        return (f"Furo {version} is installed, but the fast navigation was compared only with Furo "
                f"{', '.join(SUPPORTED_FURO)} (pinned in requirements.lock)")
    missing = _furo_differences(furo)
    if missing:
        return f"this Furo {version} is not as the fast navigation expects ({'; '.join(missing)})"
    return None


def furos_own(furo: Any) -> Callable[[Context], str]:
    """Furo's own ``_compute_navigation_tree``, even while the handbook's wrapper is installed."""
    current = furo._compute_navigation_tree
    return getattr(current, _ORIGINAL, current)


def install(furo: Any) -> None:
    """Route Furo's navigation through the handbook for the pages it announces (once per build)."""
    if getattr(furo._compute_navigation_tree, _ORIGINAL, None) is not None:
        return
    original = furo._compute_navigation_tree

    def navigation_tree(context: Context) -> str:
        compute = context.get(ANNOUNCED)
        if compute is not None:
            computed = compute()
            if computed is not None:
                return computed
        return original(context)

    setattr(navigation_tree, _ORIGINAL, original)
    furo._compute_navigation_tree = navigation_tree


def uninstall(furo: Any) -> None:
    original = getattr(furo._compute_navigation_tree, _ORIGINAL, None)
    if original is not None:
        furo._compute_navigation_tree = original


def announce(context: Context, compute: Callable[[], str | None]) -> None:
    """Furo's navigation for this page's ``context`` is ``compute()`` (None: Furo computes it)."""
    context[ANNOUNCED] = compute


def withdraw(context: Context) -> None:
    context.pop(ANNOUNCED, None)  # nothing of the handbook's is left for templates or serialisers


def local_toctree(builder: StandaloneHTMLBuilder, stand_in: Any, docname: str, **kwargs: Any) -> str:
    """The builder's own ``toctree()`` for ``docname``, run with ``stand_in`` as the builder."""
    return type(builder)._get_local_toctree(stand_in, docname, **kwargs)


def standard_links(builder: Builder) -> bool:
    """True when links and the toctree call are those of the html and dirhtml builders."""
    return (type(builder).get_relative_uri is Builder.get_relative_uri
            and getattr(type(builder), "_get_local_toctree", None) is StandaloneHTMLBuilder._get_local_toctree)


def is_sphinxs_toctree(toctree: Any) -> bool:
    return getattr(toctree, "__qualname__", "").startswith(SPHINX_TOCTREE)


def forget_root_doctree(env: BuildEnvironment) -> None:
    """Drop the cached root doctree, so it is never pickled with the environment nor used stale."""
    env.__dict__.pop("master_doctree", None)


def set_aside_toctree_parents(env: BuildEnvironment) -> dict[str, set[str]]:
    """Empty Sphinx's "write the page whose toctree lists a written page" table; return it.

    ``Builder.write`` adds, for every page it writes, the pages whose toctree lists it, for the
    titles and headings they show. When the site's signature says no title or heading changed,
    those pages show nothing new. The table is pickled before this runs and put back by
    :func:`restore_toctree_parents`.
    """
    table = env.files_to_rebuild
    env.files_to_rebuild = {}
    return table


def restore_toctree_parents(env: BuildEnvironment, table: dict[str, set[str]]) -> None:
    for docname, parents in env.files_to_rebuild.items():
        table.setdefault(docname, set()).update(parents)
    env.files_to_rebuild = table


# --- what the code above relies on, checked against the installed code --------------------------------


def forget_asset_checksums() -> None:
    """Sphinx caches each static file's ``?v=`` checksum for the life of the process (by path). The
    shared navigation file changes between builds of one folder, so a second build in the same
    process (the test suite, a long-running preview) would stamp pages with the old checksum."""
    from sphinx.builders.html import _assets

    _assets._file_checksum_inner.cache_clear()


def differences(furo: ModuleType | None = None) -> list[str]:
    """Each assumption above that the installed Sphinx or Furo no longer meets, in words."""
    found: list[str] = []
    root = inspect.getattr_static(BuildEnvironment, "master_doctree", None)
    if not isinstance(root, functools.cached_property):
        found.append("Sphinx: BuildEnvironment.master_doctree is no longer a functools.cached_property; "
                     "review forget_root_doctree()")
    local = getattr(StandaloneHTMLBuilder, "_get_local_toctree", None)
    if local is None or list(inspect.signature(local).parameters)[:3] != ["self", "docname", "collapse"]:
        found.append("Sphinx: StandaloneHTMLBuilder._get_local_toctree(self, docname, collapse, **kwargs) "
                     "is gone or changed; review local_toctree()")
    handle_page = inspect.getsource(StandaloneHTMLBuilder.handle_page)
    if "ctx['toctree'] = lambda **kwargs: self._get_local_toctree(pagename, **kwargs)" not in handle_page:
        found.append("Sphinx: handle_page no longer sets ctx['toctree'] to a lambda calling "
                     "_get_local_toctree; review is_sphinxs_toctree()")
    write = inspect.getsource(Builder.write)
    if "env.files_to_rebuild.get(docname, ())" not in write:
        found.append("Sphinx: Builder.write no longer adds the pages of env.files_to_rebuild; review "
                     "set_aside_toctree_parents()")
    from sphinx.builders.html import _assets

    if not hasattr(getattr(_assets, "_file_checksum_inner", None), "cache_clear"):
        found.append("Sphinx: sphinx.builders.html._assets._file_checksum_inner is no longer a cached "
                     "function; review forget_asset_checksums()")
    furo = furo if furo is not None else furo_module()
    if furo is not None:
        found.extend(f"Furo: {text}" for text in _furo_differences(furo))
    return found


def _furo_differences(furo: ModuleType) -> list[str]:
    found = []
    function = getattr(furo, "_compute_navigation_tree", None)
    function = getattr(function, _ORIGINAL, function)
    if not callable(function) or list(inspect.signature(function).parameters) != ["context"]:
        found.append("_compute_navigation_tree(context) is gone or changed")
    handler = getattr(furo, "_html_page_context", None)
    if handler is None or "_compute_navigation_tree(context)" not in inspect.getsource(handler):
        found.append("its html-page-context handler no longer calls _compute_navigation_tree(context)")
    navigation = getattr(furo, "navigation", None)
    if not callable(getattr(navigation, "get_navigation_tree", None)):
        found.append("furo.navigation.get_navigation_tree is gone")
    return found
