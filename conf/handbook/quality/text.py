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


def repair(run: str) -> str | None:
    """What a run of characters was meant to be, if it is UTF-8 mis-read in a known encoding.

    When both encodings decode, the shorter, cleaner result wins: "Ã©" is "é" read as
    Windows-1252, not a stray combining mark read as Mac Roman.
    """
    candidates = []
    for encoding in ENCODINGS:
        try:
            original = run.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if original == run or all(ord(char) <= 0x7F for char in original):
            continue
        categories = [unicodedata.category(char) for char in original]
        if categories[0] == "Mn" or any(cat in ("Cc", "Cn", "Co", "Cs") for cat in categories):
            continue
        candidates.append(original)
    return min(candidates, key=len) if candidates else None


def _byte(char: str, encoding: str) -> int | None:
    try:
        encoded = char.encode(encoding)
    except UnicodeEncodeError:
        return None
    return encoded[0] if len(encoded) == 1 else None


def _sequence_length(lead: int | None) -> int:
    """How many bytes a UTF-8 sequence starting with this byte has (0: not a lead byte)."""
    if lead is None:
        return 0
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _utf8_sequences(run: str, position: int, encoding: str) -> int:
    """How many characters from ``position`` read as whole UTF-8 sequences in ``encoding``."""
    end = position
    while end < len(run):
        length = _sequence_length(_byte(run[end], encoding))
        tail = [_byte(char, encoding) for char in run[end + 1:end + length]]
        if length == 0 or len(tail) != length - 1 or not all(b is not None and 0x80 <= b <= 0xBF for b in tail):
            break
        end += length
    return end - position


def _mojibake_in(run: str) -> list[tuple[int, int, str | None]]:
    """The mis-decoded UTF-8 sequences in a run of non-ASCII characters.

    Returns (start, end, repaired) within ``run``; ``repaired`` is None for a fragment that is
    clearly broken (only UTF-8 continuation bytes, e.g. an emoji whose first byte was lost) but
    cannot be repaired on its own. Each character is looked at a bounded number of times, so
    the cost is linear in the length of the text.
    """
    found: list[tuple[int, int, str | None]] = []
    position = 0
    while position < len(run) - 1:
        best: tuple[int, str] | None = None
        for encoding in ENCODINGS:
            size = _utf8_sequences(run, position, encoding)
            repaired = repair(run[position:position + size]) if size else None
            if repaired is not None and (best is None or size > best[0]):
                best = (size, repaired)
        if best is None:
            position += 1
            continue
        found.append((position, position + best[0], best[1]))
        position += best[0]
    if found:
        return found
    # Three or more characters in a row that are all UTF-8 continuation bytes (0x80-0xBF) read as
    # Mac Roman: a multi-byte sequence that lost its first byte (the seed's emoji without U+F8FF).
    # Windows-1252 maps punctuation such as “…” there too, so for it only letters count.
    for piece in re.finditer(r"[^\x00-\x7f]{3,}", run):
        for start in range(piece.start(), piece.end() - 2):
            tail = run[start:piece.end()]
            length = 0
            for encoding, letters_only in (("mac_roman", False), ("cp1252", True)):
                count = 0
                for char in tail:
                    byte = _byte(char, encoding)
                    if byte is None or not 0x80 <= byte <= 0xBF or (letters_only and not char.isalpha()):
                        break
                    count += 1
                if count >= 3 and any(char.isalpha() for char in tail[:count]):
                    length = max(length, count)
            if length:
                found.append((start, start + length, None))
                break
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
