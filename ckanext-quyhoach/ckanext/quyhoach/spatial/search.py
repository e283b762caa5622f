"""Turn the spatial search parameters of package_search into Solr filters.

Parameters (passed as ext_* so CKAN hands them to the plugins):

* ext_bbox=west,south,east,north: dossiers whose extent intersects the box,
  normalised as described in spatial.bbox;
* ext_spatial_relation=within: with ext_bbox, only dossiers entirely inside;
* ext_point=lon,lat: dossiers whose extent contains the point;
* ext_place=name: dossiers that cover a province or region of that name,
  former names included (see gazetteer.search_places).

A plain intersecting box within -180..180 is left to ckanext-spatial, which
builds the same Intersects filter; every other case gets its filter here.
"""

from __future__ import annotations

import math
from collections.abc import MutableMapping
from typing import Any

from ckanext.quyhoach.spatial import gazetteer
from ckanext.quyhoach.spatial.bbox import BBoxError, parse_bbox

GEOMETRY_FIELD = "spatial_geom"
# Multivalued string field (CKAN's vocab_* dynamic field) holding the current
# province codes a dossier covers.
COVERED_CODES_FIELD = "vocab_quyhoach_covered_codes"
RELATIONS = {"intersects": "Intersects", "within": "IsWithin"}


class SpatialQueryError(ValueError):
    """A spatial search parameter that cannot be turned into a filter."""


def parse_point(value: Any) -> tuple[float, float]:
    """Parse "lon,lat" (or a pair) into floats, checking both ranges."""
    parts = value.split(",") if isinstance(value, str) else list(value or [])
    if len(parts) != 2:
        raise SpatialQueryError(
            f"Invalid point {value!r}: expected longitude,latitude in WGS 84 degrees, "
            "e.g. 105.8542,21.0285."
        )
    try:
        lon, lat = float(parts[0]), float(parts[1])
    except (TypeError, ValueError):
        raise SpatialQueryError(f"Invalid point {value!r}: both values must be numbers.") from None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise SpatialQueryError(f"Invalid point {value!r}: both values must be finite.")
    if not -90 <= lat <= 90:
        raise SpatialQueryError(
            f"Invalid point {value!r}: latitude {lat} is outside -90..90; "
            "give longitude first, then latitude."
        )
    if not -180 <= lon <= 180:
        raise SpatialQueryError(f"Invalid point {value!r}: longitude {lon} is outside -180..180.")
    return lon, lat


def geometry_filter(relation: str, shape: str) -> str:
    return f"{{!field f={GEOMETRY_FIELD}}}{relation}({shape})"


def point_filter(lon: float, lat: float) -> str:
    return geometry_filter("Intersects", f"POINT({lon} {lat})")


def place_filter(name: str) -> str:
    """Return a filter for the dossiers covering the places named NAME.

    National plans cover every place, and a dossier whose extent lies within
    the place's provinces covers it too. Raises SpatialQueryError when no
    province or region has that name.
    """
    places = gazetteer.search_places(name)
    if not places:
        raise SpatialQueryError(
            f"Unknown place {name!r}: give the name of a province, former or current, "
            "or of a region, e.g. Hà Nội, Bắc Kạn or Đồng bằng sông Hồng."
        )
    codes = sorted({code for place in places for code in place.current_codes})
    quoted = " OR ".join(f'"{code}"' for code in codes)
    # A dossier with its own extent and no province codes (an urban plan,
    # say) is found when its extent lies within one of the provinces' boxes.
    # NOTE: the boxes are bounding boxes, so a small plan just across the
    # border, inside the box of a neighbour, is found too.
    within = " OR ".join(
        f'{GEOMETRY_FIELD}:"IsWithin(ENVELOPE({west}, {east}, {north}, {south}))"'
        for west, south, east, north in gazetteer.province_bboxes(codes)
    )
    return f"({COVERED_CODES_FIELD}:({quoted}) OR plan_level:national OR {within})"


def _bbox_filter(extras: MutableMapping[str, Any]) -> str | None:
    relation = str(extras.pop("ext_spatial_relation", "") or "intersects").lower()
    if relation not in RELATIONS:
        raise SpatialQueryError(
            f"Invalid ext_spatial_relation {relation!r}: use intersects or within."
        )
    try:
        bbox = parse_bbox(extras["ext_bbox"])
    except BBoxError as error:
        raise SpatialQueryError(str(error)) from None
    if relation == "intersects" and not bbox.crosses_antimeridian:
        extras["ext_bbox"] = bbox.as_param()
        return None
    del extras["ext_bbox"]
    return geometry_filter(RELATIONS[relation], bbox.solr_envelope())


def spatial_filters(extras: MutableMapping[str, Any]) -> list[str]:
    """Return the Solr filters for the spatial parameters in EXTRAS.

    Normalises or removes the parameters it handles in place, so that
    ckanext-spatial, which runs after this, sees only a box it can handle.
    """
    filters = []
    if extras.get("ext_bbox"):
        bbox_filter = _bbox_filter(extras)
        if bbox_filter:
            filters.append(bbox_filter)
    else:
        extras.pop("ext_spatial_relation", None)
    if extras.get("ext_point"):
        lon, lat = parse_point(extras["ext_point"])
        filters.append(point_filter(lon, lat))
    if extras.get("ext_place"):
        filters.append(place_filter(str(extras["ext_place"])))
    return filters
