"""Provinces of Vietnam, former and current, with their lineage and extents.

Reads data/provinces.csv, installed as the package ckanext.quyhoach.data. A row
is one province over the time its code was valid. The 63 provinces that existed
until 2025-06-30 name the province they were merged into on 2025-07-01
(merged_into_code), and the 34 provinces from 2025-07-01 on have no end date.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from dataclasses import dataclass
from importlib import resources

from ckanext.quyhoach.text import fold

REORGANISATION_DATE = dt.date(2025, 7, 1)


@dataclass(frozen=True)
class Province:
    code: str
    name_vi: str
    name_en: str
    kind: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    merged_into_code: str | None
    bbox: tuple[float, float, float, float]

    def valid_on(self, day: dt.date) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


def _parse_date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@functools.lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    """Load every province row, former ones first, in file order."""
    text = resources.files("ckanext.quyhoach.data").joinpath("provinces.csv").read_text("utf-8")
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        rows.append(
            Province(
                code=row["code"],
                name_vi=row["name_vi"],
                name_en=row["name_en"],
                kind=row["kind"],
                valid_from=_parse_date(row["valid_from"]),
                valid_to=_parse_date(row["valid_to"]),
                merged_into_code=row["merged_into_code"] or None,
                bbox=(
                    float(row["min_lon"]),
                    float(row["min_lat"]),
                    float(row["max_lon"]),
                    float(row["max_lat"]),
                ),
            )
        )
    return tuple(rows)


def current_provinces() -> list[Province]:
    return [p for p in provinces() if p.is_current]


def current_province(code: str) -> Province | None:
    return next((p for p in current_provinces() if p.code == code), None)


def province_on(code: str, day: dt.date) -> Province | None:
    """Return the province that had CODE on DAY, or None when no province had it."""
    return next((p for p in provinces() if p.code == code and p.valid_on(day)), None)


def successor_code(code: str, day: dt.date) -> str | None:
    """Return the current code of the province that had CODE on DAY.

    A code of a province merged in 2025 resolves to the province it joined; a
    code that was not valid on DAY returns None.
    """
    province = province_on(code, day)
    if province is None:
        return None
    if province.is_current:
        return province.code
    if province.merged_into_code:
        return province.merged_into_code
    # Thừa Thiên Huế became the city of Huế on 2025-01-01 with the same code.
    later = current_province(province.code)
    return later.code if later else None


def predecessors(current_code: str) -> list[Province]:
    """Return the former provinces that were merged into the current CURRENT_CODE."""
    return [
        p
        for p in provinces()
        if not p.is_current and (p.merged_into_code or p.code) == current_code
    ]


def find_by_name(name: str) -> list[Province]:
    """Return the provinces, former or current, whose name matches NAME.

    Matching ignores case and diacritics, and also accepts the name with a
    leading "tỉnh" or "thành phố".
    """
    wanted = fold(name).strip()
    for prefix in ("tinh ", "thanh pho ", "tp. ", "tp "):
        if wanted.startswith(prefix):
            wanted = wanted[len(prefix):].strip()
    return [p for p in provinces() if wanted in (fold(p.name_vi), fold(p.name_en))]


def current_codes_for_name(name: str) -> set[str]:
    """Return the current province codes a place name refers to, through lineage."""
    codes = set()
    for province in find_by_name(name):
        if province.is_current:
            codes.add(province.code)
        else:
            codes.add(province.merged_into_code or province.code)
    return codes


# --- Regions and extents -------------------------------------------------
#
# Extents are the bounding boxes of data/provinces.csv (approximate, islands
# included). NOTE: no province polygons with a clear licence are installed
# here, so "contains this point" is true for a bounding box that overlaps a
# neighbouring province, and a point near a border can match both.


@dataclass(frozen=True)
class Region:
    code: str
    former_province_codes: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def regions() -> dict[str, Region]:
    """Load the six socio-economic regions of Resolution 81/2023/QH15 (data/regions.csv).

    Membership is by the province codes valid before 2025-07-01, the units the
    regional plans of 2022-2024 were approved for.
    """
    text = resources.files("ckanext.quyhoach.data").joinpath("regions.csv").read_text("utf-8")
    members: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        members.setdefault(row["region"], []).append(row["province_code"])
    return {code: Region(code, tuple(codes)) for code, codes in members.items()}


def _former_province(code: str) -> Province | None:
    return next((p for p in provinces() if p.code == code and not p.is_current), None)


def region_current_codes(region_code: str) -> set[str]:
    """Return the current province codes whose territory lies, at least partly, in the region."""
    region = regions().get(region_code)
    if region is None:
        return set()
    codes = set()
    for code in region.former_province_codes:
        province = _former_province(code)
        if province is not None:
            codes.add(province.merged_into_code or province.code)
    return codes


def regions_of_current_code(current_code: str) -> set[str]:
    """Return the regions that contain part of the current province CURRENT_CODE."""
    return {code for code in regions() if current_code in region_current_codes(code)}


def province_bboxes(codes: list[str]) -> list[tuple[float, float, float, float]]:
    """Return the bounding boxes of the current provinces CODES, skipping unknown codes."""
    boxes = []
    for code in codes:
        province = current_province(code)
        if province is not None:
            boxes.append(province.bbox)
    return boxes


def region_bboxes(region_code: str) -> list[tuple[float, float, float, float]]:
    """Return the bounding boxes of the region's member provinces as they were before 2025."""
    region = regions().get(region_code)
    if region is None:
        return []
    boxes = []
    for code in region.former_province_codes:
        province = _former_province(code)
        if province is not None:
            boxes.append(province.bbox)
    return boxes


