"""Prepare a stored extent for Solr's spatial_geom field (RPT with JTS).

ckanext-spatial 2.3.2 (solr-spatial-field backend) turns the dataset's
`spatial` GeoJSON into WKT for Solr. It has three traps that the geometry
given to it here avoids:

* a Polygon with exactly five positions is read as a bounding box made from
  its first and third positions, so a quadrilateral is distorted. Polygons
  are therefore handed over as a MultiPolygon;
* an invalid geometry raises out of its index hook, or Solr rejects the
  document, and either stops `ckan search-index rebuild`;
* Spatial4j's default dateline rule (width180) reads a shape wider than 180
  degrees as one that crosses the antimeridian, so wide polygons are cut at
  longitude 0 into parts narrower than 180 degrees, with a 1 cm gap so the
  parts do not share an edge.

Geometries above the vertex limit are simplified for the index only; the
stored `spatial` value keeps every vertex.
"""

from __future__ import annotations

import logging
from typing import Any

import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from ckanext.quyhoach.spatial.geometry import (
    GeometryError,
    count_vertices,
    orient_polygons,
    parse_extent,
    to_geojson,
)

log = logging.getLogger(__name__)

# Half-width of the gap left at longitude 0 when a wide polygon is cut there.
# Parts that shared an edge would make an invalid MultiPolygon; 1e-7 degree is
# about 1 cm at the equator.
CUT_GAP_DEGREES = 1e-7
# Tolerances tried in turn, in degrees (0.0001 degree is about 11 m).
SIMPLIFY_TOLERANCES = (0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5)


def _split_wide_polygons(geometry: BaseGeometry) -> BaseGeometry:
    parts = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        west, _, east, _ = polygon.bounds
        if east - west <= 180:
            parts.append(polygon)
            continue
        halves = (box(-180, -90, -CUT_GAP_DEGREES, 90), box(CUT_GAP_DEGREES, -90, 180, 90))
        for half in halves:
            piece = polygon.intersection(half)
            parts.extend(p for p in getattr(piece, "geoms", [piece]) if p.geom_type == "Polygon")
    return shapely.MultiPolygon(parts)


def _as_multi(geometry: BaseGeometry) -> BaseGeometry:
    if geometry.geom_type == "Polygon":
        return shapely.MultiPolygon([geometry])
    if geometry.geom_type == "GeometryCollection":
        polygons = [g for g in geometry.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        if polygons:
            return _as_multi(shapely.union_all(polygons))
    return geometry


def simplify_for_index(geometry: BaseGeometry, max_vertices: int) -> BaseGeometry:
    """Simplify GEOMETRY until it has at most MAX_VERTICES vertices.

    Tries each tolerance with topology preserved and returns the first valid
    result within the limit. Falls back to the convex hull, then to the
    bounding box, so the result always fits.
    """
    if count_vertices(geometry) <= max_vertices:
        return geometry
    for tolerance in SIMPLIFY_TOLERANCES:
        simpler = geometry.simplify(tolerance, preserve_topology=True)
        # The vertex count is cheap and rejects most tries, so the costly
        # validity check runs only on a result that fits.
        if count_vertices(simpler) > max_vertices or simpler.is_empty:
            continue
        if simpler.is_valid:
            return simpler
    hull = geometry.convex_hull
    if count_vertices(hull) <= max_vertices:
        return hull
    return box(*geometry.bounds)


def index_geometry(geometry: BaseGeometry, max_vertices: int) -> BaseGeometry:
    """Return GEOMETRY in the form that Solr's location_rpt field accepts.

    The result is valid, and any area in it is a MultiPolygon, so
    ckanext-spatial sends Solr one WKT value for the single-valued field.
    """
    geometry = simplify_for_index(geometry, max_vertices)
    geometry = _as_multi(geometry)
    if geometry.geom_type == "MultiPolygon":
        geometry = _split_wide_polygons(geometry)
    if not geometry.is_valid:
        # make_valid can return a GeometryCollection of polygons and lines.
        geometry = _as_multi(shapely.make_valid(geometry))
    return orient_polygons(geometry)


def index_geojson(value: Any, max_vertices: int) -> str:
    """Return the GeoJSON text to index for a stored `spatial` VALUE.

    Raises GeometryError when VALUE cannot be indexed.
    """
    if not isinstance(value, (str, dict)):
        raise GeometryError(f"Invalid stored extent of type {type(value).__name__}.")
    # index_geometry returns a valid geometry, so only emptiness is left to check.
    geometry = index_geometry(parse_extent(value), max_vertices)
    if geometry.is_empty:
        raise GeometryError("The extent has no valid area, line or point left to index.")
    return to_geojson(geometry)
