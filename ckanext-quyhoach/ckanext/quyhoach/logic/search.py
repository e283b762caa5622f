"""Fields that the search index stores for a dossier, and our search parameters.

Solr fields used, all from dynamic fields of CKAN 2.12's stock schema so the
schema needs no edit:

- plan_level, plan_type, sector, legal_status, gis_status, plan_period,
  title_collation, decision_number_key: single-valued strings (`*`);
- vocab_province, vocab_province_code: multi-valued strings (`vocab_*`);
- in_force_from_date, in_force_to_date: dates (`*_date`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import search as ckan_search

from ckanext.quyhoach import text
from ckanext.quyhoach.logic.vocabulary import DATASET_TYPE
from ckanext.quyhoach.spatial import gazetteer

IN_FORCE_PARAM = "in_force_on"
TITLE_SORT_FIELD = "title_collation"
# Legal statuses under which a dossier is never in force, whatever its dates.
NEVER_IN_FORCE = ("annulled",)


def _json_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, str) and value.startswith("["):
        return [str(item) for item in json.loads(value)]
    return [value] if value else []


def _solr_day(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def province_terms(current_codes: list[str], decision_codes: list[str]) -> dict[str, Any]:
    """Return the province facet values and the place names to add to the text index.

    The text index gets the current names, the names of the former provinces
    merged into them and the names on the decision date, so "Yên Bái" finds
    the dossiers of the current Lào Cai.
    """
    names: list[str] = []
    searchable: set[str] = set()
    for code in current_codes:
        province = gazetteer.current_province(code)
        if province is None:
            continue
        names.append(province.name_vi)
        searchable.update((province.name_vi, province.name_en))
        for former in gazetteer.predecessors(code):
            searchable.update((former.name_vi, former.name_en))
    for code in decision_codes:
        searchable.update(p.name_vi for p in gazetteer.provinces() if p.code == code)
    return {
        "names": names,
        "codes": sorted(set(current_codes) | set(decision_codes)),
        "searchable": sorted(searchable),
    }


def in_force_end(pkg_dict: dict[str, Any]) -> dt.date | None:
    """Return the last day the dossier is in force, or None when it has no end.

    The end is its effective_to, or the day before a dossier that amends it
    as a whole takes effect, whichever comes first.
    """
    ends = []
    if pkg_dict.get("effective_to"):
        ends.append(dt.date.fromisoformat(pkg_dict["effective_to"]))
    for amendment in amendments_of(pkg_dict["id"]):
        extras = amendment.extras
        if extras.get("amendment_scope") != "whole":
            continue
        start = extras.get("effective_from") or extras.get("decision_date")
        if start:
            ends.append(dt.date.fromisoformat(start) - dt.timedelta(days=1))
    return min(ends) if ends else None


def amendments_of(package_id: str) -> list[model.Package]:
    """Return the active dossiers whose `amends` names PACKAGE_ID, oldest first."""
    query = model.Session.query(model.Package).filter(
        model.Package.extras["amends"].astext == package_id,
        model.Package.state == "active",
    )
    return sorted(query.all(), key=lambda p: p.extras.get("decision_date") or "")


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Add our facet, sort, filter and text fields to a dossier's index document."""
    if pkg_dict.get("type") != DATASET_TYPE:
        return pkg_dict
    provinces = province_terms(
        _json_list(pkg_dict.get("province_codes")),
        _json_list(pkg_dict.get("province_codes_at_decision")),
    )
    pkg_dict["vocab_province"] = provinces["names"]
    pkg_dict["vocab_province_code"] = provinces["codes"]
    pkg_dict[TITLE_SORT_FIELD] = text.collation_string(pkg_dict.get("title") or "")
    _add_period(pkg_dict)
    _add_in_force_dates(pkg_dict)

    extra_text = list(provinces["searchable"])
    if pkg_dict.get("decision_number"):
        pkg_dict["decision_number_key"] = text.decision_number_key(pkg_dict["decision_number"])
        extra_text.append(pkg_dict["decision_number_key"])
    if pkg_dict.get("title_en"):
        extra_text.append(pkg_dict["title_en"])
    existing = pkg_dict.get("text") or []
    pkg_dict["text"] = (existing if isinstance(existing, list) else [existing]) + extra_text
    return pkg_dict


def _add_period(pkg_dict: dict[str, Any]) -> None:
    start, end = pkg_dict.get("period_start"), pkg_dict.get("period_end")
    if start and end:
        pkg_dict["plan_period"] = f"{start}-{end}"
    elif end:
        pkg_dict["plan_period"] = str(end)


def _add_in_force_dates(pkg_dict: dict[str, Any]) -> None:
    start = pkg_dict.get("effective_from") or pkg_dict.get("decision_date")
    if not start:
        return
    pkg_dict["in_force_from_date"] = _solr_day(dt.date.fromisoformat(start[:10]))
    end = in_force_end(pkg_dict)
    if end is not None:
        pkg_dict["in_force_to_date"] = _solr_day(end)


def parse_in_force_day(value: Any) -> dt.date:
    """Parse the in_force_on search parameter, or raise ValidationError naming it."""
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise tk.ValidationError(
            {
                IN_FORCE_PARAM: [
                    tk._(
                        'Invalid date "{value}" for in_force_on. Enter a date as '
                        "YYYY-MM-DD, e.g. 2024-01-01."
                    ).format(value=value)
                ]
            }
        )


def in_force_filter(day: dt.date) -> str:
    """Return the Solr filter for dossiers in force on DAY.

    A dossier is in force when it took effect on or before DAY, has no end or
    ends on or after DAY, and was not annulled.
    """
    solr_day = _solr_day(day)
    excluded = " ".join(f"-legal_status:{status}" for status in NEVER_IN_FORCE)
    return (
        f"+in_force_from_date:[* TO {solr_day}] "
        f"-in_force_to_date:[* TO {solr_day}-1DAY] {excluded}"
    )


def add_search_filters(search_params: dict[str, Any]) -> dict[str, Any]:
    """Turn `in_force_on` (or `ext_in_force_on` from the search page) into a filter."""
    extras = search_params.get("extras") or {}
    value = search_params.pop(IN_FORCE_PARAM, None) or extras.get(f"ext_{IN_FORCE_PARAM}")
    if not value:
        return search_params
    day = parse_in_force_day(value)
    # A separate filter query, so its + and - clauses do not turn the
    # caller's fq clauses into optional ones.
    search_params["fq_list"] = list(search_params.get("fq_list") or []) + [
        in_force_filter(day)
    ]
    return search_params


def reindex_amended(pkg_dict: dict[str, Any]) -> None:
    """Reindex the dossier that PKG_DICT amends, whose in-force end may have moved.

    NOTE: when an update moves `amends` from one dossier to another, only the
    new target is reindexed here. The old target keeps its in-force end in the
    index until it is saved again or `ckan search-index rebuild` runs.
    """
    target_id = pkg_dict.get("amends")
    if pkg_dict.get("type") != DATASET_TYPE or not target_id:
        return
    ckan_search.rebuild(target_id)
