"""Actions, auth functions and the validator of the quyhoach_spatial plugin."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import ckan.plugins.toolkit as tk
import requests

from ckanext.quyhoach.spatial import coverage, gazetteer
from ckanext.quyhoach.spatial.extents import Extent, extent_from_file
from ckanext.quyhoach.spatial.geometry import GeometryError, parse_extent, to_geojson
from ckanext.quyhoach.spatial.index import index_geojson
from ckanext.quyhoach.spatial.search import SpatialQueryError, parse_point

log = logging.getLogger(__name__)

DATASET_TYPE = "ho-so-quy-hoach"
RESULT_FIELDS = (
    "id", "name", "title", "plan_level", "plan_type", "region", "province_codes",
    "decision_number", "decision_date", "effective_from", "effective_to", "legal_status",
)
DOWNLOAD_TIMEOUT_SECONDS = 30

__all__ = [
    "quyhoach_plans_at_point",
    "quyhoach_place_search",
    "quyhoach_dossier_extent_from_resource",
]


def index_max_vertices() -> int:
    return tk.config.get("ckanext.quyhoach.spatial.index_max_vertices")


def quyhoach_spatial_geojson(value: Any, context: dict[str, Any]) -> Any:
    """Check a dossier's `spatial` extent and store it normalised (WGS 84, -180..180).

    Rejects, with the problem named, anything the search index could not take.
    """
    if value is None or value == "" or value is tk.missing:
        return value
    try:
        text = to_geojson(parse_extent(value))
        index_geojson(text, index_max_vertices())
    except GeometryError as error:
        raise tk.Invalid(str(error))
    return text


def _read_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise tk.ValidationError(
            {"date": [f"Invalid date {value!r}: use YYYY-MM-DD, e.g. 2025-07-01."]}
        ) from None


def _summary(dossier: dict[str, Any]) -> dict[str, Any]:
    summary = {key: dossier.get(key) for key in RESULT_FIELDS}
    summary["level_rank"] = coverage.level_rank(dossier.get("plan_level"))
    return summary


def _ordered(dossiers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order by level (national first), then newest decision, then title; sorts are stable."""
    results = sorted((_summary(d) for d in dossiers), key=lambda d: d.get("title") or "")
    results.sort(key=lambda d: str(d.get("decision_date") or ""), reverse=True)
    results.sort(key=lambda d: d["level_rank"])
    return results


