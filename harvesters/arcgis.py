"""Harvest ArcGIS REST map and feature services (ArcGIS Server, Portal).

The source URL is a services directory, e.g.
``https://gis.example.vn/arcgis/rest/services`` (or one of its folders).
The listing reads the directory with ``?f=json`` and its folders (one level
of sub-folders, as ArcGIS Server has), and keeps services of type MapServer
and FeatureServer. Each record is the service's JSON plus its ``/layers``
JSON. The guid is the service path (``Folder/Name/MapServer``); ArcGIS REST
gives no modification time for a service, so unchanged services are skipped
by content hash. The full extent is projected to WGS 84 with pyproj for the
dossier's ``spatial``, and its spatial reference becomes ``source_crs``.

Config keys besides the mapping keys: ``service_types`` (default
``["MapServer", "FeatureServer"]``) and ``folders`` (only these folders).
"""

from __future__ import annotations

import json
from typing import Any

from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from . import http
from .base import Listing, QuyhoachHarvester, RecordError
from .mapping import Mapping, RemoteRecord
from .store import Entry

SERVICE_TYPES = ("MapServer", "FeatureServer")


def _check_list(value: Any) -> str | None:
    ok = isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)
    return None if ok else "must be a non-empty list of strings"


def _directory(url: str) -> dict[str, Any]:
    body = http.fetch(url, params={"f": "json"}).json()
    if not isinstance(body, dict) or "error" in body:
        message = body.get("error", {}).get("message") if isinstance(body, dict) else "not an object"
        raise RecordError(f"{url} returned an ArcGIS REST error: {message}")
    return body


def _wkid(reference: dict[str, Any] | None) -> int | None:
    if not reference:
        return None
    return reference.get("latestWkid") or reference.get("wkid")


def extent_to_wgs84(extent: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return the GeoJSON polygon of an ArcGIS extent in WGS 84, or None."""
    if not extent or any(extent.get(k) in (None, "NaN") for k in ("xmin", "ymin", "xmax", "ymax")):
        return None
    wkid = _wkid(extent.get("spatialReference")) or 4326
    try:
        transformer = Transformer.from_crs(CRS.from_epsg(int(wkid)), CRS.from_epsg(4326), always_xy=True)
    except CRSError:
        return None
    west, south, east, north = transformer.transform_bounds(extent["xmin"], extent["ymin"], extent["xmax"], extent["ymax"])
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    ring = [[round(x, 6), round(y, 6)] for x, y in ring]
    return {"type": "Polygon", "coordinates": [ring]}


class ArcgisHarvester(QuyhoachHarvester):
    source_type = "quyhoach_arcgis"
    title = "ArcGIS REST (Quy hoạch)"
    description = "Dossiers from ArcGIS REST map and feature services: metadata, layers, extent and spatial reference"
    config_keys = {"service_types": _check_list, "folders": _check_list}

    def list_records(self, source_url: str, settings: Mapping) -> Listing:
        root_url = source_url.split("?")[0].rstrip("/")
        types = tuple(settings.protocol.get("service_types") or SERVICE_TYPES)
        root = _directory(root_url)
        folders = settings.protocol.get("folders") or root.get("folders") or []
        # With ``folders`` set, only services inside those folders are harvested.
        services = [] if settings.protocol.get("folders") else list(root.get("services") or [])
        for folder in folders:
            services += _directory(f"{root_url}/{folder}").get("services") or []
        listing = Listing()
        for service in services:
            if service.get("type") in types and service.get("name"):
                path = f"{service['name']}/{service['type']}"
                listing.entries.append(Entry(guid=path, remote_url=f"{root_url}/{path}"))
        listing.expected = len(listing.entries)
        return listing

    def fetch_contents(self, source_url: str, settings: Mapping, entries: list[Entry]) -> None:
        for entry in entries:
            entry.content = self._read_service(entry.remote_url)

    def fetch_record(self, source_url: str, settings: Mapping, guid: str, remote_url: str) -> str:
        return self._read_service(remote_url)

    def _read_service(self, url: str) -> str:
        service = _directory(url)
        try:
            layers = _directory(f"{url}/layers")
        except RecordError:
            layers = {"layers": service.get("layers") or []}
        return json.dumps({"url": url, "service": service, "layers": layers.get("layers") or []}, ensure_ascii=False)

    def parse_record(self, content: str, guid: str, settings: Mapping) -> RemoteRecord:
        try:
            data = json.loads(content)
            service, layers, url = data["service"], data["layers"], data["url"]
        except (ValueError, KeyError, TypeError) as error:
            raise RecordError(f"the stored service JSON is incomplete: {error}") from error
        info = service.get("documentInfo") or {}
        title = info.get("Title") or service.get("mapName") or guid.split("/")[-2]
        if not title:
            raise RecordError("the service has no title (documentInfo.Title or mapName)")
        return RemoteRecord(
            remote_id=guid,
            remote_url=url,
            title=title,
            fields=self._fields(service, info),
            tags=[k.strip() for k in (info.get("Keywords") or "").split(",") if k.strip()],
            categories=guid.split("/")[:-2],
            resources=self._resources(url, guid, layers),
        )

    def _fields(self, service: dict[str, Any], info: dict[str, Any]) -> dict[str, Any]:
        extent = service.get("fullExtent") or service.get("initialExtent")
        polygon = extent_to_wgs84(extent)
        wkid = _wkid(service.get("spatialReference") or (extent or {}).get("spatialReference"))
        fields: dict[str, Any] = {
            "notes": service.get("serviceDescription") or service.get("description") or info.get("Comments"),
            "source_crs": f"EPSG:{wkid}" if wkid else None,
            "spatial": json.dumps(polygon) if polygon else None,
            "gis_status": "complete",
        }
        for key in ("Subject", "Author", "Category"):
            if info.get(key):
                fields[key.lower()] = info[key]
        return fields

    def _resources(self, url: str, guid: str, layers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kind = guid.split("/")[-1]
        resources = [{"url": url, "name": guid, "format": f"ArcGIS {kind}", "document_role": "gis_dataset"}]
        for layer in layers:
            if "id" in layer:
                resources.append(
                    {
                        "url": f"{url}/{layer['id']}",
                        "name": layer.get("name") or f"Layer {layer['id']}",
                        "description": layer.get("description") or layer.get("geometryType") or "",
                        "format": f"ArcGIS {kind} layer",
                        "document_role": "gis_dataset",
                    }
                )
        return resources
