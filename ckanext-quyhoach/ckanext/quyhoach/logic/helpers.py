"""Template helpers of the dossier and search pages."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckanext.scheming import helpers as scheming

from ckanext.quyhoach.logic import completeness, search
from ckanext.quyhoach.logic.vocabulary import DATASET_TYPE, DOCUMENT_ROLES
from ckanext.quyhoach.spatial import gazetteer

__all__ = [
    "humanize_entity_type",
    "quyhoach_amendments",
    "quyhoach_choice_label",
    "quyhoach_completeness",
    "quyhoach_display_title",
    "quyhoach_other_title",
    "quyhoach_field_groups",
    "quyhoach_in_force_on",
    "quyhoach_province_names",
    "quyhoach_resources_by_role",
    "quyhoach_sort_options",
]

# Dossier fields grouped as a planner reads a decision: what was approved,
# which plan it is, where it applies, who made it, and the data behind it.
FIELD_GROUPS = (
    ("decision", ("decision_number", "decision_date", "approving_authority",
                  "legal_status", "effective_from", "effective_to",
                  "publication_date", "amendment_scope")),
    ("plan", ("plan_level", "plan_type", "sector", "region", "period_start",
              "period_end", "vision_year")),
    ("territory", ("province_codes", "province_codes_at_decision", "map_scale",
                   "source_crs")),
    ("agencies", ("organizing_agency", "drafting_agency", "consultant")),
    ("data", ("gis_status", "secrecy_level", "source_url", "source_confidence")),
)


def _language() -> str:
    try:
        return tk.h.lang() or tk.config.get("ckan.locale_default")
    except (RuntimeError, TypeError, AttributeError):
        # Outside a request (CLI, background jobs) there is no user language.
        return tk.config.get("ckan.locale_default")


def _label_text(label: Any) -> str:
    if isinstance(label, dict):
        return label.get(_language()) or label.get("vi") or next(iter(label.values()))
    return str(label)


def _field(field_name: str, resource: bool = False) -> dict[str, Any] | None:
    schema = scheming.scheming_get_dataset_schema(DATASET_TYPE) or {}
    fields = schema.get("resource_fields" if resource else "dataset_fields", [])
    return scheming.scheming_field_by_name(fields, field_name)


def quyhoach_choice_label(field_name: str, value: str, resource: bool = False) -> str:
    """Return the label, in the user's language, of a choice of a dossier field."""
    field = _field(field_name, resource) or {}
    for choice in field.get("choices", []):
        if choice["value"] == value:
            return _label_text(choice["label"])
    return value


def quyhoach_display_title(pkg: dict[str, Any]) -> str:
    """Return the dossier's title in the page's language: title_en on English
    pages when the dossier has one, else the Vietnamese title."""
    if _language() == "en" and pkg.get("title_en"):
        return pkg["title_en"]
    return pkg.get("title") or pkg.get("name") or ""


def quyhoach_other_title(pkg: dict[str, Any]) -> str | None:
    """Return the title in the other language, shown under the heading, or None."""
    other = pkg.get("title") if _language() == "en" else pkg.get("title_en")
    return other if other and other != quyhoach_display_title(pkg) else None


def quyhoach_field_groups() -> list[dict[str, Any]]:
    """Return the dossier page's field groups with their scheming field definitions."""
    titles = {
        "decision": tk._("Approving decision"),
        "plan": tk._("Plan"),
        "territory": tk._("Territory and maps"),
        "agencies": tk._("Agencies"),
        "data": tk._("Data and publication"),
    }
    groups = []
    for key, names in FIELD_GROUPS:
        fields = [field for field in map(_field, names) if field]
        groups.append({"key": key, "title": titles[key], "fields": fields})
    return groups


def quyhoach_province_names(codes: list[str] | str | None) -> list[str]:
    """Return the Vietnamese names of current province codes, in order."""
    names = []
    for code in search._json_list(codes):
        province = gazetteer.current_province(code)
        names.append(province.name_vi if province else code)
    return names


def quyhoach_completeness(pkg: dict[str, Any]) -> dict[str, Any]:
    """Return the completeness report of a dossier with each role's label."""
    report = completeness.completeness(pkg)
    for item in report["components"]:
        item["label"] = quyhoach_choice_label("document_role", item["role"], resource=True)
    return report


def quyhoach_amendments(pkg: dict[str, Any]) -> dict[str, Any]:
    """Return the amendment chain of a dossier, both ways, for its page."""
    return tk.get_action("quyhoach_dossier_amendments")({}, {"id": pkg["id"]})


def quyhoach_resources_by_role(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """Group a dossier's resources by document role, in the statutory order."""
    groups = []
    for role in DOCUMENT_ROLES:
        resources = [
            resource
            for resource in pkg.get("resources") or []
            if (resource.get("document_role") or "other") == role
        ]
        if resources:
            label = quyhoach_choice_label("document_role", role, resource=True)
            groups.append({"role": role, "label": label, "resources": resources})
    return groups


def quyhoach_sort_options() -> list[tuple[str, str]]:
    """Return the search page's sort choices, with Vietnamese alphabetical order."""
    return [
        (tk._("Relevance"), "score desc, metadata_modified desc"),
        (tk._("Title (A to Z, Vietnamese order)"), f"{search.TITLE_SORT_FIELD} asc"),
        (tk._("Title (Z to A, Vietnamese order)"), f"{search.TITLE_SORT_FIELD} desc"),
        (tk._("Decision date (newest first)"), "decision_date desc"),
        (tk._("Last modified"), "metadata_modified desc"),
    ]


def quyhoach_in_force_on() -> str:
    """Return the "in force on" date of the current search request, or ""."""
    return tk.request.args.get(f"ext_{search.IN_FORCE_PARAM}", "")


def _dossier_wording(purpose: str) -> str | None:
    wording = {
        "add link": tk._("Add plan dossier"),
        "breadcrumb": tk._("Plan dossiers"),
        "content tab": tk._("Plan dossiers"),
        "create label": tk._("Create plan dossier"),
        "create title": tk._("Create plan dossier"),
        "delete confirmation": tk._("Are you sure you want to delete this plan dossier?"),
        "edit label": tk._("Edit plan dossier"),
        "facet label": tk._("Plan dossiers"),
        "form label": tk._("Plan dossier form"),
        "main nav": tk._("Plan dossiers"),
        "my label": tk._("My plan dossiers"),
        "name placeholder": tk._("<plan dossier>"),
        "no any objects": tk._("No plan dossiers have been published yet."),
        "no description": tk._("There is no summary of this plan dossier."),
        "page title": tk._("Plan dossiers"),
        "save label": tk._("Save plan dossier"),
        "search placeholder": tk._("Search plans: name, place, decision number..."),
        "update label": tk._("Update plan dossier"),
    }
    return wording.get(purpose)


@tk.chained_helper
def humanize_entity_type(next_helper, entity_type: str, object_type: str, purpose: str):
    """Name plan dossiers in words instead of the dataset type code ho-so-quy-hoach."""
    if object_type == DATASET_TYPE:
        wording = _dossier_wording(purpose)
        if wording:
            return wording
    return next_helper(entity_type, object_type, purpose)
