"""Per-source mapping config: parse and validate it, then apply it to records.

A harvest source's config is a JSON object. Every protocol accepts these keys:

``owner_org``
    Name or id of the local agency (organization) that publishes the
    harvested dossiers. Default: the organization that owns the source.
``defaults``
    Dossier field -> value, used when a record does not give the field.
``field_map``
    Remote field -> dossier field. A remote field whose name already is a
    dossier field is copied without an entry here.
``value_map``
    Dossier field -> {remote value: local value}, applied to remote values.
``tag_map`` and ``category_map``
    Remote tag (keyword) or category (group, theme, topic) -> {dossier field:
    value}. These override remote fields and defaults.
``resource_defaults``
    Resource field -> value, for components the remote side does not
    classify (``document_role`` defaults to ``other``).

Protocol modules add their own keys (see each module's ``CONFIG_KEYS``).
Errors name the key, for example ``defaults.plan_level``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

import ckan.plugins.toolkit as tk

DATASET_TYPE = "ho-so-quy-hoach"
COMMON_KEYS = ("owner_org", "defaults", "field_map", "value_map", "tag_map", "category_map", "resource_defaults")
# Fields that the harvester itself fills; a mapping must not set them.
RESERVED_FIELDS = frozenset(
    {"id", "name", "type", "owner_org", "resources", "tags", "tag_string", "private", "state", "extras"}
) | frozenset({"harvest_source_url", "harvest_remote_id", "harvest_remote_url", "harvest_content_hash", "harvested_at"})
LIST_FIELDS = frozenset({"province_codes", "province_codes_at_decision"})


class MappingError(ValueError):
    """The mapping config is invalid; the message names each bad key."""


@dataclass
class Mapping:
    owner_org: str | None = None
    defaults: dict[str, Any] = field(default_factory=dict)
    field_map: dict[str, str] = field(default_factory=dict)
    value_map: dict[str, dict[str, Any]] = field(default_factory=dict)
    tag_map: dict[str, dict[str, Any]] = field(default_factory=dict)
    category_map: dict[str, dict[str, Any]] = field(default_factory=dict)
    resource_defaults: dict[str, Any] = field(default_factory=dict)
    protocol: dict[str, Any] = field(default_factory=dict)


@dataclass
class RemoteRecord:
    """One remote record in protocol-neutral form, before mapping."""

    remote_id: str
    remote_url: str
    title: str
    name: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)


def dossier_fields() -> dict[str, dict[str, Any]]:
    """Return the dossier schema's dataset fields by name (from ckanext-scheming)."""
    schema = tk.h.scheming_get_dataset_schema(DATASET_TYPE)
    if not schema:
        raise MappingError(f"The dataset schema {DATASET_TYPE!r} is not loaded; enable scheming_datasets")
    return {f["field_name"]: f for f in schema["dataset_fields"]}


def _choices(spec: dict[str, Any]) -> list[str]:
    return [str(choice["value"]) for choice in spec.get("choices") or []]


def _check_field_values(key: str, values: Any, fields: dict[str, dict], errors: list[str]) -> None:
    if not isinstance(values, dict):
        errors.append(f"{key}: must be an object of dossier field -> value")
        return
    for name, value in values.items():
        if name not in fields or name in RESERVED_FIELDS:
            errors.append(f"{key}.{name}: unknown dossier field; use one of {', '.join(_settable(fields))}")
            continue
        choices = _choices(fields[name])
        if choices and str(value) not in choices:
            errors.append(f"{key}.{name}: {value!r} is not a valid choice; use one of {', '.join(choices)}")


def _settable(fields: dict[str, dict]) -> list[str]:
    return [name for name in fields if name not in RESERVED_FIELDS]


def _check_maps(data: dict[str, Any], fields: dict[str, dict], errors: list[str]) -> None:
    field_map = data.get("field_map", {})
    if not isinstance(field_map, dict):
        errors.append("field_map: must be an object of remote field -> dossier field")
    else:
        for remote, local in field_map.items():
            if local not in fields or local in RESERVED_FIELDS:
                errors.append(f"field_map.{remote}: unknown dossier field {local!r}; use one of {', '.join(_settable(fields))}")
    value_map = data.get("value_map", {})
    if not isinstance(value_map, dict):
        errors.append("value_map: must be an object of dossier field -> {remote value: local value}")
    else:
        for name, table in value_map.items():
            if name not in fields:
                errors.append(f"value_map.{name}: unknown dossier field")
            elif not isinstance(table, dict):
                errors.append(f"value_map.{name}: must be an object of remote value -> local value")
            else:
                choices = _choices(fields[name])
                for remote, local in table.items():
                    if choices and str(local) not in choices:
                        errors.append(f"value_map.{name}.{remote}: {local!r} is not a valid choice; use one of {', '.join(choices)}")
    for key in ("tag_map", "category_map"):
        table = data.get(key, {})
        if not isinstance(table, dict):
            errors.append(f"{key}: must be an object of remote term -> {{dossier field: value}}")
            continue
        for term, values in table.items():
            _check_field_values(f"{key}.{term}", values, fields, errors)


