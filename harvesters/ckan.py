"""Harvest dossiers from another CKAN portal through its Action API.

The listing pages through ``package_search`` asking only for id, name, type
and ``metadata_modified``, so a re-harvest compares modification times without
downloading unchanged records. New and changed records are then read in
batches with their full dicts. Datasets that are private or deleted at the
source do not appear in an anonymous search, so they are withdrawn here.

Config keys besides the mapping keys (see mapping.py):

``fq``             extra Solr filter, e.g. ``"organization:so-xay-dung"``
``dataset_type``   remote dataset type to harvest (default: every type but ``harvest``)
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import ckan.plugins.toolkit as tk

from . import http
from .base import Listing, QuyhoachHarvester, RecordError
from .mapping import Mapping, RemoteRecord
from .store import Entry

ID_BATCH = 50
LIST_FIELDS = "id name dataset_type metadata_modified"
RESOURCE_KEYS = ("url", "name", "description", "format", "document_role", "map_theme", "map_scale", "secrecy_level", "sha256")


def _check_string(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty string"


class CkanHarvester(QuyhoachHarvester):
    source_type = "quyhoach_ckan"
    title = "CKAN (Quy hoạch)"
    description = "Dossiers from a CKAN portal's Action API, with provenance and incremental updates"
    config_keys = {"fq": _check_string, "dataset_type": _check_string}

    def _api(self, source_url: str, action: str) -> str:
        return f"{source_url.rstrip('/')}/api/3/action/{action}"

    def _filter(self, settings: Mapping) -> str:
        dataset_type = settings.protocol.get("dataset_type")
        terms = [f'+dataset_type:"{dataset_type}"' if dataset_type else "-dataset_type:harvest"]
        if settings.protocol.get("fq"):
            terms.append(settings.protocol["fq"])
        return " ".join(terms)

    def _search(self, source_url: str, params: dict[str, Any]) -> dict[str, Any]:
        response = http.fetch(self._api(source_url, "package_search"), params=params)
        body = response.json()
        if not isinstance(body, dict) or not body.get("success") or not isinstance(body.get("result"), dict):
            raise RecordError(f"{response.url} did not return a package_search result")
        return body["result"]

    def list_records(self, source_url: str, settings: Mapping) -> Listing:
        rows = int(tk.config.get("ckanext.quyhoach.harvest.page_size"))
        params = {"q": "*:*", "fq": self._filter(settings), "fl": LIST_FIELDS, "sort": "id asc", "rows": rows}
        listing = Listing()
        start = 0
        while True:
            result = self._search(source_url, dict(params, start=start))
            if listing.expected is None:
                listing.expected = int(result.get("count") or 0)
            page = result.get("results") or []
            for item in page:
                guid = item["id"]
                url = f"{source_url.rstrip('/')}/{item.get('dataset_type') or 'dataset'}/{item.get('name') or guid}"
                listing.entries.append(Entry(guid=guid, remote_url=url, modified=item.get("metadata_modified")))
            start += rows
            if not page or start >= listing.expected:
                return listing

    def fetch_contents(self, source_url: str, settings: Mapping, entries: list[Entry]) -> None:
        by_guid = {entry.guid: entry for entry in entries}
        guids = list(by_guid)
        for start in range(0, len(guids), ID_BATCH):
            batch = guids[start : start + ID_BATCH]
            fq = "id:(" + " OR ".join(f'"{guid}"' for guid in batch) + ")"
            result = self._search(source_url, {"q": "*:*", "fq": fq, "rows": len(batch)})
            for package in result.get("results") or []:
                if package.get("id") in by_guid:
                    by_guid[package["id"]].content = json.dumps(package, ensure_ascii=False)

    def fetch_record(self, source_url: str, settings: Mapping, guid: str, remote_url: str) -> str:
        body = http.fetch(self._api(source_url, "package_show"), params={"id": guid}).json()
        if not isinstance(body, dict) or not body.get("success"):
            raise RecordError(f"package_show returned no dataset for {guid}")
        return json.dumps(body["result"], ensure_ascii=False)

    def parse_record(self, content: str, guid: str, settings: Mapping) -> RemoteRecord:
        try:
            package = json.loads(content)
        except ValueError as error:
            raise RecordError(f"content is not JSON: {error}") from error
        if not isinstance(package, dict) or not package.get("title"):
            raise RecordError("the remote dataset has no title")
        fields = {k: v for k, v in package.items() if isinstance(v, (str, int, float, list)) and k not in ("tags", "groups", "resources", "extras")}
        for extra in package.get("extras") or []:
            fields.setdefault(extra.get("key"), extra.get("value"))
        return RemoteRecord(
            remote_id=package.get("id") or guid,
            remote_url="",
            title=package["title"],
            name=package.get("name") or "",
            fields=fields,
            tags=[tag["name"] for tag in package.get("tags") or [] if tag.get("name")],
            categories=[group["name"] for group in package.get("groups") or [] if group.get("name")],
            resources=[{key: res.get(key) for key in RESOURCE_KEYS} for res in package.get("resources") or []],
        )
