"""Which area a dossier covers: its own extent, or one derived from the gazetteer.

A national plan covers Vietnam; a regional plan covers its region's member
provinces as they were before 2025 (or, for an unknown region, the provinces
it lists); any other plan covers the current provinces in `province_codes`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from ckanext.quyhoach.spatial import gazetteer

# Order of "which plans apply here": national, regional, provincial, then local.
LEVEL_RANK = {"national": 0, "regional": 1, "provincial": 2}
LOCAL_RANK = 3


def level_rank(plan_level: str | None) -> int:
    return LEVEL_RANK.get(plan_level or "", LOCAL_RANK)


def parse_codes(value: Any) -> list[str]:
    """Read province codes given as a list, a JSON list, or text split by commas or spaces."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                value = text.strip("[]").replace('"', "")
        if isinstance(value, str):
            value = value.replace(",", " ").split()
    return [str(code).strip() for code in value if str(code).strip()]


def _union_of_boxes(boxes: list[tuple[float, float, float, float]]) -> BaseGeometry | None:
    if not boxes:
        return None
    return shapely.union_all([box(*b) for b in boxes])


def derived_extent(dossier: Mapping[str, Any]) -> BaseGeometry | None:
    """Return the extent implied by the dossier's level, region and provinces, or None."""
    level = dossier.get("plan_level")
    if level == "national":
        return box(*gazetteer.vietnam_bbox())
    codes = parse_codes(dossier.get("province_codes"))
    if level == "regional":
        boxes = gazetteer.region_bboxes(dossier.get("region") or "")
        if boxes:
            return _union_of_boxes(boxes)
    return _union_of_boxes(gazetteer.province_bboxes(codes))


def covered_codes(dossier: Mapping[str, Any]) -> set[str]:
    """Return the current province codes the dossier covers, for place-name search."""
    codes = set(parse_codes(dossier.get("province_codes")))
    if dossier.get("plan_level") == "regional":
        codes |= gazetteer.region_current_codes(dossier.get("region") or "")
    return codes


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def in_force_on(dossier: Mapping[str, Any], day: dt.date) -> bool:
    """Tell whether the dossier was in force on DAY, from its effective dates.

    A dossier without effective_from counts from its decision date. An
    annulled dossier was never in force.
    """
    if dossier.get("legal_status") == "annulled":
        return False
    start = _date(dossier.get("effective_from")) or _date(dossier.get("decision_date"))
    end = _date(dossier.get("effective_to"))
    if start and day < start:
        return False
    return not (end and day > end)
