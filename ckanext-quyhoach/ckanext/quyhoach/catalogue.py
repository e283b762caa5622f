"""Load the demo catalogue (data/plans.csv) into agencies and plan dossiers.

The loader upserts: a row whose dossier already contains the same values is left
alone, a changed row updates its dossier, and a row that fails validation is
reported with its line number and field while the other rows load.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.quyhoach import agencies

log = logging.getLogger(__name__)

DATASET_TYPE = "ho-so-quy-hoach"
REQUIRED_COLUMNS = (
    "id_slug", "title_vi", "plan_level", "plan_type", "sector", "province_code",
    "decision_number", "decision_date", "approving_authority",
)
# Fields compared to decide whether a stored dossier differs from its row.
COMPARED_FIELDS = (
    "title", "title_en", "owner_org", "plan_level", "plan_type", "sector", "region",
    "province_codes", "province_codes_at_decision", "decision_number",
    "decision_date", "approving_authority", "period_start", "period_end",
    "vision_year", "legal_status", "effective_from", "source_url",
    "source_confidence", "secrecy_level",
)


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    agencies_created: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.agencies_created)

    def summary(self) -> str:
        return (
            f"{len(self.agencies_created)} agencies created, "
            f"{len(self.created)} dossiers created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.errors)} rejected"
        )


def read_plan_rows(text: str | None = None) -> list[tuple[int, dict[str, str]]]:
    """Return (line number, row) pairs of plans.csv, or of TEXT when given.

    Raises ValueError naming the missing columns when the header lacks one.
    """
    if text is None:
        text = resources.files("ckanext.quyhoach.data").joinpath("plans.csv").read_text("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in REQUIRED_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"line 1: missing column(s) {', '.join(missing)}; add them to the header")
    rows = []
    for row in reader:
        rows.append((reader.line_num, {key: (value or "").strip() for key, value in row.items() if key}))
    return rows


def _province_codes(row: dict[str, str]) -> tuple[list[str], list[str]]:
    current = [code for code in row.get("province_code", "").split(";") if code]
    former = [code for code in row.get("province_code_at_approval", "").split(";") if code]
    return current, former or current


def owner_for_row(row: dict[str, str]) -> agencies.Agency:
    """Return the agency that publishes the plan of ROW."""
    current_codes, _ = _province_codes(row)
    try:
        return agencies.owner_for(row["plan_type"], row["sector"], current_codes[0] if current_codes else "")
    except ValueError as error:
        raise RowError("province_code", str(error)) from error


class RowError(ValueError):
    """A plans.csv row that cannot be mapped, with the column at fault."""

    def __init__(self, column: str, message: str):
        super().__init__(f"{column}: {message}")
        self.column = column


def dossier_from_row(row: dict[str, str]) -> dict[str, Any]:
    """Map one plans.csv row to the fields of a ho-so-quy-hoach dataset."""
    current_codes, decision_codes = _province_codes(row)
    owner = owner_for_row(row)
    dossier: dict[str, Any] = {
        "type": DATASET_TYPE,
        "name": row["id_slug"],
        "title": row["title_vi"],
        "title_en": row["title_en"],
        "owner_org": owner.name,
        "plan_level": row["plan_level"],
        "plan_type": row["plan_type"],
        "sector": row["sector"],
        "region": row["region"],
        "province_codes": current_codes,
        "province_codes_at_decision": decision_codes,
        "decision_number": row["decision_number"],
        "decision_date": row["decision_date"],
        "approving_authority": row["approving_authority"],
        "period_start": row["period_start"],
        "period_end": row["period_end"],
        "vision_year": row["vision_year"],
        "legal_status": "in_force",
        "effective_from": row["decision_date"],
        "source_url": row["source_url"],
        "source_confidence": row["source_confidence"],
        "secrecy_level": "public",
        "gis_status": "none",
    }
    return dossier


def _site_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def ensure_agency(agency: agencies.Agency) -> bool:
    """Create AGENCY unless it exists; return True when it was created."""
    context = dict(_site_context(), include_datasets=False)
    try:
        tk.get_action("organization_show")(context, {"id": agency.name, "include_datasets": False})
        return False
    except tk.ObjectNotFound:
        pass
    tk.get_action("organization_create")(
        _site_context(),
        {
            "name": agency.name,
            "title": agency.title,
            "description": agency.title_en,
            "agency_kind": agency.kind,
            "agency_code": agency.code,
            "province_code": agency.province_code,
        },
    )
    log.info("Created agency %s", agency.name)
    return True


def _normalise(value: Any) -> Any:
    if value in (None, "", []):
        return None
    if isinstance(value, list):
        return sorted(str(v) for v in value)
    return str(value)


def _differs(stored: dict[str, Any], wanted: dict[str, Any]) -> bool:
    for key in COMPARED_FIELDS:
        stored_value = stored.get(key)
        if key == "owner_org":
            stored_value = (stored.get("organization") or {}).get("name")
        if _normalise(stored_value) != _normalise(wanted.get(key)):
            return True
    return False


def _format_errors(error: tk.ValidationError) -> str:
    parts = []
    for field_name, messages in (error.error_dict or {}).items():
        text = "; ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
        parts.append(f"{field_name}: {text}")
    return ", ".join(parts) or str(error)


def upsert_dossier(wanted: dict[str, Any], report: LoadReport, line: int) -> None:
    context = _site_context()
    try:
        stored = tk.get_action("package_show")(context, {"id": wanted["name"]})
    except tk.ObjectNotFound:
        stored = None
    try:
        if stored is None:
            tk.get_action("package_create")(_site_context(), dict(wanted))
            report.created.append(wanted["name"])
        elif _differs(stored, wanted):
            merged = dict(stored, **wanted)
            tk.get_action("package_update")(_site_context(), merged)
            report.updated.append(wanted["name"])
        else:
            report.unchanged.append(wanted["name"])
    except tk.ValidationError as error:
        report.errors.append(f"line {line} ({wanted['name']}): {_format_errors(error)}")


def load_catalogue(text: str | None = None) -> LoadReport:
    """Create or update the agencies and dossiers of plans.csv (or of TEXT).

    Each row is its own transaction: a rejected row leaves nothing behind and
    does not stop the rows after it.
    """
    report = LoadReport()
    log.info("Loading the catalogue")
    for line, row in read_plan_rows(text):
        try:
            wanted = dossier_from_row(row)
            if ensure_agency(owner_for_row(row)):
                report.agencies_created.append(wanted["owner_org"])
        except KeyError as error:
            report.errors.append(f"line {line}: missing column {error}; add it to the header")
            continue
        except ValueError as error:
            report.errors.append(f"line {line} ({row.get('id_slug', '')}): {error}")
            continue
        except tk.ValidationError as error:
            report.errors.append(f"line {line} (agency of {row.get('id_slug', '')}): {_format_errors(error)}")
            continue
        upsert_dossier(wanted, report, line)
    log.info("Catalogue loaded: %s", report.summary())
    return report


__all__ = ["load_catalogue", "LoadReport", "RowError", "dossier_from_row", "read_plan_rows"]
