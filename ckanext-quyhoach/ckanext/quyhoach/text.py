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


# A decision or resolution number: sequence number, an optional year, then the
# document type code with the issuing body, e.g. "81/2023/QH15", "500/QĐ-TTg",
# "1234/QĐ-UBND" or "05/2023/NQ-HĐND". The type code may be written without
# diacritics ("QD-TTg").
_DECISION_NUMBER = re.compile(
    r"^(?P<number>\d{1,6})"
    r"(?:/(?P<year>\d{4}))?"
    r"/(?P<code>[A-ZĐ]{1,8}\d{0,3}(?:-[A-ZĐ][A-ZĐa-zđ0-9]{0,15}){0,3})$",
    re.IGNORECASE,
)


def clean_decision_number(value: str) -> str:
    """Remove the spaces people type around "/" and "-" in a decision number."""
    value = re.sub(r"\s*([/-])\s*", r"\1", value.strip())
    return re.sub(r"\s+", " ", value)


def parse_decision_number(value: str) -> dict[str, str] | None:
    """Split a decision number into number, year and type code, or return None.

    The year is "" when the number has none, as in "500/QĐ-TTg".
    """
    match = _DECISION_NUMBER.match(clean_decision_number(value))
    if match is None:
        return None
    return {
        "number": match["number"],
        "year": match["year"] or "",
        "code": match["code"],
    }


def decision_number_key(value: str) -> str:
    """Return the search key of a decision number: folded, upper case, no leading zeros.

    "500/QĐ-TTg", "500/QD-TTG" and "0500 / qđ-ttg" all give "500/QD-TTG".
    """
    parts = parse_decision_number(value)
    if parts is None:
        return fold(clean_decision_number(value)).upper()
    number = str(int(parts["number"]))
    year = f"/{parts['year']}" if parts["year"] else ""
    return f"{number}{year}/{fold(parts['code']).upper()}"
