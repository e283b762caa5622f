"""The one visibility rule: what a user may see of a dossier and of its files.

Every surface calls this module. Search filters with the permission labels
computed here (IPermissionLabels); auth functions, the download guard and
after_dataset_show call `dataset_visible` and `resource_visibility`, the two
halves of `can_see`; `redact_dataset` trims dataset dicts before they leave
an action. A dataset is either visible whole or not at all; a resource of a
visible dataset is FULL (record and file), STUB (record without the file, so
the user can ask for access) or HIDDEN (as if it did not exist).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import ckan.authz as authz
import ckan.model as model
from ckan.lib.plugins import DefaultPermissionLabels

from ckanext.quyhoach.access import levels
from ckanext.quyhoach.access.model import REQUEST_APPROVED, AccessRequest, Clearance

# Resource keys that reveal or serve the file; a STUB drops them.
FILE_KEYS = ("url", "url_type", "size", "hash", "sha256", "mimetype", "mimetype_inner", "last_modified")
WITHHELD_KEY = "quyhoach_file_withheld"


class Visibility(enum.Enum):
    FULL = "full"
    STUB = "stub"
    HIDDEN = "hidden"


def user_object(user: Any) -> model.User | None:
    """Return the model.User for a name, id, User or anonymous user, or None."""
    if user is None or isinstance(user, model.User):
        return user
    if isinstance(user, str):
        return model.User.get(user) if user else None
    if getattr(user, "is_anonymous", True):
        return None
    return model.User.get(getattr(user, "id", None) or getattr(user, "name", ""))


def context_user(context: dict[str, Any]) -> model.User | None:
    """Return the acting user of an action CONTEXT, or None for anonymous."""
    return user_object(context.get("auth_user_obj")) or user_object(context.get("user") or None)


def is_sysadmin(user: model.User | None) -> bool:
    return bool(user and user.sysadmin and user.state == "active")


def clearance_level(user: model.User | None) -> str:
    if user is None:
        return levels.PUBLIC
    row = model.Session.get(Clearance, user.id)
    return levels.normalise(row.level) if row else levels.PUBLIC


def dataset_level(pkg: model.Package) -> str:
    return levels.normalise((pkg.extras or {}).get("secrecy_level"))


def resource_level(resource: model.Resource | dict[str, Any]) -> str:
    if isinstance(resource, dict):
        return levels.normalise(resource.get("secrecy_level"))
    return levels.normalise((resource.extras or {}).get("secrecy_level"))


def dataset_labels(pkg: model.Package) -> list[str]:
    """Return the permission labels of PKG: CKAN's defaults for public ones, level labels otherwise."""
    level = dataset_level(pkg)
    if level == levels.PUBLIC:
        return DefaultPermissionLabels().get_dataset_labels(pkg)
    return levels.dataset_level_labels(level, pkg.owner_org)


def user_labels(user: model.User | None) -> list[str]:
    """Return the permission labels of USER: CKAN's defaults plus those of the clearance."""
    labels = DefaultPermissionLabels().get_user_dataset_labels(user)
    return labels + levels.labels_for_clearance(clearance_level(user))


def _member_of(user: model.User | None, org_id: str | None) -> bool:
    if user is None or not org_id:
        return False
    return authz.has_user_permission_for_group_or_org(org_id, user.name, "read")


def has_grant(user: model.User | None, resource_id: str) -> bool:
    """Return True when USER has an approved, unexpired request for the resource."""
    if user is None:
        return False
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    query = model.Session.query(AccessRequest).filter(
        AccessRequest.user_id == user.id,
        AccessRequest.resource_id == resource_id,
        AccessRequest.state == REQUEST_APPROVED,
        AccessRequest.expires_at > now,
    )
    return model.Session.query(query.exists()).scalar()


def dataset_visible(user: model.User | None, pkg: model.Package, bypass: bool = True) -> bool:
    """Return True when USER may see PKG; with BYPASS False a sysadmin counts as anyone else."""
    if bypass and is_sysadmin(user):
        return True
    return bool(set(dataset_labels(pkg)) & set(user_labels(user)))


