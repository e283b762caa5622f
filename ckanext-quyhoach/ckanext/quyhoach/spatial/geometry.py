"""Validate dossier extents given as GeoJSON and prepare them for Solr.

Free of CKAN imports, so it is tested without a database. Every check raises
GeometryError with a message that names the problem, where it is, and the
fix; the plugin turns it into a ValidationError on the `spatial` field.

Longitudes past 180 are handled on purpose: a shape drawn across the
antimeridian with longitudes up to 540 (or down to -540) is cut at 180 and the
parts are shifted back into -180..180 (RFC 7946, section 3.1.9). Latitudes are
never wrapped: one outside -90..90 is rejected.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import shapely
from shapely.geometry import box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.validation import explain_validity

# Largest extent accepted for storage. Larger ones belong in a GIS resource.
MAX_STORED_VERTICES = 200_000
# Default vertex limit of the geometry sent to the Solr index; the plugin
# reads ckanext.quyhoach.spatial.index_max_vertices.
DEFAULT_INDEX_VERTICES = 1_000
# Longitudes beyond this are not a shape drawn across the antimeridian.
MAX_UNWRAPPED_LONGITUDE = 540.0

GEOMETRY_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


class GeometryError(ValueError):
    """An extent that cannot be stored or indexed."""


def load_geojson(value: str | Mapping[str, Any]) -> dict[str, Any]:
    """Decode VALUE into a GeoJSON geometry object.

    A Feature gives its geometry; a FeatureCollection gives a
    GeometryCollection of its features' geometries.
    """
    if isinstance(value, Mapping):
        obj: Any = dict(value)
    else:
        try:
            obj = json.loads(value)
        except ValueError as error:
            raise GeometryError(
                f"Invalid JSON: {error}. Give a GeoJSON geometry such as "
                '{"type": "Point", "coordinates": [105.85, 21.03]}.'
            ) from None
    if not isinstance(obj, dict) or "type" not in obj:
        raise GeometryError(
            'Invalid GeoJSON: expected an object with a "type" member, '
            "such as Polygon or MultiPolygon."
        )
    if obj["type"] == "Feature":
        return load_geojson(obj.get("geometry") or {})
    if obj["type"] == "FeatureCollection":
        features = obj.get("features") or []
        geometries = [load_geojson(f.get("geometry") or {}) for f in features]
        return {"type": "GeometryCollection", "geometries": geometries}
    return obj


def _check_position(position: Any, path: str) -> None:
    if not isinstance(position, list) or len(position) not in (2, 3):
        raise GeometryError(
            f"Invalid position at {path}: expected [longitude, latitude], got {position!r}."
        )
    for number in position:
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise GeometryError(f"Invalid position at {path}: {number!r} is not a number.")
        if not math.isfinite(number):
            raise GeometryError(f"Invalid position at {path}: {number!r} is not finite.")
    lon, lat = position[0], position[1]
    if not -90 <= lat <= 90:
        raise GeometryError(
            f"Latitude {lat} at {path} is outside -90..90. GeoJSON positions are "
            "[longitude, latitude]; check the axis order and the CRS (WGS 84 expected)."
        )
    if abs(lon) > MAX_UNWRAPPED_LONGITUDE:
        raise GeometryError(
            f"Longitude {lon} at {path} is outside -540..540. Give longitudes in "
            "-180..180, or past 180 only for a shape drawn across the antimeridian."
        )


def _is_plain_position(position: Any) -> bool:
    """Return True when POSITION is a list of 2 or 3 finite numbers within the ranges.

    This pre-check builds no path string, so large rings are checked fast.
    On False, _check_position runs the full check and raises the error.
    """
    if type(position) is not list or not 2 <= len(position) <= 3:
        return False
    for number in position:
        if type(number) is not float and type(number) is not int:
            return False
    lon, lat = position[0], position[1]
    # NaN fails every comparison, and infinity fails the ranges.
    if not (-90 <= lat <= 90 and -MAX_UNWRAPPED_LONGITUDE <= lon <= MAX_UNWRAPPED_LONGITUDE):
        return False
    return len(position) == 2 or math.isfinite(position[2])


def _check_coordinates(coordinates: Any, depth: int, path: str) -> None:
    if depth == 0:
        _check_position(coordinates, path)
        return
    if not isinstance(coordinates, list):
        raise GeometryError(f"Invalid coordinates at {path}: expected an array.")
    if depth == 1:
        for index, position in enumerate(coordinates):
            if not _is_plain_position(position):
                _check_position(position, f"{path}[{index}]")
        return
    for index, item in enumerate(coordinates):
        _check_coordinates(item, depth - 1, f"{path}[{index}]")


def _check_rings(polygon: list, path: str) -> None:
    if not polygon:
        raise GeometryError(f"Empty polygon at {path}: a polygon needs an outer ring.")
    for index, ring in enumerate(polygon):
        ring_path = f"{path}[{index}]"
        if len(ring) < 4:
            raise GeometryError(
                f"Ring {ring_path} has {len(ring)} positions; a closed ring needs at least 4."
            )
        if ring[0][:2] != ring[-1][:2]:
            raise GeometryError(
                f"Ring {ring_path} is open: its first position {ring[0]} differs from "
                f"its last {ring[-1]}. Repeat the first position at the end."
            )


def _check_structure(obj: dict[str, Any], path: str) -> None:
    kind = obj.get("type")
    if kind == "GeometryCollection":
        members = obj.get("geometries")
        if not isinstance(members, list) or not members:
            raise GeometryError(f"Empty GeometryCollection at {path}: add at least one geometry.")
        for index, member in enumerate(members):
            if not isinstance(member, dict):
                raise GeometryError(f"Invalid geometry at {path}.geometries[{index}].")
            _check_structure(member, f"{path}.geometries[{index}]")
        return
    if kind not in GEOMETRY_DEPTH:
        raise GeometryError(
            f"Unsupported geometry type {kind!r} at {path}; use one of "
            f"{', '.join(GEOMETRY_DEPTH)} or GeometryCollection."
        )
    coordinates = obj.get("coordinates")
    if coordinates is None or coordinates == []:
        raise GeometryError(f"Empty {kind} at {path}: it has no coordinates.")
    _check_coordinates(coordinates, GEOMETRY_DEPTH[kind], f"{path}.coordinates")
    if kind == "Polygon":
        _check_rings(coordinates, f"{path}.coordinates")
    elif kind == "MultiPolygon":
        for index, polygon in enumerate(coordinates):
            _check_rings(polygon, f"{path}.coordinates[{index}]")


def count_vertices(geometry: BaseGeometry) -> int:
    return int(shapely.get_num_coordinates(geometry))


def _check_valid(geometry: BaseGeometry) -> None:
    if geometry.is_empty:
        raise GeometryError("The geometry is empty.")
    if not geometry.is_valid:
        reason = explain_validity(geometry)
        raise GeometryError(
            f"Invalid geometry: {reason}. Fix the rings so that they do not cross "
            "themselves or each other, and holes lie inside their outer ring."
        )


def split_at_antimeridian(geometry: BaseGeometry) -> BaseGeometry:
    """Cut GEOMETRY at +/-180 and shift the parts into -180..180.

    A geometry already within -180..180 is returned unchanged.
    """
    west, _, east, _ = geometry.bounds
    if west >= -180 and east <= 180:
        return geometry
    parts = []
    for shift in (-360.0, 0.0, 360.0):
        window = box(shift - 180, -90, shift + 180, 90)
        part = geometry.intersection(window)
        if not part.is_empty:
            parts.append(shapely.affinity.translate(part, xoff=-shift))
    return _collect(parts)


def _collect(parts: list[BaseGeometry]) -> BaseGeometry:
    """Join PARTS into one multi-geometry, keeping only their areas when any has one."""
    flat: list[BaseGeometry] = []
    for part in parts:
        flat.extend(getattr(part, "geoms", [part]))
    polygons = [p for p in flat if p.geom_type == "Polygon" and not p.is_empty]
    if polygons:
        return shapely.MultiPolygon(polygons)
    return shapely.GeometryCollection([p for p in flat if not p.is_empty])


def parse_extent(value: str | Mapping[str, Any]) -> BaseGeometry:
    """Parse, check and normalise an extent given as GeoJSON text or object.

    Returns a valid shapely geometry in -180..180 with polygons oriented
    counter-clockwise (RFC 7946). Raises GeometryError naming the problem.
    """
    obj = load_geojson(value)
    _check_structure(obj, "spatial")
    try:
        geometry = shape(obj)
    except (ValueError, TypeError, shapely.errors.GEOSException) as error:
        raise GeometryError(f"Invalid geometry: {error}.") from None
    _check_valid(geometry)
    vertices = count_vertices(geometry)
    if vertices > MAX_STORED_VERTICES:
        raise GeometryError(
            f"The extent has {vertices} vertices; the limit is {MAX_STORED_VERTICES}. "
            "Simplify it, or upload the full geometry as a GIS resource."
        )
    geometry = split_at_antimeridian(geometry)
    return orient_polygons(geometry)


def orient_polygons(geometry: BaseGeometry) -> BaseGeometry:
    if geometry.geom_type == "Polygon":
        return orient(geometry, 1.0)
    if geometry.geom_type == "MultiPolygon":
        return shapely.MultiPolygon([orient(p, 1.0) for p in geometry.geoms])
    if geometry.geom_type == "GeometryCollection":
        return shapely.GeometryCollection([orient_polygons(g) for g in geometry.geoms])
    return geometry


def to_geojson(geometry: BaseGeometry, precision: int = 7) -> str:
    """Serialise GEOMETRY as compact GeoJSON, coordinates rounded to PRECISION decimals.

    Seven decimals of a degree are about 1 cm. Rounding keeps the output valid.
    """
    rounded = orient_polygons(shapely.set_precision(geometry, 10**-precision))
    return json.dumps(mapping(rounded), separators=(",", ":"))
