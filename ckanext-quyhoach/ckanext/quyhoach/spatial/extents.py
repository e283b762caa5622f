"""Compute a dossier's extent from a GIS file: GeoJSON, zipped Shapefile, GeoPackage, KML/KMZ.

The extent is the union of the file's polygons, or the convex hull of its
features when it has no polygon, reprojected to WGS 84. The source CRS comes
from the file (.prj, gpkg_spatial_ref_sys, the legacy GeoJSON "crs" member);
a file whose CRS is missing or unknown raises CRSError, so it is never drawn
in the wrong place. KML is WGS 84 by definition.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import struct
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import shapefile
import shapely
from lxml import etree
from shapely.geometry import LinearRing, LineString, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry

from ckanext.quyhoach.spatial.crs import WGS84, CRSError, describe_crs, resolve_crs, to_wgs84
from ckanext.quyhoach.spatial.geometry import GeometryError

# Largest uncompressed size read from an archive, against zip bombs.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
FORMATS = {
    ".geojson": "geojson", ".json": "geojson", ".zip": "shapefile", ".shp.zip": "shapefile",
    ".gpkg": "geopackage", ".kml": "kml", ".kmz": "kmz",
}
FORMAT_NAMES = {
    "geojson": "geojson", "shp": "shapefile", "shapefile": "shapefile", "zip": "shapefile",
    "esri shapefile": "shapefile", "gpkg": "geopackage", "geopackage": "geopackage",
    "kml": "kml", "kmz": "kmz",
}


@dataclass(frozen=True)
class Extent:
    geometry: BaseGeometry
    source_crs: str
    feature_count: int


def detect_format(filename: str, declared: str = "") -> str | None:
    """Return the GIS format of a file from its declared format or its name, or None."""
    by_name = FORMAT_NAMES.get((declared or "").strip().lower())
    if by_name:
        return by_name
    name = filename.lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(suffix):
            return FORMATS[suffix]
    return None


def combine(geometries: list[BaseGeometry]) -> BaseGeometry:
    """Return the union of the polygons, or the convex hull when there is none."""
    parts = [shapely.make_valid(g) if not g.is_valid else g for g in geometries if not g.is_empty]
    if not parts:
        raise GeometryError("The file has no features with a geometry.")
    polygons = [g for g in parts if g.geom_type in ("Polygon", "MultiPolygon")]
    if polygons:
        return shapely.union_all(polygons)
    return shapely.union_all(parts).convex_hull


def _check_wgs84_range(geometry: BaseGeometry, where: str) -> None:
    west, south, east, north = geometry.bounds
    if south < -90 or north > 90 or west < -540 or east > 540:
        raise CRSError(
            f"{where} has coordinates such as ({west:.0f}, {south:.0f}) that are not WGS 84 "
            "longitude and latitude, and names no CRS. Reproject it to WGS 84 (EPSG:4326) "
            "or name its CRS."
        )


def extent_from_geojson(data: bytes) -> Extent:
    try:
        document = json.loads(data)
    except ValueError as error:
        raise GeometryError(f"The GeoJSON file is not valid JSON: {error}.") from None
    if not isinstance(document, dict):
        raise GeometryError("The GeoJSON file does not contain a GeoJSON object.")
    crs_name = ((document.get("crs") or {}).get("properties") or {}).get("name")
    crs = resolve_crs(crs_name) if crs_name else WGS84
    if document.get("type") == "FeatureCollection":
        items = [f.get("geometry") for f in document.get("features") or []]
    elif document.get("type") == "Feature":
        items = [document.get("geometry")]
    else:
        items = [document]
    try:
        geometries = [shape(item) for item in items if item]
    except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException) as error:
        raise GeometryError(f"The GeoJSON file has an invalid geometry: {error}.") from None
    geometry = combine(geometries)
    if crs_name is None:
        _check_wgs84_range(geometry, "The GeoJSON file")
    return Extent(to_wgs84(geometry, crs), describe_crs(crs), len(geometries))


def _read_members(archive: zipfile.ZipFile) -> dict[str, bytes]:
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNPACKED_BYTES:
        raise GeometryError(
            f"The archive unpacks to {total} bytes; the limit is {MAX_UNPACKED_BYTES}."
        )
    return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}


def _open_zip(data: bytes, what: str) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _read_members(archive)
    except zipfile.BadZipFile:
        raise GeometryError(f"The {what} is not a valid ZIP archive.") from None


def _shapefile_layer(
    members: dict[str, bytes], shp_name: str
) -> tuple[BaseGeometry, str, int]:
    stem = shp_name[: -len(".shp")]
    siblings = {name.lower(): name for name in members}
    prj_name = siblings.get(f"{stem}.prj".lower())
    label = PurePosixPath(shp_name).name
    if prj_name is None:
        raise CRSError(
            f"The Shapefile {label} has no .prj file, so its CRS is unknown. "
            "Add the .prj that your GIS software writes next to the .shp."
        )
    crs = resolve_crs(members[prj_name].decode("latin-1"))
    streams = {"shp": io.BytesIO(members[shp_name])}
    for part in ("shx", "dbf"):
        name = siblings.get(f"{stem}.{part}".lower())
        if name:
            streams[part] = io.BytesIO(members[name])
    try:
        reader = shapefile.Reader(**streams)
        geometries = [
            shape(item.__geo_interface__)
            for item in reader.iterShapes()
            if item.shapeType != shapefile.NULL
        ]
    except (shapefile.ShapefileException, struct.error, ValueError) as error:
        raise GeometryError(f"The Shapefile {label} cannot be read: {error}.") from None
    return to_wgs84(combine(geometries), crs), describe_crs(crs), len(geometries)


def extent_from_shapefile_zip(data: bytes) -> Extent:
    members = _open_zip(data, "zipped Shapefile")
    shp_names = [name for name in members if name.lower().endswith(".shp")]
    if not shp_names:
        raise GeometryError("The ZIP archive contains no .shp file.")
    geometries: list[BaseGeometry] = []
    crs_labels = []
    count = 0
    for shp_name in sorted(shp_names):
        layer, label, features = _shapefile_layer(members, shp_name)
        geometries.append(layer)
        crs_labels.append(label)
        count += features
    return Extent(combine(geometries), "; ".join(sorted(set(crs_labels))), count)


def _gpkg_wkb(blob: bytes) -> bytes | None:
    """Return the WKB inside a GeoPackage geometry blob, or None for an empty geometry."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise GeometryError("A GeoPackage geometry does not start with the 'GP' header.")
    flags = blob[3]
    if flags & 0b10000:
        return None
    envelope_sizes = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
    envelope = envelope_sizes.get((flags >> 1) & 0b111)
    if envelope is None:
        raise GeometryError("A GeoPackage geometry has an invalid envelope code.")
    return blob[8 + envelope:]


