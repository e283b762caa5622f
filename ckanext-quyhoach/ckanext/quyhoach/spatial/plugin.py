"""The quyhoach_spatial plugin: dossier extents, spatial search and map pages.

List it after quyhoach and before spatial_metadata and spatial_query in
ckan.plugins: IPackageController hooks run in that order, and this plugin
prepares the geometry and search parameters that ckanext-spatial then uses.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchQueryError
from shapely.errors import ShapelyError
from shapely.geometry import box, mapping, shape
from shapely.geometry.base import BaseGeometry

from ckanext.quyhoach.spatial import actions, coverage, gazetteer, views
from ckanext.quyhoach.spatial.extents import detect_format
from ckanext.quyhoach.spatial.geometry import to_geojson
from ckanext.quyhoach.spatial.index import index_geojson
from ckanext.quyhoach.spatial.search import (
    COVERED_CODES_FIELD,
    SpatialQueryError,
    spatial_filters,
)

log = logging.getLogger(__name__)

HERE = os.path.dirname(__file__)
EXTENT_CONTEXT_KEY = "quyhoach_spatial_extent"


def prepare_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Put an index-ready extent (or none) and the covered province codes into PKG_DICT.

    Never raises for a bad stored geometry: the dataset is then indexed
    without one and a warning names it, so a full reindex carries on.
    """
    stored = pkg_dict.get("extras_spatial") or pkg_dict.get("spatial")
    text = None
    try:
        if stored:
            text = index_geojson(stored, actions.index_max_vertices())
        else:
            derived = coverage.derived_extent(pkg_dict)
            if derived is not None:
                text = index_geojson(to_geojson(derived), actions.index_max_vertices())
    # Any failure must leave the dataset indexable, so the catch is broad on purpose.
    except Exception as error:  # noqa: BLE001
        log.warning("Dataset %s: extent not indexed: %s", pkg_dict.get("id"), error)
    # ckanext-spatial checks extras_spatial and indexes spatial; it drops both afterwards.
    for key in ("extras_spatial", "spatial"):
        pkg_dict.pop(key, None)
        if text:
            pkg_dict[key] = text
    pkg_dict[COVERED_CODES_FIELD] = sorted(coverage.covered_codes(pkg_dict))
    return pkg_dict


def extent_for_display(pkg_dict: dict[str, Any]) -> str | None:
    """Return the dossier's GeoJSON extent for a map: stored, or derived from the gazetteer."""
    stored = pkg_dict.get("spatial")
    if stored:
        return stored if isinstance(stored, str) else json.dumps(stored)
    derived = coverage.derived_extent(pkg_dict)
    return to_geojson(derived) if derived is not None else None


def _extent_geometry(pkg_dict: dict[str, Any]) -> BaseGeometry | None:
    """Return the dossier's extent as a geometry: stored, or derived from the gazetteer."""
    stored = pkg_dict.get("spatial")
    if stored:
        return shape(json.loads(stored) if isinstance(stored, str) else stored)
    return coverage.derived_extent(pkg_dict)


# Result extents on the search map are simplified to about 500 m, which is
# finer than the sidebar map shows and keeps the page small.
RESULT_TOLERANCE_DEGREES = 0.005


def results_geojson(packages: list[dict[str, Any]]) -> str:
    """Return the extents of a page of search results as a FeatureCollection.

    Each feature carries the dossier's title, plan level and page URL, so
    the search map can draw where the listed dossiers are and link to them.
    A dossier whose extent cannot be read is left off the map.
    """
    features = []
    for package in packages:
        try:
            geometry = _extent_geometry(package)
            if geometry is not None:
                geometry = geometry.simplify(RESULT_TOLERANCE_DEGREES)
        except (ValueError, TypeError, AttributeError, ShapelyError) as error:
            log.warning("Dataset %s: extent not drawn on the search map: %s", package.get("id"), error)
            continue
        if geometry is None or geometry.is_empty:
            continue
        url = tk.h.url_for(f"{package.get('type') or 'dataset'}.read", id=package["name"])
        properties = {"title": package.get("title") or package["name"], "url": url, "plan_level": package.get("plan_level")}
        features.append((geometry.area, {"type": "Feature", "properties": properties, "geometry": mapping(geometry)}))
    # Largest first, so a national plan's extent lies under the provincial
    # ones and each small extent stays clickable.
    features = [feature for _, feature in sorted(features, key=lambda item: -item[0])]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def province_context_geojson() -> str:
    """Return the current provinces' boxes as a FeatureCollection, drawn when there are no tiles."""
    features = [
        {
            "type": "Feature",
            "properties": {"code": province.code, "name": province.name_vi},
            "geometry": mapping(box(*province.bbox)),
        }
        for province in gazetteer.current_provinces()
    ]
    return json.dumps({"type": "FeatureCollection", "features": features})


