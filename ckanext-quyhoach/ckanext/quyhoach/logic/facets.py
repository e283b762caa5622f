"""Search facets of the portal and the labels shown for their values."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.quyhoach.logic import helpers

# Facets whose values are codes of a scheming choice field of the same name.
CHOICE_FACETS = ("plan_level", "plan_type", "sector", "legal_status", "gis_status")


def dataset_facets(facets_dict: OrderedDict) -> OrderedDict:
    """Return the dossier facets, in the order a planner narrows a search."""
    ours = OrderedDict(
        [
            ("plan_level", tk._("Plan level")),
            ("plan_type", tk._("Plan type")),
            ("sector", tk._("Sector")),
            ("vocab_province", tk._("Province")),
            ("plan_period", tk._("Planning period")),
            ("legal_status", tk._("Legal status")),
            ("organization", tk._("Agency")),
            ("gis_status", tk._("GIS status")),
        ]
    )
    for key in ("tags", "res_format"):
        if key in facets_dict:
            ours[key] = facets_dict[key]
    return ours


def label_facets(search_results: dict[str, Any]) -> dict[str, Any]:
    """Show the labels of coded facet values, in the user's language."""
    for name in CHOICE_FACETS:
        facet = search_results.get("search_facets", {}).get(name)
        for item in (facet or {}).get("items", []):
            item["display_name"] = helpers.quyhoach_choice_label(name, item["name"])
    return search_results