def _gpkg_crs(connection: sqlite3.Connection, srs_id: int):
    row = connection.execute(
        "SELECT organization, organization_coordsys_id, definition "
        "FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
        (srs_id,),
    ).fetchone()
    if row is None or srs_id in (-1, 0):
        raise CRSError(
            f"The GeoPackage layer uses srs_id {srs_id}, an undefined CRS. "
            "Assign the layer a CRS (e.g. EPSG:9210) in your GIS software."
        )
    organization, code, definition = row
    if (organization or "").upper() == "EPSG" and code:
        return resolve_crs(f"EPSG:{code}")
    return resolve_crs(definition)


def _gpkg_layers(connection: sqlite3.Connection) -> tuple[list[BaseGeometry], list[str], int]:
    geometries, labels, count = [], [], 0
    layers = connection.execute(
        "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns"
    ).fetchall()
    if not layers:
        raise GeometryError("The GeoPackage has no feature layer.")
    for table, column, srs_id in layers:
        crs = _gpkg_crs(connection, srs_id)
        quoted_table = '"' + table.replace('"', '""') + '"'
        quoted_column = '"' + column.replace('"', '""') + '"'
        layer = []
        for (blob,) in connection.execute(f"SELECT {quoted_column} FROM {quoted_table}"):
            wkb = _gpkg_wkb(blob) if blob else None
            if wkb:
                layer.append(shapely.from_wkb(wkb))
        count += len(layer)
        if layer:
            geometries.append(to_wgs84(combine(layer), crs))
            labels.append(describe_crs(crs))
    return geometries, labels, count