def _uploaded_file(resource: dict[str, Any]):
    upload = resource.get("upload")
    filename = getattr(upload, "filename", None)
    if not filename or not detect_format(filename, resource.get("format") or ""):
        return None, None
    return upload, filename


@tk.blanket.config_declarations(os.path.join(HERE, "config_declaration.yaml"))
class QuyhoachSpatialPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IValidators)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IBlueprint)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IResourceController, inherit=True)

    # IConfigurer

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "quyhoach_spatial")
        tile_url = config.get("ckanext.quyhoach.spatial.tile_url")
        if tile_url:
            config["ckanext.spatial.common_map.type"] = "custom"
            config["ckanext.spatial.common_map.custom_url"] = tile_url
            config["ckanext.spatial.common_map.attribution"] = config.get(
                "ckanext.quyhoach.spatial.tile_attribution"
            )

    # IValidators, IActions, IAuthFunctions

    def get_validators(self) -> dict[str, Any]:
        return {"quyhoach_spatial_geojson": actions.quyhoach_spatial_geojson}

    def get_actions(self) -> dict[str, Any]:
        return actions.get_actions()

    def get_auth_functions(self) -> dict[str, Any]:
        return actions.get_auth_functions()

    # ITemplateHelpers, IBlueprint

    def get_helpers(self) -> dict[str, Any]:
        return {
            "quyhoach_spatial_extent": extent_for_display,
            "quyhoach_spatial_context": province_context_geojson,
            "quyhoach_spatial_results": results_geojson,
            "quyhoach_spatial_vietnam_extent": lambda: to_geojson(box(*gazetteer.vietnam_bbox())),
        }

    def get_blueprint(self) -> Any:
        return views.blueprint

    # IPackageController

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return prepare_index(pkg_dict)

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        extras = search_params.get("extras") or {}
        try:
            filters = spatial_filters(extras)
        except SpatialQueryError as error:
            raise SearchQueryError(str(error)) from None
        search_params["extras"] = extras
        search_params.setdefault("fq_list", []).extend(filters)
        return search_params

    # IResourceController: an uploaded GIS file sets the dossier's extent.

    def before_resource_create(self, context: dict[str, Any], resource: dict[str, Any]) -> None:
        self._check_upload(context, resource)

    def before_resource_update(
        self, context: dict[str, Any], current: dict[str, Any], resource: dict[str, Any]
    ) -> None:
        self._check_upload(context, resource)

    def after_resource_create(self, context: dict[str, Any], resource: dict[str, Any]) -> None:
        self._store_extent(context, resource)

    def after_resource_update(self, context: dict[str, Any], resource: dict[str, Any]) -> None:
        self._store_extent(context, resource)

    def _check_upload(self, context: dict[str, Any], resource: dict[str, Any]) -> None:
        upload, filename = _uploaded_file(resource)
        if upload is None:
            return
        stream = getattr(upload, "stream", upload)
        data = stream.read(actions.max_file_bytes() + 1)
        stream.seek(0)
        extent = actions.compute_extent(data, filename, resource.get("format") or "", "upload")
        context[EXTENT_CONTEXT_KEY] = extent

    def _store_extent(self, context: dict[str, Any], resource: dict[str, Any]) -> None:
        extent = context.pop(EXTENT_CONTEXT_KEY, None)
        if extent is not None:
            actions.apply_extent(context, resource["package_id"], extent)
