#!/usr/bin/env python3
"""Write the schema.xml of the portal's Solr core from the one CKAN ships.

The input is ckan/config/solr/schema.xml of the installed CKAN package. The
output is that file, unchanged except for the fields that ckanext-spatial
2.3.2 queries, so the schema name (ckan-2.12 for CKAN 2.12) stays the one that
CKAN checks at start-up. Run by scripts/solr.sh setup-core. Standard library
only, so any Python 3.8+ can run it.

Fields added:

* minx, maxx, miny, maxy: float, for the solr-bbox backend. Its filter
  ``{!frange incl=false l=0 u=1}div(mul(...minx...))`` evaluates function
  queries over these fields, and Solr computes functions over point fields
  from docValues only (point fields cannot be uninverted), so docValues="true"
  is required here. Schema version 1.6 does not enable it by default.
* spatial_geom: single-valued location_rpt, for the solr-spatial-field
  backend, which filters with
  ``{!field f=spatial_geom}Intersects(ENVELOPE(minx, maxx, maxy, miny))``.
  The field type below cannot be multivalued. The backend sends several WKT
  values only for a GeometryCollection of five-position polygons, which
  ckanext.quyhoach.spatial.index turns into a MultiPolygon, so one value per
  dataset arrives. NOTE: without the quyhoach_spatial plugin, such a dataset
  is rejected by Solr (HTTP 400, multiple values for a single-valued field);
  ckanext-spatial's own test_geometry_collection indexes one. The geometry
  is kept in docValues, so the field is not stored; the [geo] document
  transformer returns it, e.g. fl=spatial_geom:[geo f=spatial_geom].

Analysis classes: every tokenizer and filter factory in CKAN 2.12's schema
(Whitespace, WordDelimiterGraph, FlattenGraph, LowerCase, SnowballPorter,
ASCIIFolding, SynonymGraph, NGram) still exists in Solr 9.10.1, which bundles
Lucene 9.12.3, so this script replaces none of them.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

# Field type of spatial_geom: RptWithGeometrySpatialField (Solr 9.10.1) indexes
# a coarse prefix-tree grid to find candidates and keeps each geometry in
# docValues, against which it checks every candidate that the grid cannot
# decide. Results are therefore exact whatever distErrPct is, and distErrPct
# (the grid detail as a fraction of the shape's size) only trades indexing
# time against query time. The type rejects multiValued fields.
# JTS (jts-core on the launcher's classpath, 1.17.0, see launcher/pom.xml) is
# needed for polygons. validationRule="repairBuffer0" repairs an invalid
# polygon, such as a self-intersecting ring, with a zero-width buffer instead
# of rejecting the document. Unparsable WKT is still rejected with HTTP 400.
# NOTE: for a self-intersecting "bowtie" ring the repair keeps only one of the
# two lobes (checked with JTS 1.17.0 and 1.19.0), so the other lobe is not
# searchable.
# ckanext-spatial's solr-spatial-field backend skips invalid shapes itself,
# except five-point rings, which it turns into boxes.
# maxDistErr is in distanceUnits, so 0.001 km (1 m) is the finest grid level.
#
# Measured on 2,000 dossiers generated as in bench/bench_spatial.py (at most
# 1,000 vertices each), one run per row on 2 cores shared with other work, so
# the times are rough. "False" counts false positives among 4,352 true hits of
# 180 bbox, point and IsWithin filters, checked against shapely. docs/s counts
# Solr's update requests only. Query times are bbox filter median / p95 in ms.
#   class, grid, distErrPct          docs/s  index MB  false  bbox ms
#   SpatialRecursivePrefixTree 0.025     14      63.4     72   4.0 / 14.0
#   SpatialRecursivePrefixTree 0.15     238      15.8    313   2.2 / 8.1
#   RptWithGeometry geohash 0.15        252      16.6      0   3.6 / 10.8
#   RptWithGeometry geohash 0.25        470      15.2      0   4.3 / 12.3
#   RptWithGeometry packedQuad 0.15     352      15.8      0   3.3 / 6.2
#     the same with the shape cache     388      15.8      0   2.3 / 4.1
#   RptWithGeometry packedQuad 0.25
#     with the shape cache              593      14.6      0   3.1 / 6.5
# The first row is the type used before. The shape cache is the
# perSegSpatialFieldCache_spatial_geom entry in ckan/conf/solrconfig.xml.
# packedQuad with distErrPct 0.15 (Solr's default for this class) and the
# cache gave the lowest query times of the exact rows. bench/results/spatial.md
# has the figures at 10,000 and 100,000 dossiers.
LOCATION_RPT_TYPE = """\
    <!-- Added for ckanext-spatial (solr-spatial-field backend). -->
    <fieldType name="location_rpt" class="solr.RptWithGeometrySpatialField"
               spatialContextFactory="JTS"
               geo="true"
               autoIndex="true"
               validationRule="repairBuffer0"
               prefixTree="packedQuad"
               distErrPct="0.15"
               maxDistErr="0.001"
               distanceUnits="kilometers"/>
