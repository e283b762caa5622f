"""Codes of the plan dossier schema that the validators and the index share.

The codes match the choices in schemas/dossier.yaml; the labels shown to users
live there too.
"""

from __future__ import annotations

DATASET_TYPE = "ho-so-quy-hoach"

# Plan types allowed at each plan level, following the system of plans of the
# Law on Planning 2017 plus the urban, rural and legacy district plans.
TYPES_BY_LEVEL: dict[str, tuple[str, ...]] = {
    "national": (
        "national_master",
        "national_marine_spatial",
        "national_land_use",
        "national_sectoral",
    ),
    "regional": ("regional",),
    "provincial": ("provincial",),
    "special_unit": ("special_unit",),
    "urban": ("urban_general", "urban_zoning", "urban_detailed"),
    "rural": ("rural_general", "rural_detailed"),
    "district_land_use": ("district_land_use",),
    "district_construction": ("district_construction",),
    "technical_sectoral": ("technical_sectoral",),
}

# Plan types that carry a sector, and those of them that must name one.
SECTORAL_TYPES = ("national_sectoral", "technical_sectoral")
SECTOR_REQUIRED_TYPES = ("national_sectoral",)

# Plan levels whose dossier covers exactly one province.
SINGLE_PROVINCE_LEVELS = ("provincial",)

DOCUMENT_ROLES = (
    "submission",
    "decision",
    "planning_report",
    "summary_report",
    "sea_report",
    "appraisal_report",
    "map",
    "gis_dataset",
    "other",
)
