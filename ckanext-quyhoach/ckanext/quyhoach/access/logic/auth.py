"""Auth functions of the access plugin, and the chained ones that put core auth through the rule.

A user who may not see a dataset or resource gets a bare ObjectNotFound, as
CKAN's package_show and resource_show raise for an id that does not exist,
so the 404 for a hidden record is identical to the one for a missing id.
"""

from __future__ import annotations

from typing import Any, Callable

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.quyhoach.access import audit, rules
from ckanext.quyhoach.access.model import AccessRequest

def _dataset_from(data_dict: DataDict, context: Context) -> model.Package | None:
    if isinstance(context.get("package"), model.Package):
        return context["package"]
    for key in ("id", "package_id", "name"):
        value = data_dict.get(key)
        if isinstance(value, str) and value:
            pkg = model.Package.get(value)
            if pkg is not None:
                return pkg
    return None


def _deny_hidden_dataset(context: Context, pkg: model.Package, action: str) -> None:
    user = rules.context_user(context)
    if rules.dataset_visible(user, pkg):
        return
    if rules.is_non_public(pkg):
        audit.record(user.name if user else "", "dataset", pkg.id, action, audit.DENIED)
    raise tk.ObjectNotFound()


# Chained core auth functions ---------------------------------------------------


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_show(next_auth: Callable[..., AuthResult], context: Context, data_dict: DataDict) -> AuthResult:
    pkg = _dataset_from(data_dict, context)
    if pkg is not None:
        _deny_hidden_dataset(context, pkg, "view")
    return next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def resource_show(next_auth: Callable[..., AuthResult], context: Context, data_dict: DataDict) -> AuthResult:
    _deny_hidden_resource(context, data_dict.get("id") or data_dict.get("resource_id"))
    return next_auth(context, data_dict)


def _deny_hidden_resource(context: Context, resource_id: Any) -> None:
    resource = model.Resource.get(resource_id) if isinstance(resource_id, str) and resource_id else None
    if resource is None:
        return
    pkg = model.Package.get(resource.package_id)
    if pkg is None:
        return
    user = rules.context_user(context)
    if not rules.dataset_visible(user, pkg):
        _deny_hidden_dataset(context, pkg, "view")
    seen = rules.resource_visibility(user, rules.resource_level(resource), resource.id, pkg)
    if seen is rules.Visibility.HIDDEN:
        audit.record(user.name if user else "", "resource", resource.id, "view", audit.DENIED)
        raise tk.ObjectNotFound()


def _resource_guard(name: str, anonymous: bool, id_key: str) -> Callable[..., AuthResult]:
    def guard(next_auth: Callable[..., AuthResult], context: Context, data_dict: DataDict) -> AuthResult:
        resource_id = data_dict.get(id_key)
        if id_key == "view id":
            view = model.ResourceView.get(data_dict.get("id") or "")
            resource_id = view.resource_id if view else None
        _deny_hidden_resource(context, resource_id)
        return next_auth(context, data_dict)

    guard.__name__ = name
    guard = tk.chained_auth_function(guard)
    guard.auth_allow_anonymous_access = anonymous  # type: ignore[attr-defined]
    return guard


def _dataset_guard(name: str, anonymous: bool) -> Callable[..., AuthResult]:
    def guard(next_auth: Callable[..., AuthResult], context: Context, data_dict: DataDict) -> AuthResult:
        pkg = _dataset_from(data_dict, context)
        if pkg is not None:
            _deny_hidden_dataset(context, pkg, name)
        return next_auth(context, data_dict)

    guard.__name__ = name
    guard = tk.chained_auth_function(guard)
    guard.auth_allow_anonymous_access = anonymous  # type: ignore[attr-defined]
    return guard


