"""The quyhoach_access plugin: secrecy levels, clearances, access requests and the audit log.

Each hook calls into a module of this package; `rules` holds the one
visibility rule that every hook applies.
"""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.quyhoach.access import cli, helpers, index, rules, uploads, views
from ckanext.quyhoach.access.logic import action, auth, chained, validators
from ckanext.quyhoach.access.model import TokenScope


@tk.blanket.config_declarations
class QuyhoachAccessPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IPermissionLabels)
    p.implements(p.IAuthFunctions)
    p.implements(p.IActions)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IBlueprint)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IUploader, inherit=True)
    p.implements(p.IApiToken, inherit=True)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IValidators)
    p.implements(p.IClick)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")

    # IPermissionLabels
    def get_dataset_labels(self, dataset_obj: model.Package) -> list[str]:
        return rules.dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj: model.User | None) -> list[str]:
        return rules.user_labels(rules.user_object(user_obj))

    # IAuthFunctions and IActions
    def get_auth_functions(self) -> dict[str, Any]:
        return auth.get_auth_functions()

    def get_actions(self) -> dict[str, Any]:
        return {**action.own_actions(), **chained.get_actions()}

    # IPackageController
    def after_dataset_show(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        index.after_show(context, pkg_dict)

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return index.before_index(pkg_dict)

    def after_dataset_update(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        index.relabel_activities(pkg_dict.get("id"))

    # IBlueprint and IMiddleware
    def get_blueprint(self) -> Any:
        return views.blueprint

    def make_middleware(self, app: Any, config: Any) -> Any:
        if hasattr(app, "before_request_funcs"):
            # Ahead of CKAN's own before_request, which identifies the user and
            # may exempt the view from CSRF checks.
            app.before_request_funcs.setdefault(None, []).insert(0, views.drop_token_on_web_forms)
        return app

    # IUploader
    def get_resource_uploader(self, data_dict: dict[str, Any]) -> Any:
        return uploads.resource_uploader(data_dict)

    def get_uploader(self, upload_to: str, old_filename: str | None) -> None:
        return None

    # IApiToken
    def create_api_token_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        schema["scope"] = [tk.get_validator("ignore_missing"), tk.get_validator("quyhoach_token_scope")]
        return schema

    def postprocess_api_token(self, data: dict[str, Any], jti: str, data_dict: dict[str, Any]) -> dict[str, Any]:
        if data_dict.get("scope") == views.READ_SCOPE:
            model.Session.add(TokenScope(token_id=jti, scope=views.READ_SCOPE))
            model.Session.commit()
        return data

    # IClick
    def get_commands(self) -> list[Any]:
        return [cli.quyhoach_access]

    # IValidators
    def get_validators(self) -> dict[str, Any]:
        return validators.get_validators()

    # ITemplateHelpers
    def get_helpers(self) -> dict[str, Any]:
        return helpers.get_helpers()