def extent_from_geopackage(data: bytes) -> Extent:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "layer.gpkg")
        with open(path, "wb") as file:
            file.write(data)
        try:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                geometries, labels, count = _gpkg_layers(connection)
            finally:
                connection.close()
        except sqlite3.DatabaseError as error:
            raise GeometryError(f"The GeoPackage cannot be read: {error}.") from None
        except shapely.errors.GEOSException as error:
            raise GeometryError(f"The GeoPackage has an invalid geometry: {error}.") from None
    return Extent(combine(geometries), "; ".join(sorted(set(labels))), count)


def _kml_positions(element) -> list[tuple[float, float]]:
    text = " ".join(element.itertext())
    positions = []
    for token in text.split():
        values = token.split(",")
        try:
            positions.append((float(values[0]), float(values[1])))
        except (ValueError, IndexError):
            raise GeometryError(f"The KML has an invalid coordinate {token!r}.") from None
    return positions


def _kml_geometries(root) -> list[BaseGeometry]:
    geometries: list[BaseGeometry] = []
    for element in root.iter("{*}Polygon"):
        outer = element.find(".//{*}outerBoundaryIs//{*}coordinates")
        if outer is None:
            continue
        holes = [_kml_positions(c) for c in element.findall(".//{*}innerBoundaryIs//{*}coordinates")]
        geometries.append(Polygon(_kml_positions(outer), holes))
    for tag, build in (("Point", Point), ("LineString", LineString), ("LinearRing", LinearRing)):
        for element in root.iter(f"{{*}}{tag}"):
            if tag == "LinearRing" and element.getparent().tag.endswith("BoundaryIs"):
                continue
            coordinates = element.find("{*}coordinates")
            if coordinates is not None:
                positions = _kml_positions(coordinates)
                geometries.append(build(positions[0] if tag == "Point" else positions))
    return geometries


def extent_from_kml(data: bytes) -> Extent:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise GeometryError(f"The KML is not well-formed XML: {error}.") from None
    try:
        geometries = _kml_geometries(root)
    except (ValueError, shapely.errors.GEOSException) as error:
        raise GeometryError(f"The KML has an invalid geometry: {error}.") from None
    geometry = combine(geometries)
    _check_wgs84_range(geometry, "The KML")
    return Extent(geometry, describe_crs(WGS84), len(geometries))


def extent_from_kmz(data: bytes) -> Extent:
    members = _open_zip(data, "KMZ")
    kml_names = sorted(name for name in members if name.lower().endswith(".kml"))
    if not kml_names:
        raise GeometryError("The KMZ archive contains no .kml file.")
    doc = "doc.kml" if "doc.kml" in kml_names else kml_names[0]
    return extent_from_kml(members[doc])


READERS = {
    "geojson": extent_from_geojson,
    "shapefile": extent_from_shapefile_zip,
    "geopackage": extent_from_geopackage,
    "kml": extent_from_kml,
    "kmz": extent_from_kmz,
}


def extent_from_file(data: bytes, filename: str, declared_format: str = "") -> Extent:
    """Compute the WGS 84 extent of a GIS file given as bytes.

    Raises GeometryError or CRSError (both ValueError) naming the problem.
    """
    kind = detect_format(filename, declared_format)
    if kind is None:
        raise GeometryError(
            f"Unsupported GIS file {filename!r}: use GeoJSON, a zipped Shapefile, "
            "GeoPackage, KML or KMZ."
        )
    return READERS[kind](data)