# Core auth functions that take a dataset id and must not reveal a hidden one,
# with CKAN's anonymous-access flag for each (the chain copies our flag, not core's).
DATASET_GUARDED = {
    "package_update": False,
    "package_patch": False,
    "package_delete": False,
    "dataset_purge": False,
    "package_collaborator_list": True,
    "package_collaborator_create": False,
    "package_collaborator_delete": False,
    "package_relationships_list": True,
    "follow_dataset": False,
    "unfollow_dataset": False,
    "am_following_dataset": True,
    "dataset_follower_count": True,
    "dataset_follower_list": True,
}
# Core auth functions that take a resource id, or a resource view id ("view id"
# means data_dict["id"] names a view): (anonymous access, where the id is).
RESOURCE_GUARDED = {
    "resource_update": (False, "id"),
    "resource_patch": (False, "id"),
    "resource_delete": (False, "id"),
    "resource_view_list": (True, "id"),
    "resource_view_show": (True, "view id"),
    "resource_view_create": (False, "resource_id"),
    "resource_view_update": (False, "view id"),
    "resource_view_delete": (False, "view id"),
}


def chained_auth_functions() -> dict[str, Callable[..., AuthResult]]:
    functions: dict[str, Callable[..., AuthResult]] = {"package_show": package_show, "resource_show": resource_show}
    for name, anonymous in DATASET_GUARDED.items():
        functions[name] = _dataset_guard(name, anonymous)
    for name, (anonymous, key) in RESOURCE_GUARDED.items():
        functions[name] = _resource_guard(name, anonymous, key)
    return functions


# Auth functions of the plugin's own actions -------------------------------------


def _sysadmin_only(context: Context, data_dict: DataDict) -> AuthResult:
    # Sysadmins never reach here: CKAN grants them every action first.
    return {"success": False, "msg": tk._("Only sysadmins may manage clearances and read the audit log.")}


quyhoach_clearance_set = _sysadmin_only
quyhoach_clearance_revoke = _sysadmin_only
quyhoach_clearance_list = _sysadmin_only
quyhoach_audit_list = _sysadmin_only


def quyhoach_clearance_show(context: Context, data_dict: DataDict) -> AuthResult:
    user = rules.context_user(context)
    target = model.User.get(data_dict.get("user") or "")
    if user is not None and target is not None and user.id == target.id:
        return {"success": True}
    return {"success": False, "msg": tk._("You may only see your own clearance.")}


def quyhoach_access_request_create(context: Context, data_dict: DataDict) -> AuthResult:
    # Signed-in users only; CKAN rejects anonymous users before this runs.
    return {"success": True}


def quyhoach_access_request_list(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


def _can_decide(context: Context, request_id: Any) -> AuthResult:
    row = model.Session.get(AccessRequest, request_id) if isinstance(request_id, str) else None
    pkg = model.Package.get(row.package_id) if row else None
    user = rules.context_user(context)
    if pkg is not None and user is not None and pkg.owner_org:
        if authz.has_user_permission_for_group_or_org(pkg.owner_org, user.name, "admin"):
            return {"success": True}
    return {"success": False, "msg": tk._("Only an admin of the agency that owns the dossier may decide this request.")}


def quyhoach_access_request_approve(context: Context, data_dict: DataDict) -> AuthResult:
    return _can_decide(context, data_dict.get("id"))


def quyhoach_access_request_refuse(context: Context, data_dict: DataDict) -> AuthResult:
    return _can_decide(context, data_dict.get("id"))


def quyhoach_access_request_show(context: Context, data_dict: DataDict) -> AuthResult:
    row = model.Session.get(AccessRequest, data_dict.get("id") or "")
    user = rules.context_user(context)
    if row is not None and user is not None and row.user_id == user.id:
        return {"success": True}
    return _can_decide(context, data_dict.get("id"))


def own_auth_functions() -> dict[str, Callable[..., AuthResult]]:
    return {
        "quyhoach_clearance_set": quyhoach_clearance_set,
        "quyhoach_clearance_revoke": quyhoach_clearance_revoke,
        "quyhoach_clearance_list": quyhoach_clearance_list,
        "quyhoach_clearance_show": quyhoach_clearance_show,
        "quyhoach_access_request_create": quyhoach_access_request_create,
        "quyhoach_access_request_list": quyhoach_access_request_list,
        "quyhoach_access_request_show": quyhoach_access_request_show,
        "quyhoach_access_request_approve": quyhoach_access_request_approve,
        "quyhoach_access_request_refuse": quyhoach_access_request_refuse,
        "quyhoach_audit_list": quyhoach_audit_list,
    }


def get_auth_functions() -> dict[str, Callable[..., AuthResult]]:
    return {**own_auth_functions(), **chained_auth_functions()}


__all__ = ["get_auth_functions"]
