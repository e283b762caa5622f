"""Field validators of the plan dossier and agency schemas.

Each message names what is wrong and how to fix it; the field itself is the
key of the error, so the API returns {"field": ["message"]} with HTTP 409.
Cross-field rules live in logic/rules.py.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.quyhoach import text
from ckanext.quyhoach.logic import rules
from ckanext.quyhoach.logic.vocabulary import DATASET_TYPE
from ckanext.quyhoach.spatial import gazetteer

__all__ = [
    "quyhoach_agency_rules",
    "quyhoach_amends",
    "quyhoach_date",
    "quyhoach_decision_number",
    "quyhoach_dossier_name",
    "quyhoach_dossier_rules",
    "quyhoach_map_scale",
    "quyhoach_not_in_future",
    "quyhoach_province_code",
    "quyhoach_provenance",
    "quyhoach_sha256",
    "quyhoach_year",
]

MIN_YEAR = 1945
MAX_YEAR = 2200
NAME_MAX_LENGTH = 100
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MAP_SCALE = re.compile(r"^1\s*[:/]\s*(\d[\d .,]*)$")

quyhoach_dossier_rules = rules.dossier_rules
quyhoach_agency_rules = rules.agency_rules


def quyhoach_decision_number(value: Any) -> Any:
    """Accept a decision number such as 81/2023/QH15 or 500/QĐ-TTg, tidied."""
    if value is tk.missing or value is None or value == "":
        return value
    parts = text.parse_decision_number(str(value))
    if parts is None:
        raise tk.Invalid(
            tk._(
                'Invalid decision number "{value}". Write it as on the '
                "decision: number/type code, e.g. 500/QĐ-TTg or 1234/QĐ-UBND, "
                "or number/year/code, e.g. 81/2023/QH15."
            ).format(value=value)
        )
    return text.clean_decision_number(str(value))


def quyhoach_date(value: Any) -> Any:
    """Accept a date as YYYY-MM-DD or DD/MM/YYYY and store it as YYYY-MM-DD."""
    if value is tk.missing or value is None or value == "":
        return None if value == "" else value
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    day = _parse_day(str(value).strip())
    if day is None:
        raise tk.Invalid(
            tk._(
                'Invalid date "{value}". Enter a calendar date as YYYY-MM-DD, '
                "e.g. 2023-05-15, or as DD/MM/YYYY."
            ).format(value=value)
        )
    return day.isoformat()


def _parse_day(value: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def quyhoach_not_in_future(value: Any) -> Any:
    """Reject a date after today; runs after quyhoach_date."""
    # navl runs every validator of a field even after one fails, so a value
    # that quyhoach_date rejected arrives here unparsed.
    day = _parse_day(value) if isinstance(value, str) else None
    if day is not None and day > dt.date.today():
        raise tk.Invalid(
            tk._(
                "The date {day} is in the future. Enter the date printed on "
                "the signed document, today or earlier."
            ).format(day=value)
        )
    return value


def quyhoach_year(value: Any) -> Any:
    """Accept a calendar year between 1945 and 2200; runs after int_validator."""
    if not isinstance(value, int):
        return value  # int_validator has reported it already
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise tk.Invalid(
            tk._("The year {year} is out of range. Enter a year from {low} to {high}.").format(
                year=value, low=MIN_YEAR, high=MAX_YEAR
            )
        )
    return value


def quyhoach_map_scale(value: Any) -> Any:
    """Normalise a map scale to "1:N"; accepts 1:100000, 1/100.000 and 1:100 000."""
    if value is tk.missing or value is None or value == "":
        return value
    match = _MAP_SCALE.match(str(value).strip())
    denominator = re.sub(r"[ .,]", "", match.group(1)) if match else ""
    if not denominator or int(denominator) == 0:
        raise tk.Invalid(
            tk._('Invalid map scale "{value}". Write it as 1:N, e.g. 1:100000.').format(
                value=value
            )
        )
    return f"1:{int(denominator)}"


def quyhoach_sha256(value: Any) -> Any:
    """Accept a SHA-256 digest as 64 hexadecimal digits, stored in lower case."""
    if value is tk.missing or value is None or value == "":
        return value
    digest = str(value).strip().lower()
    if not _SHA256.match(digest):
        raise tk.Invalid(
            tk._(
                "Invalid SHA-256 checksum. Enter 64 hexadecimal digits, or "
                "upload the file and the portal computes it."
            )
        )
    return digest


def quyhoach_amends(value: Any, context: Context) -> Any:
    """Resolve the amended dossier's name or id to its id, or reject it."""
    if value is tk.missing or value is None or value == "":
        return value
    package = model.Package.get(str(value).strip())
    if package is None or package.state != "active" or package.type != DATASET_TYPE:
        raise tk.Invalid(
            tk._(
                'No plan dossier "{value}" was found. Enter the URL name or id '
                "of the published dossier that this decision amends."
            ).format(value=value)
        )
    return package.id


