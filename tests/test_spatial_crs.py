"""Source CRS resolution (VN-2000 with and without the seven parameters) and
extents computed from GIS files. Pure geometry: no database or Solr needed.
"""

import io
import json
import sqlite3
import struct
import zipfile

import pytest
import shapefile
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import Point, box

from ckanext.quyhoach.spatial.crs import (
    VN2000_TOWGS84,
    CRSError,
    describe_crs,
    resolve_crs,
    to_wgs84,
)
from ckanext.quyhoach.spatial.extents import detect_format, extent_from_file
from ckanext.quyhoach.spatial.geometry import GeometryError

pytestmark = pytest.mark.without_plugins

# A point near Hoàn Kiếm, Hà Nội, in VN-2000 / TM-3 105-45 (EPSG:9210) metres,
# and where EPSG's "VN-2000 to WGS 84 (2)" puts it.
TM3_POINT = (586000.0, 2326000.0)
TOWGS84 = ",".join(str(value) for value in VN2000_TOWGS84)
TM3_PROJ = "+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m"
EXPECTED = Transformer.from_crs("EPSG:9210", "EPSG:4326", always_xy=True).transform(*TM3_POINT)

VN2000_DEFINITIONS = [
    pytest.param("EPSG:9210", id="epsg-code"),
    pytest.param("9210", id="bare-code"),
    pytest.param("urn:ogc:def:crs:EPSG::9210", id="urn"),
    pytest.param(CRS.from_epsg(9210).to_wkt("WKT1_ESRI"), id="esri-prj"),
    pytest.param(CRS.from_epsg(9210).to_wkt("WKT2_2019"), id="wkt2"),
    pytest.param(f"{TM3_PROJ} +towgs84={TOWGS84}", id="proj-with-towgs84"),
    pytest.param(TM3_PROJ, id="proj-without-towgs84"),
]


# 1e-5 degree is about 1 m. PROJ reads +towgs84 rotations in the position-vector
# convention while the EPSG transformation uses coordinate-frame rotations, so the
# same seven numbers land about 0.7 m apart.
@pytest.mark.parametrize("definition", VN2000_DEFINITIONS)
def test_vn2000_zone_lands_where_epsg_puts_it(definition):
    point = to_wgs84(Point(TM3_POINT), resolve_crs(definition))

    assert (point.x, point.y) == pytest.approx(EXPECTED, abs=1e-5)


def test_vn2000_geographic_shifted_about_200_m():
    point = to_wgs84(Point(105.85, 21.03), resolve_crs("EPSG:4756"))

    assert 0.0015 < point.distance(Point(105.85, 21.03)) < 0.003


def test_vn2000_utm_48n_resolved():
    assert resolve_crs("EPSG:3405").name == "VN-2000 / UTM zone 48N"


BAD_CRS = [
    pytest.param("", "No CRS given", id="empty"),
    pytest.param("EPSG:999999", "Unknown CRS", id="unknown-code"),
    pytest.param("not a crs", "Unknown CRS", id="garbage"),
    pytest.param('LOCAL_CS["site grid",LOCAL_DATUM["site",0],UNIT["metre",1]]', "Unsupported CRS", id="local"),
    pytest.param(
        "+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9996 +x_0=500000 +y_0=0 +ellps=bessel +units=m",
        "Unknown datum",
        id="datum-without-shift",
    ),
]


@pytest.mark.parametrize("definition, message", BAD_CRS)
def test_unusable_crs_rejected(definition, message):
    with pytest.raises(CRSError) as error:
        resolve_crs(definition)

    assert message in str(error.value)


def test_describe_crs_names_epsg_code():
    assert describe_crs(resolve_crs("EPSG:9210")) == "EPSG:9210 (VN-2000 / TM-3 105-45)"


# --- GIS files -------------------------------------------------------------

SQUARE_TM3 = box(580000, 2320000, 590000, 2330000)


def _shapefile_zip(prj: str | None, stem: str = "ranh_gioi") -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as writer:
        writer.field("ten", "C")
        writer.poly([list(SQUARE_TM3.exterior.coords)[::-1]])
        writer.record("khu A")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr(f"{stem}.shp", shp.getvalue())
        bundle.writestr(f"{stem}.shx", shx.getvalue())
        bundle.writestr(f"{stem}.dbf", dbf.getvalue())
        if prj is not None:
            bundle.writestr(f"{stem}.prj", prj)
    return archive.getvalue()


def _gpkg_blob(geometry, srs_id: int) -> bytes:
    return b"GP" + bytes([0, 0b00000001]) + struct.pack("<i", srs_id) + shapely.to_wkb(geometry)


