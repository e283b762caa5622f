"""Template helpers of the access plugin."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.quyhoach.access import levels, rules


def quyhoach_access_withheld(resource: dict[str, Any]) -> bool:
    """Return True when the current user sees RESOURCE without its file."""
    return bool(resource.get(rules.WITHHELD_KEY))


def quyhoach_access_level_label(level: str | None) -> str:
    names = {
        "public": tk._("Public"),
        "restricted": tk._("Restricted (not yet published)"),
        "mat": tk._("Confidential (Mật)"),
        "toi_mat": tk._("Secret (Tối mật)"),
        "tuyet_mat": tk._("Top secret (Tuyệt mật)"),
    }
    return names[levels.normalise(level)]


def quyhoach_access_levels() -> list[str]:
    return list(levels.LEVELS)


def get_helpers() -> dict[str, Any]:
    return {
        "quyhoach_access_withheld": quyhoach_access_withheld,
        "quyhoach_access_level_label": quyhoach_access_level_label,
        "quyhoach_access_levels": quyhoach_access_levels,
    }


__all__ = ["get_helpers"]
