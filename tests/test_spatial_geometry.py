"""Extent checks, antimeridian handling, bounding boxes and index preparation.

Pure geometry: these tests need no database or Solr.
"""

import json

import pytest
import shapely
from shapely.geometry import Point, shape

from ckanext.quyhoach.spatial.bbox import BBoxError, parse_bbox
from ckanext.quyhoach.spatial.geometry import (
    MAX_STORED_VERTICES,
    GeometryError,
    count_vertices,
    parse_extent,
    to_geojson,
)
from ckanext.quyhoach.spatial.index import index_geojson, index_geometry

pytestmark = pytest.mark.without_plugins

HANOI_BOX = {
    "type": "Polygon",
    "coordinates": [[[105.28, 20.56], [106.02, 20.56], [106.02, 21.39], [105.28, 21.39], [105.28, 20.56]]],
}


def _ring(n, lon=105.8, lat=21.0, radius=0.5):
    import math

    points = [
        [lon + radius * math.cos(2 * math.pi * i / n), lat + radius * math.sin(2 * math.pi * i / n)]
        for i in range(n)
    ]
    return points + [points[0]]


BAD_EXTENTS = [
    pytest.param("{not json", "Invalid JSON", id="not-json"),
    pytest.param('["a"]', 'expected an object with a "type"', id="not-object"),
    pytest.param('{"type": "Circle", "coordinates": [1, 2]}', "Unsupported geometry type", id="bad-type"),
    pytest.param('{"type": "Point", "coordinates": [105.8, 95]}', "Latitude 95 ", id="latitude-over-90"),
    pytest.param('{"type": "Point", "coordinates": [105.8, -91]}', "outside -90..90", id="latitude-under-90"),
    pytest.param('{"type": "Point", "coordinates": [600, 21]}', "Longitude 600", id="longitude-past-540"),
    pytest.param('{"type": "Point", "coordinates": ["105", 21]}', "is not a number", id="string-coordinate"),
    pytest.param('{"type": "Point", "coordinates": [105]}', "Invalid position", id="short-position"),
    pytest.param(
        '{"type": "Polygon", "coordinates": [[[105, 20], [106, 20], [106, 21], [105, 21]]]}',
        "is open",
        id="open-ring",
    ),
    pytest.param(
        '{"type": "Polygon", "coordinates": [[[105, 20], [106, 20], [105, 20]]]}',
        "at least 4",
        id="short-ring",
    ),
    pytest.param(
        '{"type": "Polygon", "coordinates": [[[105, 20], [106, 21], [106, 20], [105, 21], [105, 20]]]}',
        "Self-intersection",
        id="self-intersecting",
    ),
    pytest.param(
        '{"type": "Polygon", "coordinates": [[[105, 20], [106, 20], [106, 21], [105, 21], [105, 20]],'
        ' [[107, 22], [107.5, 22], [107.5, 22.5], [107, 22]]]}',
        "Invalid geometry",
        id="hole-outside-shell",
    ),
    pytest.param('{"type": "GeometryCollection", "geometries": []}', "Empty GeometryCollection", id="empty-collection"),
    pytest.param('{"type": "MultiPolygon", "coordinates": []}', "Empty MultiPolygon", id="empty-multipolygon"),
    pytest.param('{"type": "Polygon", "coordinates": [[[1e400, 0], [1, 0], [1, 1], [1e400, 0]]]}', "not finite", id="infinite"),
]


@pytest.mark.parametrize("text, message", BAD_EXTENTS)
def test_bad_extent_rejected_with_reason(text, message):
    with pytest.raises(GeometryError) as error:
        parse_extent(text)

    assert message in str(error.value)


def test_too_many_vertices_rejected():
    polygon = {"type": "Polygon", "coordinates": [_ring(MAX_STORED_VERTICES + 10, radius=5)]}

    with pytest.raises(GeometryError, match="vertices; the limit is"):
        parse_extent(polygon)


def test_valid_polygon_kept():
    geometry = parse_extent(json.dumps(HANOI_BOX))

    assert geometry.equals(shape(HANOI_BOX))


def test_feature_collection_becomes_geometry_collection():
    collection = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": HANOI_BOX}]}

    assert parse_extent(collection).geom_type == "GeometryCollection"


def test_clockwise_polygon_stored_counter_clockwise():
    clockwise = {"type": "Polygon", "coordinates": [list(reversed(HANOI_BOX["coordinates"][0]))]}

    stored = json.loads(to_geojson(parse_extent(clockwise)))

    assert shapely.LinearRing(stored["coordinates"][0]).is_ccw


