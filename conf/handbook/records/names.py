"""File names from titles: ``Café à la carte`` -> ``cafe-a-la-carte``.

A file name must be ASCII (URLs, every file system, every shell), but titles are written in any
script. anyascii transliterates every script, not only accented Latin letters (Unicode's own
NFKD decomposition turns ``é`` into ``e`` but drops ``ß``, ``ø`` and every non-Latin letter), and
it is a small, pure-Python library with no dependencies.
"""

from __future__ import annotations

import re

# Enough for a title of a dozen words; file names (255 bytes) and paths stay well within limits.
LONGEST_SLUG = 60


def slugify(title: str) -> str:
    """``Use X for Y!`` -> ``use-x-for-y``: ASCII letters and digits joined by hyphens, at most
    ``LONGEST_SLUG`` characters, cut at a word boundary where there is one."""
    # Imported here: a build needs it only to suggest a name for a badly named record.
    from anyascii import anyascii

    words = re.findall(r"[a-z0-9]+", anyascii(title).lower())
    slug = "-".join(words)
    if len(slug) <= LONGEST_SLUG:
        return slug
    cut = slug[:LONGEST_SLUG + 1]
    boundary = cut.rfind("-")
    return (cut[:boundary] if boundary >= LONGEST_SLUG // 2 else cut[:LONGEST_SLUG]).strip("-")


def suggest_record_name(basename: str) -> str:
    """A ``NNNN-slug`` name close to a record file name that does not have that shape."""
    digits = re.match(r"\d+", basename)
    number = digits.group(0)[:4].zfill(4) if digits else "0000"
    rest = basename[digits.end():] if digits else basename
    return f"{number}-{slugify(rest) or 'title'}"
