"""Actions of the Quy hoạch Việt Nam portal: read-only views of a dossier."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.quyhoach.logic import completeness, search

__all__ = [
    "quyhoach_dossier_amendments",
    "quyhoach_dossier_completeness",
    "scheming_dataset_schema_show",
]

DOSSIER_TYPE = "ho-so-quy-hoach"


def _show_dossier(context: Context, data_dict: DataDict, action: str) -> dict[str, Any]:
    dossier_id = tk.get_or_bust(data_dict, "id")
    tk.check_access(action, context, {"id": dossier_id})
    try:
        return tk.get_action("package_show")(context, {"id": dossier_id})
    except tk.ObjectNotFound:
        raise tk.ObjectNotFound(f"Plan dossier not found: {dossier_id}")


@tk.side_effect_free
def quyhoach_dossier_completeness(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Report which statutory components a plan dossier contains and which are missing.

    The required components depend on the plan level; a component is present
    when a resource of the dossier has that ``document_role``.

    :param id: the id or URL name of the dossier
    :type id: string

    :returns: ``plan_level``, ``complete`` (bool), ``present_count``,
        ``required_count``, ``components`` (list of ``role``, ``present``,
        ``resource_ids``) and ``missing`` (list of roles)
    :rtype: dictionary
    """
    dossier = _show_dossier(context, data_dict, "quyhoach_dossier_completeness")
    return completeness.completeness(dossier)


def _summary(package: model.Package) -> dict[str, Any]:
    extras = package.extras
    return {
        "id": package.id,
        "name": package.name,
        "title": package.title,
        "decision_number": extras.get("decision_number"),
        "decision_date": extras.get("decision_date"),
        "amendment_scope": extras.get("amendment_scope"),
    }


def _visible(context: Context, package: model.Package) -> bool:
    """Return True when the caller may see PACKAGE; the chain lists only such dossiers."""
    try:
        tk.check_access("package_show", dict(context), {"id": package.id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def _ancestors(context: Context, package: model.Package) -> list[dict[str, Any]]:
    chain: list[dict[str, Any]] = []
    seen = {package.id}
    target_id = package.extras.get("amends")
    while target_id and target_id not in seen:
        target = model.Package.get(target_id)
        if target is None or target.state != "active":
            break
        if _visible(context, target):
            chain.append(_summary(target))
        seen.add(target.id)
        target_id = target.extras.get("amends")
    return chain


def _descendants(context: Context, package: model.Package) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    seen = {package.id}
    queue = [package.id]
    while queue:
        for amendment in search.amendments_of(queue.pop(0)):
            if amendment.id in seen:
                continue
            seen.add(amendment.id)
            queue.append(amendment.id)
            if _visible(context, amendment):
                found.append(dict(_summary(amendment), amends=amendment.extras.get("amends")))
    return found


@tk.side_effect_free
def quyhoach_dossier_amendments(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Return the amendment chain of a plan dossier in both directions.

    :param id: the id or URL name of the dossier
    :type id: string

    :returns: ``amends``, the dossiers this one adjusts, nearest first, up to
        the original plan. ``amended_by``, every later dossier that adjusts
        this one or one of its amendments, each with the id it ``amends``.
    :rtype: dictionary
    """
    dossier = _show_dossier(context, data_dict, "quyhoach_dossier_amendments")
    package = model.Package.get(dossier["id"])
    return {"amends": _ancestors(context, package), "amended_by": _descendants(context, package)}


@tk.chained_action
@tk.side_effect_free
def scheming_dataset_schema_show(up_func, context: Context, data_dict: DataDict):
    """Return the dossier schema when the schema of type ``dataset`` is requested.

    The portal defines no ``dataset`` type, but ckanext-dcat 2.4.4 asks
    scheming for it whenever it serialises the catalogue, and fails with
    "Unknown dataset schema: dataset" without this fallback.
    """
    try:
        return up_func(context, data_dict)
    except tk.ObjectNotFound:
        if data_dict.get("type") != "dataset":
            raise
        return up_func(context, dict(data_dict, type=DOSSIER_TYPE))