def quyhoach_dossier_name(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Turn the URL name, or the title when the name is empty, into readable ASCII.

    "Quy hoạch tỉnh Đà Nẵng" gives "quy-hoach-tinh-da-nang". A name made from
    the title gets "-2", "-3"... when another dataset has it already; a name
    typed by the user is left for package_name_validator to reject.
    """
    typed_name = data.get(key)
    if typed_name in (None, "", tk.missing):
        current = _current_name(data)
        if current:
            data[key] = current
            return
        data[key] = _unique_name(_name_from_title(data), data.get(("id",)))
        return
    data[key] = text.slugify(str(typed_name), NAME_MAX_LENGTH) or str(typed_name)


def _stored_package(data: FlattenDataDict) -> model.Package | None:
    """Return the stored dataset that DATA updates, or None for a new one."""
    package_id = data.get(("id",))
    if package_id in (None, "", tk.missing):
        return None
    return model.Package.get(package_id)


def _current_name(data: FlattenDataDict) -> str | None:
    package = _stored_package(data)
    return package.name if package else None


def _name_from_title(data: FlattenDataDict) -> str:
    for field_name in ("title", "decision_number"):
        value = data.get((field_name,))
        if value in (None, "", tk.missing):
            continue
        slug = text.slugify(str(value), NAME_MAX_LENGTH - 4)
        if slug:
            return slug
    return "ho-so-quy-hoach"


def _unique_name(base: str, own_id: Any) -> str:
    candidate = base
    for suffix in range(2, 1000):
        holder = model.Package.get(candidate)
        if holder is None or holder.id == own_id:
            return candidate
        candidate = f"{base}-{suffix}"
    # NOTE: after 998 dossiers with one title the name is left taken, so
    # package_name_validator rejects it with CKAN's "URL already in use".
    return candidate


def quyhoach_provenance(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Keep a harvested dossier's provenance field unless a harvester sets it.

    The web form has no provenance fields and an agency editor may not forge
    them, so a missing value, or one sent by a user who is not a sysadmin,
    gives way to the stored value. Harvesters run as the site user (a
    sysadmin) and write the field; a sysadmin can clear it by sending "".
    """
    value = data.get(key)
    if value not in (None, tk.missing) and _may_set_provenance(context):
        if value == "":
            data[key] = tk.missing
        return
    stored = _stored_field(data, key[-1])
    data[key] = stored if stored not in (None, "") else tk.missing


def _may_set_provenance(context: Context) -> bool:
    if context.get("ignore_auth"):
        return True
    user = context.get("auth_user_obj") or model.User.get(context.get("user") or "")
    return bool(user and user.sysadmin)


def _stored_field(data: FlattenDataDict, field_name: str) -> Any:
    package = _stored_package(data)
    return package.extras.get(field_name) if package else None


def quyhoach_province_code(value: Any) -> Any:
    """Accept a current province code (two digits) for an agency."""
    if value is tk.missing or value is None or value == "":
        return value
    code = str(value).strip().zfill(2)
    if gazetteer.current_province(code) is None:
        raise tk.Invalid(
            tk._(
                'Unknown province code "{value}". Enter the two-digit code of a '
                "current province, e.g. 01 for Hà Nội or 79 for Hồ Chí Minh City."
            ).format(value=value)
        )
    return code