def _check_owner(owner: Any, errors: list[str]) -> None:
    if owner is None:
        return
    if not isinstance(owner, str) or not owner:
        errors.append("owner_org: must be the name or id of a local agency")
        return
    try:
        tk.get_action("organization_show")({"ignore_auth": True}, {"id": owner, "include_datasets": False})
    except tk.ObjectNotFound:
        errors.append(f"owner_org: agency {owner!r} not found; create it first or use an existing agency name")


def parse(config: str | None, protocol_keys: dict[str, Callable[[Any], str | None]] | None = None) -> Mapping:
    """Parse and validate a source's config; raise MappingError naming every bad key.

    PROTOCOL_KEYS maps each protocol-specific key to a check that returns an
    error message or None.
    """
    protocol_keys = protocol_keys or {}
    try:
        data = json.loads(config) if config and config.strip() else {}
    except ValueError as error:
        raise MappingError(f"config: invalid JSON ({error}); write a JSON object") from error
    if not isinstance(data, dict):
        raise MappingError("config: must be a JSON object")
    errors: list[str] = []
    for key in data:
        if key not in COMMON_KEYS and key not in protocol_keys:
            errors.append(f"{key}: unknown key; use one of {', '.join(COMMON_KEYS + tuple(protocol_keys))}")
    for key, check in protocol_keys.items():
        if key in data:
            message = check(data[key])
            if message:
                errors.append(f"{key}: {message}")
    fields = dossier_fields()
    _check_field_values("defaults", data.get("defaults", {}), fields, errors)
    _check_maps(data, fields, errors)
    if not isinstance(data.get("resource_defaults", {}), dict):
        errors.append("resource_defaults: must be an object of resource field -> value")
    _check_owner(data.get("owner_org"), errors)
    if errors:
        raise MappingError("; ".join(errors))
    return Mapping(
        owner_org=data.get("owner_org"),
        defaults=data.get("defaults", {}),
        field_map=data.get("field_map", {}),
        value_map=data.get("value_map", {}),
        tag_map=data.get("tag_map", {}),
        category_map=data.get("category_map", {}),
        resource_defaults=data.get("resource_defaults", {}),
        protocol={key: data[key] for key in protocol_keys if key in data},
    )


def _as_list(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(item).strip() for item in value if str(item).strip()]
    return [part.strip() for part in str(value).replace(";", ",").split(",") if part.strip()]


def _set_field(dossier: dict[str, Any], name: str, value: Any) -> None:
    if value in (None, "", []):
        return
    dossier[name] = _as_list(value) if name in LIST_FIELDS else value


def _map_resources(record: RemoteRecord, mapping: Mapping) -> list[dict[str, Any]]:
    resources = []
    for remote in record.resources:
        resource = {"document_role": "other", **mapping.resource_defaults}
        resource.update({k: v for k, v in remote.items() if v not in (None, "")})
        resources.append(resource)
    return resources


def _tag_dicts(tags: list[str]) -> list[dict[str, str]]:
    names = []
    for tag in tags:
        # CKAN tags allow letters, digits, spaces, "-", "_" and "." (2-100 chars).
        cleaned = "".join(ch for ch in tag if ch.isalnum() or ch in " -_.").strip()[:100]
        if len(cleaned) >= 2 and cleaned not in names:
            names.append(cleaned)
    return [{"name": name} for name in names]


def apply(record: RemoteRecord, mapping: Mapping, owner_org: str) -> dict[str, Any]:
    """Build the dossier fields of RECORD: defaults, then remote fields, then tag and category rules."""
    fields = dossier_fields()
    dossier: dict[str, Any] = {"type": DATASET_TYPE, "title": record.title}
    for name, value in mapping.defaults.items():
        _set_field(dossier, name, value)
    for remote_name, value in record.fields.items():
        name = mapping.field_map.get(remote_name, remote_name)
        if name not in fields or name in RESERVED_FIELDS:
            continue
        table = mapping.value_map.get(name, {})
        if isinstance(value, str) and value in table:
            value = table[value]
        _set_field(dossier, name, value)
    for term in record.tags:
        for name, value in mapping.tag_map.get(term, {}).items():
            _set_field(dossier, name, value)
    for term in record.categories:
        for name, value in mapping.category_map.get(term, {}).items():
            _set_field(dossier, name, value)
    dossier["owner_org"] = owner_org
    dossier["tags"] = _tag_dicts(record.tags)
    dossier["resources"] = _map_resources(record, mapping)
    return dossier