"""

SPATIAL_FIELDS = {
    "minx": '<field name="minx" type="float" indexed="true" stored="true" docValues="true"/>',
    "maxx": '<field name="maxx" type="float" indexed="true" stored="true" docValues="true"/>',
    "miny": '<field name="miny" type="float" indexed="true" stored="true" docValues="true"/>',
    "maxy": '<field name="maxy" type="float" indexed="true" stored="true" docValues="true"/>',
    "spatial_geom": (
        '<field name="spatial_geom" type="location_rpt" indexed="true" stored="false"'
        ' multiValued="false"/>'
    ),
}

# Field types that the added fields refer to and that CKAN's schema defines.
REQUIRED_CKAN_TYPES = ("float",)


class SchemaError(Exception):
    """CKAN's schema.xml does not have the layout this script edits."""


def _insert_before(text: str, closing_tag: str, addition: str) -> str:
    if text.count(closing_tag) != 1:
        raise SchemaError(
            f"expected exactly one {closing_tag} in CKAN's schema.xml, "
            f"found {text.count(closing_tag)}"
        )
    index = text.index(closing_tag)
    return text[:index] + addition + text[index:]


def build_schema(ckan_schema: str) -> str:
    """Return CKAN's schema text with the ckanext-spatial field types and fields added.

    Fields and types that CKAN's schema already defines are left as they are.
    Raises SchemaError when the input is not a CKAN schema this script can edit.
    """
    try:
        root = ET.fromstring(ckan_schema)
    except ET.ParseError as error:
        raise SchemaError(f"CKAN's schema.xml is not valid XML: {error}") from error

    schema_name = root.get("name", "")
    if root.tag != "schema" or not schema_name.startswith("ckan-"):
        raise SchemaError(
            f'expected root <schema name="ckan-X.Y">, found <{root.tag} name="{schema_name}">'
        )

    # CKAN's schema writes both <fieldType> and <fieldtype>.
    type_names = {
        element.get("name") for element in root.iter() if element.tag.lower() == "fieldtype"
    }
    field_names = {element.get("name") for element in root.iter("field")}

    for type_name in REQUIRED_CKAN_TYPES:
        if type_name not in type_names:
            raise SchemaError(f'field type "{type_name}" not found in CKAN\'s schema.xml')

    text = ckan_schema
    if "location_rpt" not in type_names:
        text = _insert_before(text, "</types>", LOCATION_RPT_TYPE + "\n")

    missing_fields = [name for name in SPATIAL_FIELDS if name not in field_names]
    if missing_fields:
        lines = ["    <!-- Added for ckanext-spatial (solr-bbox and solr-spatial-field backends). -->"]
        lines += ["    " + SPATIAL_FIELDS[name] for name in missing_fields]
        text = _insert_before(text, "</fields>", "\n".join(lines) + "\n")

    _verify_output(text, schema_name)
    return text


def _verify_output(text: str, schema_name: str) -> None:
    root = ET.fromstring(text)
    if root.get("name") != schema_name:
        raise SchemaError(f"schema name changed from {schema_name} to {root.get('name')}")
    field_names = {element.get("name") for element in root.iter("field")}
    missing = sorted(set(SPATIAL_FIELDS) - field_names)
    if missing:
        raise SchemaError(f"generated schema is missing fields {missing}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "ckan_schema", type=Path, help="path of ckan/config/solr/schema.xml in the CKAN install"
    )
    parser.add_argument("output", type=Path, help="path of the schema.xml to write")
    args = parser.parse_args(argv)

    try:
        source = args.ckan_schema.read_text(encoding="utf-8")
    except OSError as error:
        print(f"build_ckan_schema: cannot read {args.ckan_schema}: {error}", file=sys.stderr)
        return 1

    try:
        schema = build_schema(source)
    except SchemaError as error:
        print(f"build_ckan_schema: {args.ckan_schema}: {error}", file=sys.stderr)
        return 1

    # Write next to the target and rename, so that a running core never reads half a file.
    temporary = args.output.with_name(args.output.name + ".tmp")
    temporary.write_text(schema, encoding="utf-8")
    temporary.replace(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
