"""The Content-Security-Policy every page carries, behind the built-site policy.

GitHub Pages and most static hosts send no headers a project can set, so the policy travels in the
page as ``<meta http-equiv="Content-Security-Policy">`` (README shows it as a header for hosts that
allow one). Scripts: the site's own files and the theme's inline scripts by hash, never
``'unsafe-inline'``, so a script that slipped past the gate still does not run.
"""

from __future__ import annotations

from html import escape

from .page import script_hash

# The inline scripts the theme writes into every page, exactly as it writes them. Furo (pinned in
# pyproject.toml) sets the reader's light/dark choice before the page paints. If a new Furo adds or
# changes one, `make check` reports it as an inline <script> on every page: read it, then add it here.
THEME_SCRIPTS = (
    '\n      document.body.dataset.theme = localStorage.getItem("theme") || "auto";\n    ',
)
THEME_HASHES = frozenset(script_hash(text) for text in THEME_SCRIPTS)


def policy() -> str:
    """The policy, one directive per fact.

    - ``style-src 'unsafe-inline'``: Furo writes ``<style>`` with its colours and ``style=""`` on its
      icons. CSS runs no code, and with everything else limited to 'self' it can load nothing from
      another origin either (the gate checks CSS urls too); hashing every style attribute would
      need 'unsafe-hashes' for no gain.
    - ``img-src data:``: the one data: URL the gate allows, raster images in ``<img src>``.
    - ``frame-ancestors`` is ignored in a meta element; hosts that send headers add it (README).
    """
    # 'wasm-unsafe-eval': the search (Pagefind, ADR-0009) runs in WebAssembly, which a policy must
    # allow by name. It allows compiling WebAssembly only, never eval() of JavaScript.
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *sorted(THEME_HASHES)])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


def meta_tag() -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{escape(policy(), quote=True)}">\n'
