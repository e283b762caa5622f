"""Harvest state in the database: what a source already imported, and the
harvest objects of a job.

The state of a remote record is kept on its *current* harvest object (the one
that last wrote its dossier) as harvest object extras:

``remote_url``      where the record can be read at the source
``remote_modified`` the modification time the source reported, if any
``content_hash``    SHA-256 of the mapped dossier that was written
``action``          ``withdraw`` on objects that withdraw a dossier
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any, Iterable

import sqlalchemy as sa

from ckan import model
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

# Dossier keys left out of the content hash: they change without the record changing.
UNHASHED_KEYS = frozenset({"id", "name", "harvested_at", "metadata_modified", "metadata_created"})
COUNT_KEY_PREFIX = "quyhoach_harvest_job_"


@dataclass
class Known:
    """A remote record this source imported before."""

    guid: str
    object_id: str
    package_id: str
    package_state: str
    remote_modified: str | None
    content_hash: str | None


@dataclass
class Entry:
    """One record in a source's listing; CONTENT is set when the listing carries it."""

    guid: str
    remote_url: str
    modified: str | None = None
    content: str | None = None


def content_hash(dossier: dict[str, Any]) -> str:
    """Return the SHA-256 of DOSSIER's content, stable across key order."""
    kept = {key: value for key, value in dossier.items() if key not in UNHASHED_KEYS}
    text = json.dumps(kept, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def package_id_for(source_id: str, guid: str) -> str:
    """Return the dossier id of GUID from SOURCE_ID; the same pair always gives the same id,
    so a rerun after an interrupted job finds the dossier it created."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"quyhoach-harvest:{source_id}:{guid}"))


def known_records(source_id: str, guid: str | None = None) -> dict[str, Known]:
    """Return the records SOURCE_ID imported before, by guid (only GUID when given)."""
    query = (
        model.Session.query(HarvestObject.guid, HarvestObject.id, HarvestObject.package_id, model.Package.state)
        .join(model.Package, model.Package.id == HarvestObject.package_id)
        .filter(HarvestObject.harvest_source_id == source_id)
        .filter(HarvestObject.current == True)  # noqa: E712
    )
    if guid is not None:
        query = query.filter(HarvestObject.guid == guid)
    rows = query.all()
    extras = _extras([row[1] for row in rows], ("remote_modified", "content_hash"))
    known = {}
    for row_guid, object_id, package_id, state in rows:
        values = extras.get(object_id, {})
        known[row_guid] = Known(
            row_guid, object_id, package_id, state, values.get("remote_modified"), values.get("content_hash")
        )
    return known


def _extras(object_ids: list[str], keys: Iterable[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    table = HarvestObjectExtra.__table__
    for start in range(0, len(object_ids), 5000):
        batch = object_ids[start : start + 5000]
        rows = model.Session.execute(
            sa.select(table.c.harvest_object_id, table.c.key, table.c.value).where(
                table.c.harvest_object_id.in_(batch), table.c.key.in_(list(keys))
            )
        )
        for object_id, key, value in rows:
            found.setdefault(object_id, {})[key] = value
    return found


def object_extra(harvest_object: HarvestObject, key: str) -> str | None:
    for extra in harvest_object.extras:
        if extra.key == key:
            return extra.value
    return None


def set_object_extra(object_id: str, key: str, value: str | None) -> None:
    table = HarvestObjectExtra.__table__
    model.Session.execute(table.delete().where(table.c.harvest_object_id == object_id, table.c.key == key))
    if value is not None:
        model.Session.execute(
            table.insert().values(id=str(uuid.uuid4()), harvest_object_id=object_id, key=key, value=value)
        )


def insert_objects(job_id: str, source_id: str, rows: list[dict[str, Any]]) -> list[str]:
    """Insert harvest objects in bulk; each row has guid and optional package_id,
    state, report_status, content and an ``extras`` dict. Return their ids."""
    now = dt.datetime.utcnow()
    objects, extras = [], []
    for row in rows:
        object_id = str(uuid.uuid4())
        objects.append(
            {
                "id": object_id,
                "guid": row["guid"],
                "current": False,
                "gathered": now,
                "state": row.get("state", "WAITING"),
                "report_status": row.get("report_status"),
                "content": row.get("content"),
                "harvest_job_id": job_id,
                "harvest_source_id": source_id,
                "package_id": row.get("package_id"),
                "retry_times": 0,
                "import_finished": now if row.get("state") == "COMPLETE" else None,
            }
        )
        for key, value in (row.get("extras") or {}).items():
            if value is not None:
                extras.append({"id": str(uuid.uuid4()), "harvest_object_id": object_id, "key": key, "value": value})
    if objects:
        model.Session.execute(HarvestObject.__table__.insert(), objects)
    if extras:
        model.Session.execute(HarvestObjectExtra.__table__.insert(), extras)
    model.Session.commit()
    return [row["id"] for row in objects]


def job_has_waiting_objects(job_id: str) -> bool:
    """Return whether JOB_ID has harvest objects that no fetch stage has taken yet."""
    waiting = model.Session.query(HarvestObject.id).filter(
        HarvestObject.harvest_job_id == job_id, HarvestObject.state == "WAITING"
    )
    return bool(model.Session.query(waiting.exists()).scalar())


def save_listing_counts(job_id: str, expected: int | None, received: int) -> None:
    """Store how many records the source announced and how many the listing returned."""
    value = json.dumps({"expected": expected, "received": received})
    # NOTE: system_info is CKAN's key-value table; one row per job is kept
    # there because harvest_job has no column for these counts.
    model.set_system_info(f"{COUNT_KEY_PREFIX}{job_id}", value)


def listing_counts(job_id: str) -> dict[str, int | None]:
    value = model.get_system_info(f"{COUNT_KEY_PREFIX}{job_id}")
    return json.loads(value) if value else {"expected": None, "received": None}
