"""Load the demo catalogue (data/plans.csv) into agencies and plan dossiers.

The loader upserts: a row whose dossier already holds the same values is left
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

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.errors)} rejected"
        )


def read_plan_rows(text: str | None = None) -> list[tuple[int, dict[str, str]]]:
    """Return (line number, row) pairs of plans.csv, or of TEXT when given."""
    if text is None:
        text = resources.files("ckanext.quyhoach.data").joinpath("plans.csv").read_text("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    return [(reader.line_num, row) for row in reader]


def _province_codes(row: dict[str, str]) -> tuple[list[str], list[str]]:
    current = [code for code in row.get("province_code", "").split(";") if code]
    former = [code for code in row.get("province_code_at_approval", "").split(";") if code]
    return current, former or current


def dossier_from_row(row: dict[str, str]) -> dict[str, Any]:
    """Map one plans.csv row to the fields of a ho-so-quy-hoach dataset."""
    current_codes, decision_codes = _province_codes(row)
    owner = agencies.owner_for(row["plan_type"], row["sector"], current_codes[0] if current_codes else "")
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


def ensure_agency(agency: agencies.Agency) -> None:
    context = _site_context()
    try:
        tk.get_action("organization_show")(context, {"id": agency.name})
        return
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
    """Create or update the agencies and dossiers of plans.csv (or of TEXT)."""
    report = LoadReport()
    for line, row in read_plan_rows(text):
        try:
            wanted = dossier_from_row(row)
            current_codes, _ = _province_codes(row)
            ensure_agency(agencies.owner_for(row["plan_type"], row["sector"], current_codes[0] if current_codes else ""))
        except (KeyError, ValueError) as error:
            report.errors.append(f"line {line}: {error}")
            continue
        upsert_dossier(wanted, report, line)
    log.info("Catalogue loaded: %s", report.summary())
    return report


__all__ = ["load_catalogue", "LoadReport", "dossier_from_row", "read_plan_rows"]