def level_allowed(user: model.User | None, level: str, org_id: str | None) -> bool:
    """Return True when USER's clearance or agency membership covers LEVEL (no grants, no bypass)."""
    if levels.rank(level) == 0:
        return True
    if levels.rank(level) <= levels.rank(clearance_level(user)):
        return True
    return levels.rank(level) == levels.rank(levels.RESTRICTED) and _member_of(user, org_id)


def resource_visibility(
    user: model.User | None, level: str, resource_id: str, pkg: model.Package, bypass: bool = True
) -> Visibility:
    """Return how much of one resource of PKG at LEVEL USER may see."""
    if not dataset_visible(user, pkg, bypass):
        return Visibility.HIDDEN
    if bypass and is_sysadmin(user):
        return Visibility.FULL
    if level_allowed(user, level, pkg.owner_org) or has_grant(user, resource_id):
        return Visibility.FULL
    if level == levels.RESTRICTED:
        return Visibility.STUB
    return Visibility.HIDDEN


def can_see(user: Any, obj: model.Package | model.Resource) -> bool:
    """Return True when USER may see OBJ: a whole dataset, or a resource's file."""
    user = user_object(user)
    if isinstance(obj, model.Package):
        return dataset_visible(user, obj)
    pkg = model.Package.get(obj.package_id)
    if pkg is None:
        return False
    return resource_visibility(user, resource_level(obj), obj.id, pkg) is Visibility.FULL


def is_non_public(pkg: model.Package, resource: model.Resource | dict[str, Any] | None = None) -> bool:
    """Return True when PKG, or RESOURCE within it, is above public (so views are audited)."""
    if dataset_level(pkg) != levels.PUBLIC:
        return True
    return resource is not None and resource_level(resource) != levels.PUBLIC


def stub(resource: dict[str, Any]) -> dict[str, Any]:
    """Return RESOURCE without the keys that reveal or serve its file."""
    trimmed = {key: value for key, value in resource.items() if key not in FILE_KEYS}
    trimmed["url"] = ""
    trimmed[WITHHELD_KEY] = True
    return trimmed


def redact_resources(
    user: model.User | None, pkg: model.Package, resources: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return RESOURCES as USER may see them: stubs in place of withheld files, hidden ones left out."""
    kept = []
    for resource in resources:
        level = resource_level(resource)
        if level == levels.PUBLIC:
            kept.append(resource)
            continue
        seen = resource_visibility(user, level, resource.get("id", ""), pkg)
        if seen is Visibility.FULL:
            kept.append(resource)
        elif seen is Visibility.STUB:
            kept.append(stub(resource))
    return kept


def redact_dataset(user: model.User | None, pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Trim the resources of PKG_DICT in place for USER and return it."""
    resources = pkg_dict.get("resources")
    # Most dossiers hold only public files; they need no database lookup,
    # which matters because search calls this once per result.
    if not resources or all(resource_level(r) == levels.PUBLIC for r in resources):
        return pkg_dict
    pkg = model.Package.get(pkg_dict.get("id", ""))
    if pkg is None:
        return pkg_dict
    pkg_dict["resources"] = redact_resources(user, pkg, pkg_dict["resources"])
    if "num_resources" in pkg_dict:
        pkg_dict["num_resources"] = len(pkg_dict["resources"])
    return pkg_dict


def public_view_resources(pkg: model.Package, resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return RESOURCES as anyone allowed to see PKG may see them, for stored copies.

    Used for the search index and activity records, which every viewer of the
    dataset reads: a resource above the public level keeps at most a stub.
    """
    kept = []
    for resource in resources:
        level = resource_level(resource)
        if level == levels.PUBLIC:
            kept.append(resource)
        elif level == levels.RESTRICTED:
            kept.append(stub(resource))
    return kept


__all__ = [
    "Visibility", "can_see", "context_user", "dataset_labels", "user_labels", "dataset_visible",
    "resource_visibility", "redact_dataset", "redact_resources", "public_view_resources",
    "level_allowed", "has_grant", "is_non_public", "clearance_level", "dataset_level",
    "resource_level", "user_object", "is_sysadmin", "stub", "WITHHELD_KEY",
]
