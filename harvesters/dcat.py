"""Harvest a DCAT catalogue (RDF/XML, Turtle, JSON-LD) with ckanext-dcat's profiles.

The catalogue document at the source URL is parsed with ckanext-dcat's
`RDFParser` and the profiles in ``ckanext.dcat.rdf.profiles`` (or the source's
``profiles`` key); Hydra paging (``hydra:next``) is followed. A dataset's guid
is its ``dct:identifier``, else its URI; ``dct:modified`` drives the skip of
unchanged records. ``dcat:theme`` values are the record's categories for
``category_map``.

Config keys besides the mapping keys: ``rdf_format`` (``turtle``, ``xml``,
``json-ld``; default from the Content-Type), ``profiles`` (a list of profile
names), ``max_pages`` (default 100).
"""

from __future__ import annotations

import json
from typing import Any

from ckanext.dcat.processors import RDFParser, RDFParserException

from . import http, mapping
from .base import Listing, QuyhoachHarvester, RecordError
from .mapping import Mapping, RemoteRecord
from .store import Entry

CONTENT_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml", "application/n-triples": "nt"}
RESOURCE_KEYS = ("url", "name", "description", "format")


def _check_format(value: Any) -> str | None:
    return None if value in ("turtle", "xml", "json-ld", "nt", "n3") else 'use one of "turtle", "xml", "json-ld", "nt", "n3"'


def _check_profiles(value: Any) -> str | None:
    ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
    return None if ok else 'must be a list of profile names, e.g. ["euro_dcat_ap_3"]'


def _check_pages(value: Any) -> str | None:
    return None if isinstance(value, int) and value > 0 else "must be a positive integer"


def _rdf_format(response: http.Response, configured: str | None) -> str:
    if configured:
        return configured
    media_type = response.content_type.split(";")[0].strip().lower()
    return CONTENT_TYPES.get(media_type, "xml")


def _extras(dataset: dict[str, Any]) -> dict[str, Any]:
    return {extra["key"]: extra["value"] for extra in dataset.get("extras") or [] if "key" in extra}


def _themes(extras: dict[str, Any]) -> list[str]:
    value = extras.get("theme")
    if not value:
        return []
    try:
        themes = json.loads(value) if isinstance(value, str) and value.startswith("[") else [value]
    except ValueError:
        themes = [value]
    return [str(theme) for theme in themes]


class DcatHarvester(QuyhoachHarvester):
    source_type = "quyhoach_dcat"
    title = "DCAT RDF (Quy hoạch)"
    description = "Dossiers from a DCAT catalogue in RDF/XML, Turtle or JSON-LD, parsed with ckanext-dcat profiles"
    config_keys = {"rdf_format": _check_format, "profiles": _check_profiles, "max_pages": _check_pages}

    def list_records(self, source_url: str, settings: Mapping) -> Listing:
        listing = Listing()
        url: str | None = source_url
        for _ in range(settings.protocol.get("max_pages", 100)):
            if not url:
                break
            response = http.fetch(url)
            parser = RDFParser(profiles=settings.protocol.get("profiles"), dataset_type=mapping.DATASET_TYPE)
            try:
                parser.parse(response.text(), _format=_rdf_format(response, settings.protocol.get("rdf_format")))
                datasets = list(parser.datasets())
            except RDFParserException as error:
                raise RecordError(f"{url} is not a readable RDF document: {error}") from error
            for dataset in datasets:
                listing.entries.append(self._entry(dataset, url))
            url = parser.next_page()
        listing.expected = len(listing.entries)
        return listing

    def _entry(self, dataset: dict[str, Any], page_url: str) -> Entry:
        extras = _extras(dataset)
        guid = str(extras.get("identifier") or extras.get("uri") or "")
        remote_url = str(extras.get("uri") or page_url)
        content = json.dumps(dataset, ensure_ascii=False, default=str)
        return Entry(guid=guid or remote_url, remote_url=remote_url, modified=extras.get("modified"), content=content)

    def parse_record(self, content: str, guid: str, settings: Mapping) -> RemoteRecord:
        dataset = json.loads(content)
        if not dataset.get("title"):
            raise RecordError("the DCAT dataset has no dct:title")
        extras = _extras(dataset)
        fields = {k: v for k, v in dataset.items() if isinstance(v, str)}
        fields.update({k: v for k, v in extras.items() if k not in fields})
        return RemoteRecord(
            remote_id=guid,
            remote_url=str(extras.get("uri") or ""),
            title=dataset["title"],
            fields=fields,
            tags=[tag["name"] for tag in dataset.get("tags") or [] if tag.get("name")],
            categories=_themes(extras),
            resources=[{k: r.get(k) for k in RESOURCE_KEYS} | {"url": r.get("url") or r.get("download_url")} for r in dataset.get("resources") or []],
        )
