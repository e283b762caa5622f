"""The Quy hoạch Việt Nam plugin: each hook hands over to a module of its own."""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.quyhoach import errors
from ckanext.quyhoach.logic import facets, helpers, search, uploads


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.cli
@tk.blanket.config_declarations
@tk.blanket.helpers(helpers)
class QuyhoachPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IMiddleware, inherit=True)

    # IConfigurer

    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")

    # IMiddleware

    def make_middleware(self, app, config):
        return errors.register_handlers(app)

    # IFacets

    def dataset_facets(self, facets_dict, package_type):
        return facets.dataset_facets(facets_dict)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return facets.dataset_facets(facets_dict)

    # IPackageController

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return search.index_fields(pkg_dict)

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        return search.add_search_filters(search_params)

    def after_dataset_search(self, search_results, search_params):
        return facets.label_facets(search_results)

    def after_dataset_create(self, context, pkg_dict):
        search.reindex_amended(pkg_dict)

    def after_dataset_update(self, context, pkg_dict):
        search.reindex_amended(pkg_dict)

    # IResourceController

    def before_resource_create(self, context, resource):
        uploads.check_upload(resource)

    def before_resource_update(self, context, current, resource):
        uploads.check_upload(resource)
        uploads.keep_checksum(current, resource)