@tk.side_effect_free
def quyhoach_plans_at_point(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Return the plan dossiers whose extent contains a point.

    Ordered national, regional, provincial, then local; within a level the
    newest decision first.

    :param lon: longitude in WGS 84 degrees
    :type lon: float
    :param lat: latitude in WGS 84 degrees
    :type lat: float
    :param date: only dossiers in force on this date (YYYY-MM-DD), optional
    :type date: string
    :returns: ``{"count": n, "point": [lon, lat], "date": ..., "results": [...]}``
    """
    tk.check_access("quyhoach_plans_at_point", context, data_dict)
    try:
        lon, lat = parse_point([data_dict.get("lon"), data_dict.get("lat")])
    except SpatialQueryError as error:
        raise tk.ValidationError({"lon": [str(error)], "lat": [str(error)]}) from None
    day = _read_date(data_dict.get("date"))

    found = tk.get_action("package_search")(
        {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")},
        {
            "ext_point": f"{lon},{lat}",
            "fq": f"dataset_type:{DATASET_TYPE}",
            "rows": 1000,
            "include_private": True,
        },
    )
    dossiers = found["results"]
    if day is not None:
        dossiers = [d for d in dossiers if coverage.in_force_on(d, day)]
    results = _ordered(dossiers)
    return {
        "count": len(results),
        "point": [lon, lat],
        "date": day.isoformat() if day else None,
        "results": results,
    }


@tk.side_effect_free
def quyhoach_place_search(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Find provinces and regions by name, and the plan dossiers that cover them.

    A former province's name also finds its successor's dossiers, and the
    reverse. Diacritics and case are ignored.

    :param q: place name, e.g. "Bắc Kạn" or "bac kan"
    :type q: string
    :param rows: maximum number of dossiers returned (default 100)
    :type rows: int
    :returns: ``{"places": [...], "count": n, "results": [...]}``
    """
    tk.check_access("quyhoach_place_search", context, data_dict)
    name = str(data_dict.get("q") or "").strip()
    if not name:
        raise tk.ValidationError({"q": ["Missing value: give a place name, e.g. Hà Nội."]})
    places = gazetteer.search_places(name)
    if not places:
        return {"places": [], "count": 0, "results": []}
    found = tk.get_action("package_search")(
        {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")},
        {
            "ext_place": name,
            "fq": f"dataset_type:{DATASET_TYPE}",
            "rows": tk.asint(data_dict.get("rows", 100)),
            "include_private": True,
        },
    )
    results = _ordered(found["results"])
    return {
        "places": [place.__dict__ | {"current_codes": list(place.current_codes)} for place in places],
        "count": found["count"],
        "results": results,
    }


def max_file_bytes() -> int:
    return tk.config.get("ckan.max_resource_size") * 1024 * 1024


def _download(url: str) -> bytes:
    """Download URL with a size cap. Raises ValidationError naming the URL on failure."""
    limit = max_file_bytes()
    try:
        with requests.get(url, stream=True, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            response.raise_for_status()
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise tk.ValidationError({"url": [f"File at {url} is larger than {limit} bytes."]})
                chunks.append(chunk)
    except requests.RequestException as error:
        raise tk.ValidationError({"url": [f"Download of {url} failed: {error}."]}) from None
    return b"".join(chunks)


def _resource_bytes(resource: dict[str, Any]) -> bytes:
    if resource.get("url_type") == "upload":
        from ckan.lib import uploader

        path = uploader.get_resource_uploader(resource).get_path(resource["id"])
        with open(path, "rb") as file:
            return file.read()
    return _download(resource["url"])


def compute_extent(data: bytes, filename: str, declared_format: str, field: str) -> Extent:
    """Compute a GIS file's extent, or raise ValidationError on FIELD naming the problem."""
    try:
        return extent_from_file(data, filename, declared_format)
    except ValueError as error:
        raise tk.ValidationError({field: [f"{filename}: {error}"]}) from None


def apply_extent(context: dict[str, Any], package_id: str, extent: Extent) -> dict[str, Any]:
    """Store EXTENT as the dossier's spatial and source_crs."""
    return tk.get_action("package_patch")(
        {"user": context.get("user"), "ignore_auth": context.get("ignore_auth", False)},
        {"id": package_id, "spatial": to_geojson(extent.geometry), "source_crs": extent.source_crs},
    )


def quyhoach_dossier_extent_from_resource(
    context: dict[str, Any], data_dict: dict[str, Any]
) -> dict[str, Any]:
    """Set a dossier's extent and source CRS from one of its GIS resources.

    Reads an uploaded file from storage or downloads a linked one (size
    capped by ckan.max_resource_size), then reprojects it to WGS 84.

    :param id: resource id
    :type id: string
    :returns: ``{"spatial": geojson, "source_crs": label, "feature_count": n}``
    """
    resource_id = tk.get_or_bust(data_dict, "id")
    tk.check_access("quyhoach_dossier_extent_from_resource", context, data_dict)
    resource = tk.get_action("resource_show")(context, {"id": resource_id})
    filename = (resource.get("url") or "").rsplit("/", 1)[-1] or resource_id
    extent = compute_extent(_resource_bytes(resource), filename, resource.get("format") or "", "url")
    dossier = apply_extent(context, resource["package_id"], extent)
    log.info("Extent of dataset %s set from resource %s", resource["package_id"], resource_id)
    return {
        "spatial": dossier.get("spatial"),
        "source_crs": dossier.get("source_crs"),
        "feature_count": extent.feature_count,
    }


@tk.auth_allow_anonymous_access
def auth_plans_at_point(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, bool]:
    return {"success": True}


@tk.auth_allow_anonymous_access
def auth_place_search(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, bool]:
    return {"success": True}


def auth_dossier_extent_from_resource(
    context: dict[str, Any], data_dict: dict[str, Any]
) -> dict[str, Any]:
    resource = tk.get_action("resource_show")(
        {"ignore_auth": True}, {"id": tk.get_or_bust(data_dict, "id")}
    )
    try:
        tk.check_access("package_update", context, {"id": resource["package_id"]})
    except tk.NotAuthorized:
        return {"success": False, "msg": f"Not allowed to edit dataset {resource['package_id']}"}
    return {"success": True}


def get_actions() -> dict[str, Any]:
    return {
        "quyhoach_plans_at_point": quyhoach_plans_at_point,
        "quyhoach_place_search": quyhoach_place_search,
        "quyhoach_dossier_extent_from_resource": quyhoach_dossier_extent_from_resource,
    }


def get_auth_functions() -> dict[str, Any]:
    return {
        "quyhoach_plans_at_point": auth_plans_at_point,
        "quyhoach_place_search": auth_place_search,
        "quyhoach_dossier_extent_from_resource": auth_dossier_extent_from_resource,
    }
