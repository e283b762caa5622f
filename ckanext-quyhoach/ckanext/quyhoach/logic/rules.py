"""Cross-field rules of the dossier and agency schemas.

They run as scheming `after_validators`, once the field validators have
converted every value. A rule skips a field whose own validator already
reported an error, so each mistake gets one message, on the field to fix.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.quyhoach.logic import vocabulary as voc
from ckanext.quyhoach.spatial import gazetteer


class _Fields:
    """Read, write and flag the flattened top-level fields of a validated dict."""

    def __init__(self, data: FlattenDataDict, errors: FlattenErrorDict):
        self.data = data
        self.errors = errors

    def has_error(self, name: str) -> bool:
        return bool(self.errors.get((name,)))

    def get(self, name: str) -> Any:
        """Return the field's value, or None when it is empty or invalid."""
        value = self.data.get((name,))
        if value in (None, "", tk.missing) or self.has_error(name):
            return None
        return value

    def get_list(self, name: str) -> list[str]:
        value = self.get(name)
        if isinstance(value, str):
            value = json.loads(value) if value.startswith("[") else [value]
        return [str(item).strip() for item in value or [] if str(item).strip()]

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault((name,), []).append(message)

    def set(self, name: str, value: Any) -> None:
        """Store VALUE on the field and on the extra that scheming copied it to."""
        self.data[(name,)] = value
        for key in list(self.data):
            if len(key) == 3 and key[0] == "extras" and key[2] == "key":
                if self.data[key] == name:
                    self.data[("extras", key[1], "value")] = value


