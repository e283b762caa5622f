"""IPackageController work of the access plugin: trimming shown dicts, the index and activities."""

from __future__ import annotations

import json
import logging
from typing import Any

import ckan.model as model
import ckan.plugins as p

from ckanext.quyhoach.access import audit, levels, rules

log = logging.getLogger(__name__)

# Search index fields that CKAN fills from each resource (ckan/lib/search/index.py, CKAN 2.12).
RESOURCE_INDEX_FIELDS = (
    ("name", "res_name"), ("description", "res_description"), ("format", "res_format"),
    ("url", "res_url"), ("resource_type", "res_type"),
)


def _internal(context: dict[str, Any]) -> bool:
    # Internal reads (indexing, activity records, updates that merge the stored
    # dict) need every resource; no API caller can set these context keys.
    return bool(context.get("ignore_auth") or context.get("for_update"))


def after_show(context: dict[str, Any], pkg_dict: dict[str, Any]) -> None:
    """Trim PKG_DICT's resources for the acting user and audit views of non-public material."""
    if _internal(context):
        return
    user = rules.context_user(context)
    rules.redact_dataset(user, pkg_dict)
    pkg = model.Package.get(pkg_dict.get("id", ""))
    if pkg is None:
        return
    name = user.name if user else ""
    if rules.is_non_public(pkg):
        outcome = audit.ALLOWED if rules.dataset_visible(user, pkg, bypass=False) else audit.SYSADMIN_BYPASS
        audit.record(name, "dataset", pkg.id, "view", outcome)
    for resource in pkg_dict.get("resources", []):
        level = rules.resource_level(resource)
        if level != levels.PUBLIC and not resource.get(rules.WITHHELD_KEY):
            outcome = _resource_outcome(user, level, resource["id"], pkg)
            audit.record(name, "resource", resource["id"], "view", outcome)


def _resource_outcome(user: model.User | None, level: str, resource_id: str, pkg: model.Package) -> str:
    if rules.dataset_visible(user, pkg, bypass=False) and rules.level_allowed(user, level, pkg.owner_org):
        return audit.ALLOWED
    if rules.has_grant(user, resource_id):
        return audit.GRANT
    return audit.SYSADMIN_BYPASS


def before_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Rebuild the res_* index fields from the resources every viewer of the dataset may see.

    The stored data_dict and validated_data_dict keep every resource because
    package_show reads them back as a cache; package_search trims them per user.
    """
    pkg = model.Package.get(pkg_dict.get("id", ""))
    stored = pkg_dict.get("validated_data_dict") or pkg_dict.get("data_dict")
    if pkg is None or not isinstance(stored, str):
        return pkg_dict
    resources = rules.public_view_resources(pkg, json.loads(stored).get("resources") or [])
    extra_fields = [(key[len("res_extras_"):], key) for key in pkg_dict if key.startswith("res_extras_")]
    for source, target in RESOURCE_INDEX_FIELDS + tuple(extra_fields):
        values = [resource.get(source) or "" for resource in resources]
        if values:
            pkg_dict[target] = values
        else:
            pkg_dict.pop(target, None)
    return pkg_dict


def relabel_activities(package_id: str | None) -> None:
    """Give the dataset's past activities its current labels, so a newly classified dossier's history hides too.

    Activity records hold only what every viewer may see (see chained
    activity_create), so lowering a level reveals no withheld file.
    """
    if not package_id or not p.plugin_loaded("activity"):
        return
    from ckanext.activity.model import Activity

    pkg = model.Package.get(package_id)
    if pkg is None:
        return
    labels = rules.dataset_labels(pkg)
    model.Session.query(Activity).filter(Activity.object_id == pkg.id).update(
        {"permission_labels": labels}, synchronize_session=False
    )


__all__ = ["after_show", "before_index", "relabel_activities"]
