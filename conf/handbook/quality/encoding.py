"""Pages that are not valid UTF-8: one finding at the first bad byte, never a stopped build.

Sphinx reads every page with ``read_text(encoding=...)`` and strict errors, so one Latin-1 byte
stops the whole build with "Encoding error!" and a traceback file. The handbook reads pages with
its own codec instead: UTF-8 (a BOM allowed, as Sphinx's ``utf-8-sig``) whose undecodable bytes
become lone surrogates (Python's ``surrogateescape``), which no real text contains. The page's
``source-read`` check then reports them once, where they are, and puts U+FFFD in their place, so
the rest of the page and of the handbook builds.

Python's codec registry is the only hook Sphinx leaves here (it passes ``env.settings
["input_encoding"]`` to ``read_text``); the codec is registered once per process, under a name of
the handbook's own, and changes nothing for any other encoding.
"""

from __future__ import annotations

import codecs
import encodings.utf_8_sig
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

CODEC = "handbook_utf_8"
# The surrogates surrogateescape makes of bytes 0x80-0xFF.
ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


class _Decoder(encodings.utf_8_sig.IncrementalDecoder):
    def __init__(self, errors: str = "strict") -> None:
        super().__init__("surrogateescape")


def _decode(data: bytes, errors: str = "strict") -> tuple[str, int]:
    return _Decoder().decode(bytes(data), final=True), len(data)


def _search(name: str) -> codecs.CodecInfo | None:
    if name != CODEC:
        return None
    base = codecs.lookup("utf-8-sig")
    return codecs.CodecInfo(
        name=CODEC, encode=base.encode, decode=_decode,  # type: ignore[arg-type]  # typeshed wants a class
        incrementalencoder=base.incrementalencoder, incrementaldecoder=_Decoder,
        streamreader=base.streamreader, streamwriter=base.streamwriter)


def register() -> None:
    try:
        codecs.lookup(CODEC)
    except LookupError:
        codecs.register(_search)


def read_pages_leniently(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: read pages with the handbook's codec (only if Sphinx would use UTF-8)."""
    if str(env.settings.get("input_encoding", "")).lower().replace("-", "_") in ("utf_8", "utf_8_sig", "utf8"):
        env.settings["input_encoding"] = CODEC


def not_utf8(text: str) -> tuple[int, str, int] | None:
    """(line, description, how many bad bytes) for the first byte that was not UTF-8, if any."""
    first = ESCAPED_BYTE.search(text)
    if first is None:
        return None
    byte = ord(first.group(0)) - 0xDC00
    guess = bytes([byte]).decode("cp1252", errors="replace")
    seen_as = f" ('{guess}' in Windows-1252/Latin-1)" if guess.isprintable() and guess != "\ufffd" else ""
    count = len(ESCAPED_BYTE.findall(text))
    line = text.count("\n", 0, first.start()) + 1
    return line, f"byte 0x{byte:02X}{seen_as}", count


def replace_bad_bytes(text: str) -> str:
    return ESCAPED_BYTE.sub("\ufffd", text)
