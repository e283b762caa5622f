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
