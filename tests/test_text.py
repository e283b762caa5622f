"""Vietnamese text helpers: folding, URL names, collation and decision numbers."""

from __future__ import annotations

import pytest

from ckanext.quyhoach import text

pytestmark = pytest.mark.without_plugins


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Đà Nẵng", "da nang"), ("Thừa Thiên Huế", "thua thien hue"), ("ĐẮK LẮK", "dak lak"),
     ("Quy hoạch", "quy hoach")],
    ids=["d-stroke", "horn-and-tones", "upper-case", "plain"],
)
def test_fold(value, expected):
    assert text.fold(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Quy hoạch tỉnh Đà Nẵng", "quy-hoach-tinh-da-nang"),
        ("Quy hoạch thời kỳ 2021 - 2030", "quy-hoach-thoi-ky-2021-2030"),
        ("  «Bà Rịa – Vũng Tàu»  ", "ba-ria-vung-tau"),
        ("!!!", ""),
    ],
    ids=["tones-and-d", "period-dash", "quotes-and-en-dash", "no-letters"],
)
def test_slugify(value, expected):
    assert text.slugify(value) == expected


def test_slugify_cuts_at_word_boundary():
    slug = text.slugify("quy hoạch " * 30, max_length=25)

    assert slug == "quy-hoach-quy-hoach-quy"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Cà Mau", "Cao Bằng"),  # letters first: a space sorts before "o"
        ("An Giang", "Ăn"),  # a < ă
        ("Ăn", "Ân"),  # ă < â
        ("Ân Thi", "Bắc Ninh"),  # â < b, although "Â" > "B" by code point
        ("Dak Nong", "Đà Nẵng"),  # d < đ
        ("Đà Nẵng", "Điện Biên"),
        ("ba", "bà"),  # tones break ties only
        ("Ô Môn", "Ơ"),  # ô < ơ
        ("Ung", "Ưng"),  # u < ư
        ("Ưng", "Vân"),  # ư < v
        ("Huế", "huế thành"),  # a prefix first
    ],
    ids=["space-before-letter", "a-breve", "breve-circumflex", "circumflex-b", "d-stroke",
         "d-stroke-words", "tone-tie", "o-horn", "u-horn", "u-horn-v", "prefix"],
)
def test_collation_orders(before, after):
    assert text.collation_string(before) < text.collation_string(after)


def test_collation_ignores_case():
    assert text.collation_key("Lào Cai") == text.collation_key("LÀO CAI")


@pytest.mark.parametrize(
    ("value", "number", "year", "code"),
    [
        ("81/2023/QH15", "81", "2023", "QH15"),
        ("500/QĐ-TTg", "500", "", "QĐ-TTg"),
        ("1234/QĐ-UBND", "1234", "", "QĐ-UBND"),
        ("500/QD-TTg", "500", "", "QD-TTg"),
        ("05/2023/NQ-HĐND", "05", "2023", "NQ-HĐND"),
        (" 500 / QĐ - TTg ", "500", "", "QĐ-TTg"),
    ],
    ids=["resolution", "prime-minister", "provincial", "no-diacritics", "council", "spaces"],
)
def test_parse_decision_number(value, number, year, code):
    assert text.parse_decision_number(value) == {"number": number, "year": year, "code": code}


@pytest.mark.parametrize(
    "value",
    ["500 QĐ-TTg", "QĐ-TTg/500", "500/", "/QĐ-TTg", "12/2023", "abc", "500/QĐ-TTg/x"],
    ids=["no-slash", "reversed", "no-code", "no-number", "year-only", "words", "trailing"],
)
def test_parse_decision_number_rejects(value):
    assert text.parse_decision_number(value) is None


@pytest.mark.parametrize(
    "value", ["500/QĐ-TTg", "500/QD-TTG", "0500 / qđ-ttg"],
    ids=["as-printed", "ascii-upper", "zero-padded-lower"],
)
def test_decision_number_key_is_shared(value):
    assert text.decision_number_key(value) == "500/QD-TTG"
