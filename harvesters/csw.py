"""Harvest ISO 19139 records from a CSW 2.0.2 catalogue (GeoNetwork, pycsw).

Requests are plain KVP GetRecords pages through `http.fetch` (so the size cap,
timeout and address check apply), asking for ``gmd:MD_Metadata`` records in the
ISO output schema with the full element set. Each record is parsed with
OWSLib's `owslib.iso.MD_Metadata`. The guid is ``gmd:fileIdentifier``,
``gmd:dateStamp`` drives the skip of unchanged records, keywords are tags and
ISO topic categories are the record's categories for ``category_map``. The
geographic bounding box becomes the dossier's ``spatial`` polygon and the
reference system its ``source_crs``.

Config keys besides the mapping keys: ``max_records`` (records per page,
default ``ckanext.quyhoach.harvest.page_size``) and ``constraint`` (a CQL
filter passed as ``constraint`` with ``constraintLanguage=CQL_TEXT``).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from lxml import etree
from owslib.iso import MD_Metadata

import ckan.plugins.toolkit as tk

from . import http
from .base import Listing, QuyhoachHarvester, RecordError
from .mapping import Mapping, RemoteRecord
from .store import Entry

NS = {
    "csw": "http://www.opengis.net/cat/csw/2.0.2",
    "gmd": "http://www.isotc211.org/2005/gmd",
    "ows": "http://www.opengis.net/ows",
}
GMD = NS["gmd"]
# A CSW may answer with more pages than it announced; stop after this many.
MAX_PAGES = 10000


def _check_positive(value: Any) -> str | None:
    return None if isinstance(value, int) and value > 0 else "must be a positive integer"


def _check_string(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty string"


def _base_params() -> dict[str, str]:
    return {"service": "CSW", "version": "2.0.2", "outputSchema": GMD, "elementSetName": "full"}


def _parse_xml(body: bytes, url: str) -> etree._Element:
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as error:
        raise RecordError(f"{url} did not return XML: {error}") from error
    exception = root.find(".//ows:ExceptionText", NS)
    if root.tag.endswith("ExceptionReport"):
        raise RecordError(f"{url} returned an OWS exception: {exception.text if exception is not None else 'no text'}")
    return root


def _spatial(metadata: MD_Metadata) -> str | None:
    identification = metadata.identification[0] if metadata.identification else None
    bbox = getattr(identification, "bbox", None)
    try:
        west, east, south, north = (float(getattr(bbox, k)) for k in ("minx", "maxx", "miny", "maxy"))
    except (TypeError, ValueError):
        return None
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


class CswHarvester(QuyhoachHarvester):
    source_type = "quyhoach_csw"
    title = "CSW ISO 19139 (Quy hoạch)"
    description = "Dossiers from ISO 19139 records in a CSW 2.0.2 catalogue (GeoNetwork, pycsw)"
    config_keys = {"max_records": _check_positive, "constraint": _check_string}

    def _page(self, source_url: str, settings: Mapping, start: int, size: int) -> tuple[etree._Element, str]:
        params = dict(
            _base_params(),
            request="GetRecords",
            typeNames="gmd:MD_Metadata",
            resultType="results",
            startPosition=str(start),
            maxRecords=str(size),
            namespace=f"xmlns(gmd={GMD})",
        )
        if settings.protocol.get("constraint"):
            params.update(constraint=settings.protocol["constraint"], constraintLanguage="CQL_TEXT", constraint_language_version="1.1.0")
        response = http.fetch(source_url, params=params)
        return _parse_xml(response.body, response.url), response.url

    def list_records(self, source_url: str, settings: Mapping) -> Listing:
        size = settings.protocol.get("max_records") or int(tk.config.get("ckanext.quyhoach.harvest.page_size"))
        listing = Listing()
        start = 1
        for _ in range(MAX_PAGES):
            root, url = self._page(source_url, settings, start, size)
            results = root.find("csw:SearchResults", NS)
            if results is None:
                raise RecordError(f"{url} returned no csw:SearchResults")
            if listing.expected is None:
                listing.expected = int(results.get("numberOfRecordsMatched") or 0)
            for element in results.findall("gmd:MD_Metadata", NS):
                listing.entries.append(self._entry(source_url, element))
            next_record = int(results.get("nextRecord") or 0)
            if next_record <= start or next_record > listing.expected or not len(results):
                break
            start = next_record
        return listing

    def _entry(self, source_url: str, element: etree._Element) -> Entry:
        metadata = MD_Metadata(element)
        guid = metadata.identifier or ""
        query = urlencode(dict(_base_params(), request="GetRecordById", id=guid))
        return Entry(
            guid=guid,
            remote_url=f"{source_url.split('?')[0]}?{query}",
            modified=metadata.datestamp,
            content=etree.tostring(element, encoding="unicode"),
        )

    def parse_record(self, content: str, guid: str, settings: Mapping) -> RemoteRecord:
        try:
            element = etree.fromstring(content.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True))
            metadata = MD_Metadata(element)
        except (etree.XMLSyntaxError, AttributeError, ValueError) as error:
            raise RecordError(f"the ISO 19139 record cannot be read: {error}") from error
        identification = metadata.identification[0] if metadata.identification else None
        if not metadata.identifier or identification is None or not identification.title:
            raise RecordError("the ISO 19139 record has no gmd:fileIdentifier or no title")
        return RemoteRecord(
            remote_id=metadata.identifier,
            remote_url="",
            title=identification.title,
            fields=self._fields(metadata, identification),
            tags=[kw.name for group in identification.keywords or [] for kw in group.keywords if kw.name],
            categories=list(identification.topiccategory or []),
            resources=self._resources(metadata),
        )

    def _fields(self, metadata: MD_Metadata, identification) -> dict[str, Any]:
        fields: dict[str, Any] = {"notes": identification.abstract, "spatial": _spatial(metadata)}
        if metadata.referencesystem is not None and metadata.referencesystem.code:
            fields["source_crs"] = metadata.referencesystem.code
        codes = [code for code in getattr(identification, "uricode", []) if code]
        if codes:
            fields["identifier"] = codes[0]
        for date in getattr(identification, "date", []) or []:
            if date.type and date.date:
                fields[f"date_{date.type}"] = date.date
        return fields

    def _resources(self, metadata: MD_Metadata) -> list[dict[str, Any]]:
        online = metadata.distribution.online if metadata.distribution is not None else []
        return [
            {"url": link.url, "name": link.name or link.url, "format": link.protocol, "description": link.description}
            for link in online
            if link.url
        ]
