"""Core actions chained so that their results and writes follow the visibility rule.

- package_search and current_package_list_with_resources trim resources per
  user (their results come from the search index or dictization, which
  after_dataset_show never sees), including data_dict fields requested
  through `fl`.
- package_create and package_update refuse a secrecy level above the user's
  own, mark non-public dossiers private, and put back resources the editor
  could not see, so saving a trimmed dict never deletes them.
- activity_create stores only what every viewer of the dataset may see.
- resource_view_list returns no views for a withheld file.
- organization_show and group_show drop hidden dossiers from `packages`:
  CKAN's featured-organization helper on the home page calls them with
  ignore_auth, which turns off the permission labels of their dataset search.
- tag_list, tag_autocomplete and format_autocomplete read the tag and
  resource tables directly, so they keep only the free tags and formats
  that a dataset search by the same user finds.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.quyhoach.access import levels, rules

DATA_DICT_FIELDS = ("data_dict", "validated_data_dict")


def _redact_search_item(user: model.User | None, item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    if "resources" in item and "id" in item:
        rules.redact_dataset(user, item)
    for key in DATA_DICT_FIELDS:
        if isinstance(item.get(key), str):
            stored = json.loads(item[key])
            item[key] = json.dumps(rules.redact_dataset(user, stored))
    return item


@tk.chained_action
@tk.side_effect_free
def package_search(up: Callable[..., Any], context: Context, data_dict: DataDict) -> dict[str, Any]:
    result = up(context, data_dict)
    user = rules.context_user(context)
    result["results"] = [_redact_search_item(user, item) for item in result.get("results", [])]
    return result


@tk.chained_action
@tk.side_effect_free
def current_package_list_with_resources(
    up: Callable[..., Any], context: Context, data_dict: DataDict
) -> list[dict[str, Any]]:
    user = rules.context_user(context)
    return [rules.redact_dataset(user, item) for item in up(context, data_dict)]


@tk.chained_action
@tk.side_effect_free
def resource_view_list(up: Callable[..., Any], context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    views = up(context, data_dict)
    resource = model.Resource.get(data_dict.get("id") or "")
    if resource is None:
        return views
    pkg = model.Package.get(resource.package_id)
    user = rules.context_user(context)
    seen = rules.resource_visibility(user, rules.resource_level(resource), resource.id, pkg)
    return views if seen is rules.Visibility.FULL else []


def _visible_packages(context: Context, result: dict[str, Any], fq: str) -> dict[str, Any]:
    user = rules.context_user(context)
    if rules.is_sysadmin(user) or not isinstance(result.get("packages"), list):
        return result
    kept = []
    for item in result["packages"]:
        pkg = model.Package.get(item.get("id", "")) if isinstance(item, dict) else None
        if pkg is not None and rules.dataset_visible(user, pkg):
            kept.append(rules.redact_dataset(user, item))
    result["packages"] = kept
    if context.get("ignore_auth"):
        # The count came from the same unlabelled search; count again as the user.
        search_context = {"user": user.name if user else "", "auth_user_obj": user}
        result["package_count"] = tk.get_action("package_search")(
            search_context, {"fq": fq, "rows": 0, "include_private": True}
        )["count"]
    return result


@tk.chained_action
@tk.side_effect_free
def organization_show(up: Callable[..., Any], context: Context, data_dict: DataDict) -> dict[str, Any]:
    result = up(context, data_dict)
    return _visible_packages(context, result, f'+owner_org:"{result["id"]}"')


@tk.chained_action
@tk.side_effect_free
def group_show(up: Callable[..., Any], context: Context, data_dict: DataDict) -> dict[str, Any]:
    result = up(context, data_dict)
    return _visible_packages(context, result, f'+groups:"{result["name"]}"')


@tk.chained_action
def activity_create(up: Callable[..., Any], context: Context, data_dict: DataDict) -> dict[str, Any]:
    stored = (data_dict.get("data") or {}).get("package")
    if isinstance(stored, dict) and isinstance(stored.get("resources"), list):
        pkg = model.Package.get(stored.get("id") or "")
        if pkg is not None:
            stored["resources"] = rules.public_view_resources(pkg, stored["resources"])
            stored["num_resources"] = len(stored["resources"])
    return up(context, data_dict)


# Writes -------------------------------------------------------------------------------


def _highest_allowed(user: model.User | None, org_id: str | None) -> str:
    if rules.is_sysadmin(user):
        return levels.LEVELS[-1]
    allowed = [lvl for lvl in levels.LEVELS if rules.level_allowed(user, lvl, org_id)]
    return allowed[-1]


def _level_error(level: str, highest: str) -> str:
    return (
        f"Invalid secrecy level {level!r}: you may classify up to {highest!r}. "
        "Choose a lower level, or ask a sysadmin for a higher clearance."
    )


def _check_levels(user: model.User | None, data_dict: DataDict, pkg: model.Package | None) -> None:
    org_id = data_dict.get("owner_org") or (pkg.owner_org if pkg else None)
    org = model.Group.get(org_id) if org_id else None
    highest = _highest_allowed(user, org.id if org else None)
    errors: dict[str, list[str]] = {}
    wanted = data_dict.get("secrecy_level")
    stored = rules.dataset_level(pkg) if pkg else levels.PUBLIC
    if wanted and wanted != stored and levels.rank(wanted) > levels.rank(highest):
        errors["secrecy_level"] = [_level_error(wanted, highest)]
    stored_levels = {res.id: rules.resource_level(res) for res in (pkg.resources if pkg else [])}
    # One error dict per resource, in order, as CKAN reports resource errors.
    resource_errors: list[dict[str, list[str]]] = []
    for resource in data_dict.get("resources") or []:
        level = resource.get("secrecy_level") if isinstance(resource, dict) else None
        changed = level and level != stored_levels.get(resource.get("id"))
        if changed and levels.rank(level) > levels.rank(highest):
            resource_errors.append({"secrecy_level": [_level_error(level, highest)]})
        else:
            resource_errors.append({})
    if any(resource_errors):
        errors["resources"] = resource_errors
    if errors:
        raise tk.ValidationError(errors)


def _stored_resources(pkg: model.Package) -> list[dict[str, Any]]:
    context = {"ignore_auth": True, "for_update": True, "use_cache": False}
    return tk.get_action("package_show")(context, {"id": pkg.id})["resources"]


def _restore_hidden_resources(user: model.User | None, data_dict: DataDict, pkg: model.Package) -> None:
    """Put back into DATA_DICT the resources USER could not see, or whose file was withheld."""
    if not isinstance(data_dict.get("resources"), list):
        return
    unseen = {
        res.id: rules.resource_visibility(user, rules.resource_level(res), res.id, pkg)
        for res in pkg.resources
        if rules.resource_level(res) != levels.PUBLIC
    }
    unseen = {res_id: seen for res_id, seen in unseen.items() if seen is not rules.Visibility.FULL}
    if not unseen:
        return
    stored = {res["id"]: res for res in _stored_resources(pkg)}
    incoming = {res.get("id"): res for res in data_dict["resources"] if isinstance(res, dict)}
    for res_id, seen in unseen.items():
        if res_id not in stored:
            continue
        if seen is rules.Visibility.HIDDEN and res_id not in incoming:
            data_dict["resources"].append(stored[res_id])
        elif res_id in incoming:
            for key in rules.FILE_KEYS:
                if key in stored[res_id]:
                    incoming[res_id][key] = stored[res_id][key]


def _prepare_write(context: Context, data_dict: DataDict) -> None:
    pkg = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
    if not context.get("ignore_auth"):
        user = rules.context_user(context)
        _check_levels(user, data_dict, pkg)
        if pkg is not None:
            _restore_hidden_resources(user, data_dict, pkg)
    for resource in data_dict.get("resources") or []:
        if isinstance(resource, dict):
            resource.pop(rules.WITHHELD_KEY, None)
    level = data_dict.get("secrecy_level") or (rules.dataset_level(pkg) if pkg else levels.PUBLIC)
    if levels.rank(level) > 0:
        # Core surfaces that read Package.private (package_list and others)
        # then leave the dossier out even where they ignore permission labels.
        data_dict["private"] = True


@tk.chained_action
def package_create(up: Callable[..., Any], context: Context, data_dict: DataDict) -> Any:
    _prepare_write(context, data_dict)
    return up(context, data_dict)


@tk.chained_action
def package_update(up: Callable[..., Any], context: Context, data_dict: DataDict) -> Any:
    _prepare_write(context, data_dict)
    return up(context, data_dict)


def _visible_facet_values(context: Context, field: str) -> set[str]:
    """Return the values of FIELD over the datasets the caller may see, lower-cased."""
    search_context = {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")}
    result = tk.get_action("package_search")(
        search_context,
        {"q": "*:*", "rows": 0, "facet.field": [field], "facet.limit": -1, "include_private": True},
    )
    items = result.get("search_facets", {}).get(field, {}).get("items", [])
    return {item["name"].lower() for item in items}


def _tag_name(tag: Any) -> str:
    return (tag.get("name", "") if isinstance(tag, dict) else str(tag)).lower()


def _visible_free_tags(context: Context, data_dict: DataDict, tags: list[Any]) -> list[Any]:
    """Keep the TAGS (names or dicts) that the caller's dataset search finds.

    Vocabulary tags are not in the `tags` facet, so they are returned as they are.
    """
    if data_dict.get("vocabulary_id"):
        return tags
    visible = _visible_facet_values(context, "tags")
    return [tag for tag in tags if _tag_name(tag) in visible]


@tk.chained_action
@tk.side_effect_free
def tag_list(up: Callable[..., Any], context: Context, data_dict: DataDict) -> list[Any]:
    return _visible_free_tags(context, data_dict, up(context, data_dict))


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(up: Callable[..., Any], context: Context, data_dict: DataDict) -> list[str]:
    return _visible_free_tags(context, data_dict, up(context, data_dict))


@tk.chained_action
@tk.side_effect_free
def format_autocomplete(up: Callable[..., Any], context: Context, data_dict: DataDict) -> list[str]:
    visible = _visible_facet_values(context, "res_format")
    return [name for name in up(context, data_dict) if name.lower() in visible]


def get_actions() -> dict[str, Callable[..., Any]]:
    actions = {
        "package_search": package_search,
        "current_package_list_with_resources": current_package_list_with_resources,
        "resource_view_list": resource_view_list,
        "organization_show": organization_show,
        "group_show": group_show,
        "package_create": package_create,
        "package_update": package_update,
        "tag_list": tag_list,
        "tag_autocomplete": tag_autocomplete,
        "format_autocomplete": format_autocomplete,
    }
    if p.plugin_loaded("activity"):
        actions["activity_create"] = activity_create
    return actions


__all__ = ["get_actions"]