def _geopackage(srs_id: int, organization: str, code: int, definition: str) -> bytes:
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "test.gpkg")
        connection = sqlite3.connect(path)
        connection.executescript(
            "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,"
            " organization TEXT, organization_coordsys_id INTEGER, definition TEXT, description TEXT);"
            "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,"
            " geometry_type_name TEXT, srs_id INTEGER, z TINYINT, m TINYINT);"
            "CREATE TABLE ranh_gioi (fid INTEGER PRIMARY KEY, geom BLOB);"
        )
        connection.execute(
            "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, '')",
            ("layer crs", srs_id, organization, code, definition),
        )
        connection.execute(
            "INSERT INTO gpkg_geometry_columns VALUES ('ranh_gioi', 'geom', 'POLYGON', ?, 0, 0)", (srs_id,)
        )
        connection.execute("INSERT INTO ranh_gioi (geom) VALUES (?)", (_gpkg_blob(SQUARE_TM3, srs_id),))
        connection.commit()
        connection.close()
        with open(path, "rb") as file:
            return file.read()


KML = b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Khu A</name>
<Polygon><outerBoundaryIs><LinearRing><coordinates>
105.8,21.0 105.9,21.0 105.9,21.1 105.8,21.1 105.8,21.0
</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
<Placemark><Point><coordinates>106.5,21.5</coordinates></Point></Placemark></Document></kml>"""


def _kmz() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("doc.kml", KML)
    return archive.getvalue()


def _expected_square():
    return to_wgs84(SQUARE_TM3, resolve_crs("EPSG:9210"))


def test_shapefile_extent_reprojected():
    extent = extent_from_file(_shapefile_zip(CRS.from_epsg(9210).to_wkt("WKT1_ESRI")), "ranh_gioi.zip")

    assert extent.geometry.symmetric_difference(_expected_square()).area < 1e-10


def test_shapefile_source_crs_recorded():
    extent = extent_from_file(_shapefile_zip(CRS.from_epsg(9210).to_wkt("WKT1_ESRI")), "ranh_gioi.zip")

    assert extent.source_crs == "EPSG:9210 (VN-2000 / TM-3 105-45)"


def test_shapefile_without_prj_rejected():
    with pytest.raises(CRSError, match="has no .prj file"):
        extent_from_file(_shapefile_zip(None), "ranh_gioi.zip")


def test_shapefile_with_unknown_prj_rejected():
    prj = 'LOCAL_CS["site grid",LOCAL_DATUM["site",0],UNIT["metre",1]]'

    with pytest.raises(CRSError, match="Unsupported CRS"):
        extent_from_file(_shapefile_zip(prj), "ranh_gioi.zip")


def test_zip_without_shp_rejected():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("readme.txt", "no shapefile")

    with pytest.raises(GeometryError, match="no .shp file"):
        extent_from_file(archive.getvalue(), "data.zip")


def test_geopackage_extent_reprojected():
    data = _geopackage(9210, "EPSG", 9210, CRS.from_epsg(9210).to_wkt())

    extent = extent_from_file(data, "quy_hoach.gpkg")

    assert extent.geometry.symmetric_difference(_expected_square()).area < 1e-10


def test_geopackage_undefined_srs_rejected():
    data = _geopackage(0, "NONE", 0, "undefined")

    with pytest.raises(CRSError, match="undefined CRS"):
        extent_from_file(data, "quy_hoach.gpkg")


def test_geojson_with_crs_member_reprojected():
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::9210"}},
        "features": [{"type": "Feature", "geometry": shapely.geometry.mapping(SQUARE_TM3), "properties": {}}],
    }

    extent = extent_from_file(json.dumps(document).encode(), "ranh_gioi.geojson")

    assert extent.geometry.symmetric_difference(_expected_square()).area < 1e-10


def test_geojson_projected_without_crs_rejected():
    document = {"type": "Feature", "geometry": shapely.geometry.mapping(SQUARE_TM3)}

    with pytest.raises(CRSError, match="names no CRS"):
        extent_from_file(json.dumps(document).encode(), "ranh_gioi.geojson")


def test_kml_extent_is_polygon_union():
    extent = extent_from_file(KML, "khu_a.kml")

    assert extent.geometry.equals(box(105.8, 21.0, 105.9, 21.1))


def test_kmz_reads_doc_kml():
    assert extent_from_file(_kmz(), "khu_a.kmz").feature_count == 2


def test_kml_with_entity_not_expanded():
    hostile = b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]><kml>&x;</kml>'

    with pytest.raises(GeometryError, match="no features"):
        extent_from_file(hostile, "bad.kml")


FORMATS = [
    pytest.param("a.geojson", "", "geojson", id="geojson-name"),
    pytest.param("a.shp.zip", "", "shapefile", id="shp-zip-name"),
    pytest.param("a.bin", "SHP", "shapefile", id="declared-shp"),
    pytest.param("A.GPKG", "", "geopackage", id="upper-gpkg"),
    pytest.param("a.kmz", "", "kmz", id="kmz"),
    pytest.param("a.pdf", "PDF", None, id="pdf"),
]


@pytest.mark.parametrize("filename, declared, expected", FORMATS)
def test_detect_format(filename, declared, expected):
    assert detect_format(filename, declared) == expected
