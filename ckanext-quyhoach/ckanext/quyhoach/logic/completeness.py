"""Statutory completeness of a plan dossier: which required components it contains.

A component is a resource with that `document_role`. For plans under the Law
on Planning, the list is the dossier submitted for approval (submission,
planning report and its summary, strategic environmental assessment report,
appraisal report, maps, GIS database). The approving decision is added because
the portal publishes approved plans.
"""

from __future__ import annotations

from typing import Any

# NOTE: these lists are the portal's reading of the planning, urban planning
# and land laws and were not checked against the decrees' text. A dossier
# reported "complete" may still lack a component that a decree requires.
_LAW_ON_PLANNING = (
    "decision",
    "submission",
    "planning_report",
    "summary_report",
    "sea_report",
    "appraisal_report",
    "map",
    "gis_dataset",
)
_URBAN_RURAL = ("decision", "planning_report", "appraisal_report", "map", "gis_dataset")
_DISTRICT_LAND_USE = ("decision", "planning_report", "map", "gis_dataset")

REQUIRED_COMPONENTS: dict[str, tuple[str, ...]] = {
    "national": _LAW_ON_PLANNING,
    "regional": _LAW_ON_PLANNING,
    "provincial": _LAW_ON_PLANNING,
    "special_unit": _LAW_ON_PLANNING,
    "technical_sectoral": _LAW_ON_PLANNING,
    "urban": _URBAN_RURAL,
    "rural": _URBAN_RURAL,
    "district_construction": _URBAN_RURAL,
    "district_land_use": _DISTRICT_LAND_USE,
}


def required_components(plan_level: str) -> tuple[str, ...]:
    """Return the document roles a dossier of PLAN_LEVEL must hold."""
    return REQUIRED_COMPONENTS.get(plan_level, ("decision",))


def completeness(dossier: dict[str, Any]) -> dict[str, Any]:
    """Report, for each required component, whether the dossier contains it.

    Returns {"plan_level", "complete", "present_count", "required_count",
    "components": [{"role", "present", "resource_ids"}], "missing": [role]}.
    """
    by_role: dict[str, list[str]] = {}
    for resource in dossier.get("resources") or []:
        role = resource.get("document_role") or "other"
        by_role.setdefault(role, []).append(resource["id"])

    components = [
        {"role": role, "present": role in by_role, "resource_ids": by_role.get(role, [])}
        for role in required_components(dossier.get("plan_level") or "")
    ]
    missing = [item["role"] for item in components if not item["present"]]
    return {
        "plan_level": dossier.get("plan_level"),
        "complete": not missing,
        "present_count": len(components) - len(missing),
        "required_count": len(components),
        "components": components,
        "missing": missing,
    }
