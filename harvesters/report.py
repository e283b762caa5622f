"""Per-job counts of a harvest job, for the API and the harvest pages."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.model import (
    HarvestGatherError,
    HarvestJob,
    HarvestObject,
    HarvestObjectError,
    HarvestObjectExtra,
)

from . import store

# ckanext-harvest's report_status values -> our count names.
STATUS_COUNTS = {"added": "created", "updated": "updated", "not modified": "unchanged", "deleted": "withdrawn", "errored": "errored"}


def _status_counts(job_id: str) -> dict[str, int]:
    rows = (
        model.Session.query(HarvestObject.report_status, sa.func.count(HarvestObject.id))
        .filter(HarvestObject.harvest_job_id == job_id)
        .group_by(HarvestObject.report_status)
        .all()
    )
    counts = {name: 0 for name in STATUS_COUNTS.values()}
    counts["pending"] = 0
    for status, number in rows:
        counts[STATUS_COUNTS.get(status, "pending")] += number
    return counts


def _object_errors(job_id: str, limit: int) -> list[dict[str, Any]]:
    extra = sa.orm.aliased(HarvestObjectExtra)
    rows = (
        model.Session.query(HarvestObject.guid, extra.value, HarvestObjectError.stage, HarvestObjectError.message)
        .join(HarvestObjectError, HarvestObjectError.harvest_object_id == HarvestObject.id)
        .outerjoin(extra, sa.and_(extra.harvest_object_id == HarvestObject.id, extra.key == "remote_url"))
        .filter(HarvestObject.harvest_job_id == job_id)
        .order_by(HarvestObjectError.created)
        .limit(limit)
        .all()
    )
    return [{"guid": guid, "remote_url": url, "stage": stage, "message": message} for guid, url, stage, message in rows]


def job_report(job_id: str, error_limit: int = 1000) -> dict[str, Any]:
    """Return the counts, progress and errors of harvest job JOB_ID."""
    counts = _status_counts(job_id)
    listed = store.listing_counts(job_id)
    gather_errors = [
        error.message
        for error in model.Session.query(HarvestGatherError).filter(HarvestGatherError.harvest_job_id == job_id)
    ]
    total = sum(counts.values())
    return {
        "job_id": job_id,
        "expected": listed["expected"],
        "received": listed["received"],
        **counts,
        "progress": {"done": total - counts["pending"], "total": total},
        "gather_errors": gather_errors,
        "record_errors": _object_errors(job_id, error_limit),
    }


@tk.side_effect_free
def quyhoach_harvest_job_report(context, data_dict):
    """Return the counts of a harvest job: expected at the source, received,
    created, updated, unchanged, withdrawn, errored and pending, its progress,
    and every error with the record's guid and remote URL.

    :param id: the harvest job id
    :type id: string
    :rtype: dictionary
    """
    job_id = tk.get_or_bust(data_dict, "id")
    tk.check_access("harvest_job_show", context, {"id": job_id})
    if not model.Session.get(HarvestJob, job_id):
        raise tk.ObjectNotFound(f"Harvest job not found: {job_id}")
    return job_report(job_id)