def vietnam_bbox() -> tuple[float, float, float, float]:
    """Return the union of the current provinces' boxes: mainland, islands and archipelagos."""
    boxes = [p.bbox for p in current_provinces()]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@dataclass(frozen=True)
class Place:
    """A place-name match: a province (former or current) or a region."""

    kind: str
    code: str
    name_vi: str
    name_en: str
    current_codes: tuple[str, ...]
    is_current: bool


REGION_NAMES = {
    "trung_du_mien_nui_phia_bac": ("Trung du và miền núi phía Bắc", "Northern Midlands and Mountains"),
    "dong_bang_song_hong": ("Đồng bằng sông Hồng", "Red River Delta"),
    "bac_trung_bo_duyen_hai_mien_trung": (
        "Bắc Trung Bộ và duyên hải miền Trung",
        "North Central and Central Coast",
    ),
    "tay_nguyen": ("Tây Nguyên", "Central Highlands"),
    "dong_nam_bo": ("Đông Nam Bộ", "Southeast"),
    "dong_bang_song_cuu_long": ("Đồng bằng sông Cửu Long", "Mekong Delta"),
}


def _strip_prefix(name: str) -> str:
    wanted = fold(name).strip()
    for prefix in ("tinh ", "thanh pho ", "tp. ", "tp ", "vung "):
        if wanted.startswith(prefix):
            wanted = wanted[len(prefix):].strip()
    return wanted


def search_places(text: str) -> list[Place]:
    """Return the provinces and regions whose name matches TEXT.

    Matching ignores case, diacritics and a leading "tỉnh", "thành phố" or
    "vùng"; a whole name matches, and so does a prefix of at least 3 letters.
    A former province's match carries its successor's current code, so a
    search by either name reaches the same dossiers.
    """
    wanted = _strip_prefix(text)
    if len(wanted) < 2:
        return []
    places = []
    for province in provinces():
        names = (fold(province.name_vi), fold(province.name_en))
        if wanted in names or (len(wanted) >= 3 and any(n.startswith(wanted) for n in names)):
            current = province.code if province.is_current else (province.merged_into_code or province.code)
            places.append(
                Place("province", province.code, province.name_vi, province.name_en,
                      (current,), province.is_current)
            )
    for code, (name_vi, name_en) in REGION_NAMES.items():
        names = (fold(name_vi), fold(name_en))
        if wanted in names or (len(wanted) >= 3 and any(n.startswith(wanted) for n in names)):
            places.append(
                Place("region", code, name_vi, name_en,
                      tuple(sorted(region_current_codes(code))), True)
            )
    return places