def dossier_rules(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Check the rules between fields of a plan dossier."""
    fields = _Fields(data, errors)
    _check_level_and_type(fields)
    _check_sector(fields)
    _check_dates(fields)
    _check_period(fields)
    _check_provinces(fields)
    _check_amends(fields)


def _check_level_and_type(fields: _Fields) -> None:
    level, plan_type = fields.get("plan_level"), fields.get("plan_type")
    if not level or not plan_type:
        return
    allowed = voc.TYPES_BY_LEVEL.get(level, ())
    if plan_type not in allowed:
        fields.add_error(
            "plan_type",
            tk._(
                'The plan type "{plan_type}" does not belong to the plan level '
                '"{level}". Choose one of: {allowed}, or change the plan level.'
            ).format(plan_type=plan_type, level=level, allowed=", ".join(allowed)),
        )


def _check_sector(fields: _Fields) -> None:
    plan_type, sector = fields.get("plan_type"), fields.get("sector")
    if not plan_type or fields.has_error("sector"):
        return
    if sector and plan_type not in voc.SECTORAL_TYPES:
        fields.add_error(
            "sector",
            tk._(
                "A sector is only for sectoral plans. Leave the sector empty, "
                "or set the plan type to a national or technical sectoral plan."
            ),
        )
    elif not sector and plan_type in voc.SECTOR_REQUIRED_TYPES:
        fields.add_error(
            "sector",
            tk._("A national sectoral plan needs its sector. Choose the sector it plans."),
        )


def _check_dates(fields: _Fields) -> None:
    decision = fields.get("decision_date")
    if not decision:
        return
    for name in ("effective_from", "effective_to", "publication_date"):
        value = fields.get(name)
        if value and value < decision:
            fields.add_error(
                name,
                tk._(
                    "This date ({day}) is before the decision date ({decision}). "
                    "Enter a date on or after the decision date."
                ).format(day=value, decision=decision),
            )
    start, end = fields.get("effective_from"), fields.get("effective_to")
    if start and end and end < start and not fields.has_error("effective_to"):
        fields.add_error(
            "effective_to",
            tk._(
                "The end of validity ({end}) is before its start ({start}). "
                "Enter an end date on or after the effective-from date."
            ).format(end=end, start=start),
        )


def _check_period(fields: _Fields) -> None:
    start, end = fields.get("period_start"), fields.get("period_end")
    vision = fields.get("vision_year")
    if start and end and int(start) >= int(end):
        fields.add_error(
            "period_end",
            tk._(
                "The planning period must end after it starts ({start} to {end}). "
                "Enter a period end year later than {start}."
            ).format(start=start, end=end),
        )
    if end and vision and int(end) > int(vision):
        fields.add_error(
            "vision_year",
            tk._(
                "The vision year ({vision}) is before the end of the planning "
                "period ({end}). Enter a vision year of {end} or later."
            ).format(vision=vision, end=end),
        )


def _check_provinces(fields: _Fields) -> None:
    """Check the province codes against the decision date and store both lists.

    The codes valid on the decision date are kept in province_codes_at_decision
    and their current successors in province_codes. When the editor gives only
    province_codes, they are read as codes valid on the decision date.
    """
    at_decision = fields.get_list("province_codes_at_decision")
    given_current = fields.get_list("province_codes")
    source_field = "province_codes_at_decision" if at_decision else "province_codes"
    codes = [code.zfill(2) for code in (at_decision or given_current)]
    decision = fields.get("decision_date")
    if fields.has_error(source_field) or not decision:
        return
    successors = _successors(fields, source_field, codes, dt.date.fromisoformat(decision))
    if successors is None:
        return
    if at_decision and given_current and set(given_current) != set(successors):
        fields.add_error(
            "province_codes",
            tk._(
                "The current province codes ({given}) do not match the successors "
                "of the codes valid on the decision date ({expected}). Leave "
                "province_codes empty or enter {expected}."
            ).format(given=", ".join(given_current), expected=", ".join(successors)),
        )
        return
    _check_province_count(fields, codes)
    fields.set("province_codes_at_decision", json.dumps(codes))
    fields.set("province_codes", json.dumps(successors))


def _successors(
    fields: _Fields, source_field: str, codes: list[str], day: dt.date
) -> list[str] | None:
    successors: list[str] = []
    for code in codes:
        successor = gazetteer.successor_code(code, day)
        if successor is None:
            fields.add_error(
                source_field,
                tk._(
                    'The province code "{code}" was not in use on the decision '
                    "date {day}. Enter the code the province had on that date; "
                    "codes of provinces merged on 1 July 2025 are converted to "
                    "their successors automatically."
                ).format(code=code, day=day.isoformat()),
            )
            return None
        if successor not in successors:
            successors.append(successor)
    return successors


def _check_province_count(fields: _Fields, codes: list[str]) -> None:
    level = fields.get("plan_level")
    if level in voc.SINGLE_PROVINCE_LEVELS and len(codes) != 1:
        fields.add_error(
            "province_codes",
            tk._(
                "A provincial plan covers exactly one province, but {count} "
                "province codes were given. Enter the code of that one province."
            ).format(count=len(codes)),
        )


def _check_amends(fields: _Fields) -> None:
    target_id = fields.get("amends")
    if not target_id:
        return
    own_id = fields.data.get(("id",))
    target = model.Package.get(target_id)
    if target is None:
        return
    level = fields.get("plan_level")
    target_level = target.extras.get("plan_level")
    if level and target_level != level:
        fields.add_error(
            "amends",
            tk._(
                'The amended dossier "{name}" is a plan of level "{target_level}", '
                'not "{level}". An amendment adjusts a plan of its own level: '
                "choose a dossier of the same level."
            ).format(name=target.name, target_level=target_level, level=level),
        )
        return
    if own_id and _chain_reaches(target, own_id):
        fields.add_error(
            "amends",
            tk._(
                'The dossier "{name}" already amends this dossier, directly or '
                "through other amendments, so this link would make a cycle. "
                "Choose the earlier dossier that this decision adjusts."
            ).format(name=target.name),
        )


def _chain_reaches(start: model.Package, own_id: str) -> bool:
    """Follow the amends links from START; True when they lead to OWN_ID."""
    seen: set[str] = set()
    package: model.Package | None = start
    while package is not None and package.id not in seen:
        if package.id == own_id:
            return True
        seen.add(package.id)
        next_id = package.extras.get("amends")
        package = model.Package.get(next_id) if next_id else None
    return False


def agency_rules(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Require a province code for provincial People's Committees, and only for them."""
    fields = _Fields(data, errors)
    kind, province = fields.get("agency_kind"), fields.get("province_code")
    if not kind or fields.has_error("province_code"):
        return
    if kind == "provincial_committee" and not province:
        fields.add_error(
            "province_code",
            tk._(
                "A provincial People's Committee needs its province code. Enter "
                "the two-digit code of the current province."
            ),
        )
    elif kind in ("ministry", "ministry_level") and province:
        fields.add_error(
            "province_code",
            tk._(
                "A ministry or ministry-level agency has no province code. Leave "
                "the province code empty, or change the agency kind."
            ),
        )
