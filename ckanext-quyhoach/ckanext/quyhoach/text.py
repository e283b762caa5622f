"""Vietnamese text helpers: diacritic folding, URL names and collation keys."""

from __future__ import annotations

import re
import unicodedata

# Vietnamese letters in alphabetical order (a ă â b c d đ e ê ... ư v x y).
# Tones are secondary: "ba" < "bà" < "bả", and they only break ties.
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
_TONE_MARKS = {
    "\u0300": 1,  # huyền
    "\u0309": 2,  # hỏi
    "\u0303": 3,  # ngã
    "\u0301": 4,  # sắc
    "\u0323": 5,  # nặng
}


def fold(text: str) -> str:
    """Lower-case TEXT and drop every diacritic, with đ folded to d."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.lower()


def slugify(text: str, max_length: int = 100) -> str:
    """Build a readable ASCII URL name: "Quy hoạch Đà Nẵng" gives "quy-hoach-da-nang"."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")


def _letter_and_tone(char: str) -> tuple[str, int]:
    decomposed = unicodedata.normalize("NFD", char.lower())
    tone = 0
    base = ""
    for part in decomposed:
        if part in _TONE_MARKS:
            tone = _TONE_MARKS[part]
        else:
            base += part
    return unicodedata.normalize("NFC", base), tone


def collation_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Return a sort key that orders TEXT in Vietnamese alphabetical order."""
    letters: list[int] = []
    tones: list[int] = []
    for char in text.strip():
        base, tone = _letter_and_tone(char)
        if base in _LETTER_RANK:
            letters.append(100 + _LETTER_RANK[base])
        elif base.isalnum():
            letters.append(200 + ord(base[0]))
        else:
            letters.append(1)
        tones.append(tone)
    return tuple(letters), tuple(tones)


def collation_string(text: str) -> str:
    """Encode collation_key(TEXT) as a string that sorts the same way byte by byte.

    Solr sorts string fields by code point, so this is what the index stores.
    Each letter takes five digits, and the space before the tones sorts below
    every digit, so a prefix sorts before the longer text it begins.
    """
    letters, tones = collation_key(text)
    return "".join(f"{value:05d}" for value in letters) + " " + "".join(map(str, tones))