class TestAntimeridian:
    CROSSING = {"type": "Polygon", "coordinates": [[[170, -20], [190, -20], [190, -10], [170, -10], [170, -20]]]}

    def test_crossing_polygon_split_in_two(self):
        assert len(parse_extent(self.CROSSING).geoms) == 2

    def test_split_parts_within_180(self):
        west, _, east, _ = parse_extent(self.CROSSING).bounds

        assert (west, east) == (-180, 180)

    def test_split_keeps_area(self):
        assert parse_extent(self.CROSSING).area == pytest.approx(200)

    def test_part_past_180_contains_shifted_point(self):
        assert parse_extent(self.CROSSING).contains(Point(-175, -15))

    def test_point_past_180_wrapped(self):
        assert parse_extent('{"type": "Point", "coordinates": [185, 10]}').equals(Point(-175, 10))


BBOXES = [
    pytest.param("105.28,20.56,106.02,21.39", (105.28, 20.56, 106.02, 21.39), id="plain"),
    pytest.param("106.02,21.39,105.28,20.56", (105.28, 20.56, 106.02, 21.39), id="corners-swapped"),
    pytest.param("105.28,21.39,106.02,20.56", (105.28, 20.56, 106.02, 21.39), id="latitudes-swapped"),
    pytest.param("170,-20,190,-10", (170, -20, -170, -10), id="past-180"),
    pytest.param("170,-20,-170,-10", (170, -20, -170, -10), id="across-antimeridian"),
    pytest.param("-190,0,-170,10", (170, 0, -170, 10), id="past-minus-180"),
    pytest.param("-200,0,200,10", (-180, 0, 180, 10), id="wider-than-world"),
    pytest.param([105, 20, 106, 21], (105, 20, 106, 21), id="list"),
]


@pytest.mark.parametrize("value, expected", BBOXES)
def test_bbox_normalised(value, expected):
    bbox = parse_bbox(value)

    assert (bbox.west, bbox.south, bbox.east, bbox.north) == pytest.approx(expected)


BAD_BBOXES = [
    pytest.param("1,2,3", "expected 4 numbers", id="three-values"),
    pytest.param("a,2,3,4", "'a' is not a number", id="not-number"),
    pytest.param("0,95,1,96", "latitude 95.0 is outside", id="latitude-95"),
    pytest.param("0,-100,1,0", "latitude -100.0 is outside", id="latitude-minus-100"),
    pytest.param("nan,0,1,1", "not finite", id="nan"),
    pytest.param("200,0,190,10", "greater than east", id="reversed-past-180"),
]


@pytest.mark.parametrize("value, message", BAD_BBOXES)
def test_bad_bbox_rejected(value, message):
    with pytest.raises(BBoxError) as error:
        parse_bbox(value)

    assert message in str(error.value)


def test_crossing_bbox_envelope_has_west_above_east():
    assert parse_bbox("170,-20,190,-10").solr_envelope() == "ENVELOPE(170.0, -170.0, -10.0, -20.0)"


class TestIndexGeometry:
    def test_quadrilateral_sent_as_multipolygon(self):
        quad = {"type": "Polygon", "coordinates": [[[105, 20], [106, 20], [106.5, 21], [105, 21], [105, 20]]]}

        assert json.loads(index_geojson(quad, 1000))["type"] == "MultiPolygon"

    def test_collection_of_boxes_sent_as_one_multipolygon(self):
        # ckanext-spatial would send Solr one WKT value per five-position
        # polygon of a GeometryCollection, and spatial_geom takes one value.
        boxes = {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "coordinates": [[[105, 20], [106, 20], [106, 21], [105, 21], [105, 20]]]},
            {"type": "Polygon", "coordinates": [[[107, 20], [108, 20], [108, 21], [107, 21], [107, 20]]]},
        ]}

        indexed = json.loads(index_geojson(boxes, 1000))

        assert indexed["type"] == "MultiPolygon"
        assert len(indexed["coordinates"]) == 2

    def test_large_polygon_simplified_to_limit(self):
        geometry = shape({"type": "Polygon", "coordinates": [_ring(5000)]})

        assert count_vertices(index_geometry(geometry, 1000)) <= 1000

    def test_simplified_polygon_close_to_original(self):
        geometry = shape({"type": "Polygon", "coordinates": [_ring(5000)]})

        simplified = index_geometry(geometry, 1000)

        assert simplified.symmetric_difference(geometry).area / geometry.area < 0.01

    def test_many_islands_fall_back_within_limit(self):
        islands = shapely.MultiPolygon(
            [shape({"type": "Polygon", "coordinates": [_ring(8, lon=100 + i * 0.01, radius=0.001)]}) for i in range(400)]
        )

        assert count_vertices(index_geometry(islands, 100)) <= 100

    def test_wide_polygon_cut_narrower_than_180(self):
        wide = shapely.box(-170, -10, 170, 10)

        parts = index_geometry(wide, 1000).geoms

        assert max(p.bounds[2] - p.bounds[0] for p in parts) <= 180

    def test_stored_bad_json_raises_geometry_error(self):
        with pytest.raises(GeometryError):
            index_geojson("{broken", 1000)

    def test_stored_non_text_raises_geometry_error(self):
        with pytest.raises(GeometryError):
            index_geojson(42, 1000)
