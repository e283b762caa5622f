"""Secrecy levels of the Law on Protection of State Secrets, plus "restricted".

Pure functions with no CKAN import, so the ordering and the permission label
names can be tested without a database.
"""

from __future__ import annotations

# Lowest to highest. "restricted" is internal material not yet published;
# mat, toi_mat and tuyet_mat are the three state-secret grades of the law.
LEVELS = ("public", "restricted", "mat", "toi_mat", "tuyet_mat")
PUBLIC = "public"
RESTRICTED = "restricted"
SECRET_LEVELS = LEVELS[2:]
# Levels a sysadmin may grant as a clearance (public needs none).
CLEARANCE_LEVELS = LEVELS[1:]


def rank(level: str | None) -> int:
    """Return the position of LEVEL in LEVELS.

    A missing level counts as public, because records created before the
    field existed are public. An unknown value counts as the highest level,
    so a typo hides a record instead of publishing it.
    """
    if not level:
        return 0
    try:
        return LEVELS.index(level)
    except ValueError:
        return len(LEVELS) - 1


def normalise(level: str | None) -> str:
    """Return LEVEL as one of LEVELS, applying the rules of `rank`."""
    return LEVELS[rank(level)]


def clearance_label(level: str) -> str:
    """Return the permission label held by users cleared for LEVEL."""
    return f"quyhoach-clearance-{level}"


def labels_for_clearance(level: str | None) -> list[str]:
    """Return the labels of a user cleared up to LEVEL: that level and every lower one."""
    if not level or rank(level) == 0:
        return []
    return [clearance_label(lvl) for lvl in LEVELS[1 : rank(level) + 1]]


def dataset_level_labels(level: str, owner_org: str | None) -> list[str]:
    """Return the permission labels of a non-public dataset at LEVEL.

    Members of the owning agency see its restricted material; the secret
    grades need a clearance of that grade or higher.
    """
    labels = [clearance_label(normalise(level))]
    if rank(level) == rank(RESTRICTED) and owner_org:
        labels.append(f"member-{owner_org}")
    return labels


def higher(first: str | None, second: str | None) -> str:
    """Return the higher of two levels."""
    return LEVELS[max(rank(first), rank(second))]


__all__ = [
    "LEVELS", "PUBLIC", "RESTRICTED", "SECRET_LEVELS", "CLEARANCE_LEVELS", "rank",
    "normalise", "clearance_label", "labels_for_clearance", "dataset_level_labels",
    "higher",
]
