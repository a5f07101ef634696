"""Every page shows the whole navigation: when it changes, every page is written again.

Sphinx re-writes an edited page and the pages whose toctree lists it, but not the rest of the
site, although a new title or a moved page changes the navigation on every page. With the fast
navigation writing every page is cheap, so it is done whenever the navigation's signature differs
from the one of the last successful build. An edit to a page's body leaves the signature alone,
and the build stays incremental.

The signature lives in a small file beside Sphinx's doctrees, not in the environment: nothing here
is pickled with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def signature_file(app: Any) -> Path:
    return Path(app.doctreedir) / f"handbook-navigation-{app.builder.name}.sha256"


def changed(app: Any, signature: str) -> bool:
    """True when the last successful build had another navigation, or is not known."""
    try:
        return signature_file(app).read_text(encoding="utf-8").strip() != signature
    except OSError:
        return True


def remember(app: Any, signature: str) -> None:
    path = signature_file(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(signature + "\n", encoding="utf-8")
