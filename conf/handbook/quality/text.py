"""Bad text in sources: mis-decoded UTF-8 (mojibake), replacement, private-use and control characters.

Plain functions over a page's text, so they are unit-tested without Sphinx. ``ftfy`` is the usual
library for this, but it repairs and does not report, and it misses one of the four broken emoji the
Engineering page arrived with ("üöÄ" after a private-use U+F8FF); the rules here are small and
target exactly the failure: UTF-8 bytes read as Mac Roman or Windows-1252.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

# The two 8-bit encodings UTF-8 is most often mis-read as: Mac Roman (where U+F8FF is byte 0xF0,
# the lead byte of every 4-byte emoji) and Windows-1252 (which covers Latin-1's letters).
ENCODINGS = ("mac_roman", "cp1252")

# Runs of characters that could be mis-decoded UTF-8: anything outside ASCII, in a row.
NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{2,}")

# Characters that should never sit in a handbook source. Tab, newline and carriage return are fine.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")
# Bidirectional overrides and isolates can make code read differently from how it runs.
BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
PRIVATE_USE = re.compile(r"[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")


@dataclasses.dataclass(frozen=True)
class BadText:
    rule: str  # "mojibake", "replacement", "private-use", "control"
    line: int  # 1-based
    column: int  # 1-based
    message: str


def _codepoints(text: str) -> str:
    return " ".join(f"U+{ord(char):04X}" for char in text)


def _shown(text: str) -> str:
    """Text as a writer can find it: printable characters as they are, others as code points."""
    return "".join(char if char.isprintable() and not PRIVATE_USE.match(char) else f"<U+{ord(char):04X}>"
                   for char in text)


def _characters_for(encoding: str, low: int, high: int, letters_only: bool = False) -> str:
    """A regex character class of the characters that ``encoding`` writes as a byte in [low, high]."""
    chars = {bytes([byte]).decode(encoding, errors="ignore") for byte in range(low, high + 1)}
    return "[" + "".join(re.escape(c) for c in sorted(chars) if c and (not letters_only or c.isalpha())) + "]"


# Where a mis-decoded sequence can start (a UTF-8 lead byte in either encoding), and the stretches
# of UTF-8 continuation bytes that a sequence which lost its lead leaves behind: found by the
# regex engine, so long runs of other characters cost next to nothing.
LEAD = re.compile("|".join(_characters_for(encoding, 0xC2, 0xF4) for encoding in ENCODINGS))
HIGH_BYTES = {encoding: re.compile(_characters_for(encoding, 0x80, 0xFF) + "+") for encoding in ENCODINGS}
CONTINUATIONS = {
    "mac_roman": re.compile(_characters_for("mac_roman", 0x80, 0xBF) + "{3,}"),
    "cp1252": re.compile(_characters_for("cp1252", 0x80, 0xBF, letters_only=True) + "{3,}"),
}


def _mis_decoded_at(run: str, position: int, encoding: str) -> tuple[int, str] | None:
    """The longest stretch of whole mis-decoded sequences from ``position``: (length, repair).

    The characters from ``position`` that ``encoding`` writes as single high bytes are turned back
    into those bytes and read as UTF-8 in one go (the codec stops at the first byte that is not
    part of a whole sequence); the repair then ends before the first character no writer means
    (control, unassigned, private-use, surrogate), and never starts with a combining mark ("Ã©" is
    é, not a stray accent).
    """
    stretch = HIGH_BYTES[encoding].match(run, position)
    if stretch is None:
        return None
    raw = stretch.group(0).encode(encoding)
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        decoded = raw[:error.start].decode("utf-8")
    if not decoded or unicodedata.category(decoded[0]) == "Mn":
        return None
    length = 0  # in characters of ``run``: one per byte
    for index, char in enumerate(decoded):
        if unicodedata.category(char) in ("Cc", "Cn", "Co", "Cs"):
            decoded = decoded[:index]
            break
        length += len(char.encode("utf-8"))
    return (length, decoded) if decoded else None


def _mojibake_in(run: str) -> list[tuple[int, int, str | None]]:
    """The mis-decoded UTF-8 sequences in a run of non-ASCII characters.

    Returns (start, end, repaired) within ``run``; ``repaired`` is None for a fragment that is
    clearly broken (only UTF-8 continuation bytes, e.g. an emoji whose first byte was lost) but
    cannot be repaired on its own. Linear in the length of the run: each position is either
    skipped after looking at one sequence (at most four characters) or consumed by a repair, and
    the lost-lead search below makes one pass per encoding. (A line of 100,000 characters is
    checked in well under a second; tests/test_quality_text.py holds it to that.)
    """
    found: list[tuple[int, int, str | None]] = []
    position = 0
    while position < len(run) - 1:
        lead = LEAD.search(run, position)
        if lead is None:
            break
        position = lead.start()
        best: tuple[int, str] | None = None
        for encoding in ENCODINGS:
            candidate = _mis_decoded_at(run, position, encoding)
            if candidate is not None and (best is None or candidate[0] > best[0]
                                          or (candidate[0] == best[0] and len(candidate[1]) < len(best[1]))):
                best = candidate
        if best is None:
            position += 1
            continue
        found.append((position, position + best[0], best[1]))
        position += best[0]
    if found:
        return found
    # Three or more characters in a row that are all UTF-8 continuation bytes (0x80-0xBF) read as
    # Mac Roman: a multi-byte sequence that lost its first byte (the seed's emoji without U+F8FF).
    # Windows-1252 maps punctuation such as “…” there too, so for it only letters count. One
    # finding per piece: the earliest stretch of three or more with a letter in it.
    for piece in re.finditer(r"[^\x00-\x7f]{3,}", run):
        text = piece.group(0)
        starts: dict[int, int] = {}  # start -> longest stretch from there, over both encodings
        for stretches in CONTINUATIONS.values():
            for stretch in stretches.finditer(text):
                if any(char.isalpha() for char in stretch.group(0)):
                    starts[stretch.start()] = max(starts.get(stretch.start(), 0), len(stretch.group(0)))
        if starts:
            start = min(starts)
            found.append((piece.start() + start, piece.start() + start + starts[start], None))
    return found


def find_bad_text(text: str) -> list[BadText]:
    """Every bad character or mis-decoded sequence in a page, with its line and column."""
    found: list[BadText] = []
    # Split on newlines only, as Sphinx counts lines: str.splitlines() would also split on U+0085,
    # U+2028 and other characters this check must report.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        covered: set[int] = set()
        for match in NON_ASCII_RUN.finditer(line):
            for start, end, repaired in _mojibake_in(match.group(0)):
                piece = match.group(0)[start:end]
                column = match.start() + start
                covered.update(range(column, column + len(piece)))
                if repaired is not None:
                    fix = f"replace it with '{repaired}' ({_codepoints(repaired)})"
                else:
                    fix = "retype the character it stands for"
                found.append(BadText("mojibake", number, column + 1,
                                     f"mis-decoded UTF-8 (mojibake) '{_shown(piece)}'; {fix}"))
        for pattern, rule, what, fix in (
            (re.compile("\ufffd"), "replacement", "replacement character U+FFFD",
             "the original character was lost in a conversion; retype it"),
            (PRIVATE_USE, "private-use", "private-use character", "it shows differently on every system; "
             "remove it or use the standard character"),
            (CONTROL, "control", "control character", "remove it"),
            (BIDI, "control", "bidirectional control character", "remove it; it can make text read "
             "differently from how it is stored"),
        ):
            for match in pattern.finditer(line):
                if match.start() in covered:
                    continue  # already reported as part of a mis-decoded sequence
                name = unicodedata.name(match.group(0), "")
                label = what if rule == "replacement" else (
                    f"{what} {_codepoints(match.group(0))}" + (f" ({name})" if name else ""))
                found.append(BadText(rule, number, match.start() + 1, f"{label}; {fix}"))
    return found
