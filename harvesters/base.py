"""Shared steps of every harvester of the portal, on ckanext-harvest's HarvesterBase.

A protocol module subclasses `QuyhoachHarvester` and writes three steps:

``list_records(source_url, mapping)``
    Return a `Listing`: every record the source publishes now (guid, remote
    URL, modification time when the source has one, and the content when the
    listing carries it) and the count the source announced.
``fetch_contents(source_url, mapping, entries)`` (optional)
    Fill ``content`` of the entries that are new or changed, in bulk.
``parse_record(content, guid, mapping)``
    Turn one record's content into a `RemoteRecord`; raise `RecordError`.

The base does the rest, the same for every protocol: it rejects private source
addresses, skips records whose modification time is unchanged without
queueing them, withdraws dossiers whose record left the source, writes new and
changed dossiers with their provenance, skips a write when the content hash is
unchanged, names collisions apart, and reports each bad record with its guid
and remote URL.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import logic, model
from ckan.lib import search
from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.model import HarvestObject
from ckanext.quyhoach.text import slugify

from . import http, mapping, store
from .mapping import Mapping, MappingError, RemoteRecord

log = logging.getLogger(__name__)

# CKAN commits Solr after each dataset it indexes. A hard commit took about
# 0.2 s in bench/bench_harvest.py's setup (2 shared cores), about as long as
# the rest of a dossier's import. New dossiers are therefore indexed without a
# commit, and the index is committed once the job has no waiting objects left,
# or when this many seconds have passed since this process last committed.
SEARCH_COMMIT_SECONDS = 10.0


class RecordError(ValueError):
    """One remote record cannot be read; the message says what is wrong."""


@dataclass
class Listing:
    entries: list[store.Entry] = field(default_factory=list)
    expected: int | None = None


class QuyhoachHarvester(HarvesterBase):
    """Base of the portal's harvesters; subclasses set the class attributes below."""

    source_type = ""
    title = ""
    description = ""
    # Protocol-specific config keys -> check returning an error message or None.
    config_keys: dict[str, Callable[[Any], str | None]] = {}

    def info(self) -> dict[str, str]:
        return {
            "name": self.source_type,
            "title": self.title,
            "description": self.description,
            "form_config_interface": "Text",
        }

    def validate_config(self, config: str) -> str:
        mapping.parse(config, self.config_keys)
        return config

    def get_original_url(self, harvest_object_id: str) -> str | None:
        harvest_object = model.Session.get(HarvestObject, harvest_object_id)
        return store.object_extra(harvest_object, "remote_url") if harvest_object else None

    # Protocol steps -------------------------------------------------------

    def list_records(self, source_url: str, settings: Mapping) -> Listing:
        raise NotImplementedError

    def fetch_contents(self, source_url: str, settings: Mapping, entries: list[store.Entry]) -> None:
        """Fill the content of ENTRIES in bulk; by default fetch_stage reads each one."""

    def fetch_record(self, source_url: str, settings: Mapping, guid: str, remote_url: str) -> str:
        return http.fetch(remote_url).text()

    def parse_record(self, content: str, guid: str, settings: Mapping) -> RemoteRecord:
        raise NotImplementedError

    # Gather ---------------------------------------------------------------

    def gather_stage(self, harvest_job) -> list[str] | None:
        source = harvest_job.source
        log.info("Harvest job %s of source %s: gathering from %s", harvest_job.id, source.id, source.url)
        try:
            settings = self._settings(source)
            http.check_url(source.url)
            listing = self.list_records(source.url.strip(), settings)
        except (MappingError, http.FetchError, RecordError) as error:
            self._save_gather_error(f"Gather failed for {source.url}: {error}", harvest_job)
            log.error("Harvest job %s gather failed: %s", harvest_job.id, error)
            return None
        return self._plan_objects(harvest_job, source, settings, listing)

    def _plan_objects(self, harvest_job, source, settings: Mapping, listing: Listing) -> list[str] | None:
        known = store.known_records(source.id)
        entries = _unique(listing.entries)
        changed = [e for e in entries if not _unchanged(known.get(e.guid), e)]
        unchanged = [e for e in entries if _unchanged(known.get(e.guid), e)]
        try:
            self.fetch_contents(source.url.strip(), settings, [e for e in changed if e.content is None])
        except (http.FetchError, RecordError) as error:
            self._save_gather_error(f"Gather failed for {source.url}: {error}", harvest_job)
            return None
        store.save_listing_counts(harvest_job.id, listing.expected, len(entries))
        rows = [_unchanged_row(known[e.guid], e) for e in unchanged]
        rows += [_changed_row(known.get(e.guid), e) for e in changed]
        rows += self._withdraw_rows(harvest_job, known, entries, listing.expected)
        ids = store.insert_objects(harvest_job.id, source.id, rows)
        queued = ids[len(unchanged) :]
        log.info(
            "Harvest job %s: %s listed (%s announced), %s unchanged, %s to import, %s to withdraw",
            harvest_job.id, len(entries), listing.expected, len(unchanged), len(changed),
            len(rows) - len(unchanged) - len(changed),
        )
        return queued

    def _withdraw_rows(self, harvest_job, known: dict[str, store.Known], entries, expected) -> list[dict]:
        if expected is not None and expected != len(entries):
            self._save_gather_error(
                f"The source announced {expected} records but listed {len(entries)}; "
                "no dossier is withdrawn in this job because the listing looks incomplete",
                harvest_job,
            )
            return []
        listed = {entry.guid for entry in entries}
        return [
            {"guid": guid, "package_id": item.package_id, "extras": {"action": "withdraw"}}
            for guid, item in known.items()
            if guid not in listed and item.package_state == "active"
        ]

    # Fetch ----------------------------------------------------------------

    def fetch_stage(self, harvest_object) -> bool:
        if harvest_object.content is not None or store.object_extra(harvest_object, "action") == "withdraw":
            return True
        source = harvest_object.source
        remote_url = store.object_extra(harvest_object, "remote_url") or ""
        try:
            settings = self._settings(source)
            harvest_object.content = self.fetch_record(source.url.strip(), settings, harvest_object.guid, remote_url)
        except (MappingError, http.FetchError, RecordError) as error:
            self._save_object_error(
                f"Record {harvest_object.guid} ({remote_url}) could not be fetched: {error}", harvest_object, "Fetch"
            )
            return False
        harvest_object.save()
        return True

    # Import ---------------------------------------------------------------

    def import_stage(self, harvest_object) -> bool | str:
        result = self._import(harvest_object)
        # The check follows every outcome (written, unchanged, invalid, withdrawn),
        # so the job's last import commits the dossiers indexed before it even
        # when it writes nothing itself.
        _search_commits.commit_if_due(harvest_object.harvest_job_id)
        return result

    def _import(self, harvest_object) -> bool | str:
        if store.object_extra(harvest_object, "action") == "withdraw":
            return self._withdraw(harvest_object)
        source = harvest_object.source
        guid = harvest_object.guid
        remote_url = store.object_extra(harvest_object, "remote_url") or ""
        try:
            settings = self._settings(source)
            record = self.parse_record(harvest_object.content or "", guid, settings)
            record.remote_url = record.remote_url or remote_url
            dossier = mapping.apply(record, settings, settings.owner_org)
        except (MappingError, RecordError, ValueError) as error:
            self._save_object_error(f"Invalid record {guid} ({remote_url}): {error}", harvest_object, "Import")
            return False
        return self._write(harvest_object, source, record, dossier)

    def _settings(self, source) -> Mapping:
        """Parse SOURCE's mapping config, with owner_org defaulting to the source's agency."""
        settings = mapping.parse(source.config, self.config_keys)
        settings.owner_org = settings.owner_org or self._source_owner(source.id)
        return settings

    def _source_owner(self, source_id: str) -> str:
        source_dataset = model.Package.get(source_id)
        if not source_dataset or not source_dataset.owner_org:
            raise MappingError("owner_org: the harvest source has no organization; set owner_org in its config")
        return source_dataset.owner_org

    def _write(self, harvest_object, source, record: RemoteRecord, dossier: dict[str, Any]) -> bool | str:
        guid = harvest_object.guid
        digest = store.content_hash(dossier)
        known = store.known_records(source.id, guid).get(guid)
        if known and known.content_hash == digest and known.package_state == "active":
            store.set_object_extra(known.object_id, "remote_modified", store.object_extra(harvest_object, "remote_modified"))
            harvest_object.package_id = known.package_id
            model.Session.commit()
            log.debug("Record %s of source %s unchanged (same content hash)", guid, source.id)
            return "unchanged"
        package_id = known.package_id if known else store.package_id_for(source.id, guid)
        existing = model.Package.get(package_id)
        dossier.update(
            id=package_id,
            harvest_source_url=source.url,
            harvest_remote_id=record.remote_id,
            harvest_remote_url=record.remote_url,
            harvest_content_hash=digest,
            harvested_at=dt.datetime.utcnow().replace(microsecond=0).isoformat(),
        )
        dossier["name"] = existing.name if existing else self._new_name(record, source)
        return self._save(harvest_object, dossier, existing, digest)

    def _new_name(self, record: RemoteRecord, source) -> str:
        """Return the remote name as a URL name, or, when a dossier already has it,
        the name followed by the source's name (and a number if that is taken too)."""
        ideal = slugify(record.name or record.title or record.remote_id, 90) or "ho-so"
        if not model.Package.by_name(ideal):
            return ideal
        source_dataset = model.Package.get(source.id)
        source_name = (source_dataset.name if source_dataset else "nguon")[:40]
        return self._ensure_name_is_unique(f"{ideal[:99 - len(source_name)]}-{source_name}"[:97])

    def _save(self, harvest_object, dossier: dict[str, Any], existing, digest: str) -> bool:
        context = {
            "model": model,
            "session": model.Session,
            "user": self._get_user_name(),
            "ignore_auth": True,
        }
        model.Session.query(HarvestObject).filter(HarvestObject.package_id == dossier["id"]).update(
            {"current": False}, synchronize_session=False
        )
        harvest_object.package_id = dossier["id"]
        harvest_object.current = True
        store.set_object_extra(harvest_object.id, "content_hash", digest)
        harvest_object.add()
        model.Session.execute(sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
        model.Session.flush()
        try:
            if existing:
                # NOTE: package_update still commits Solr once per changed dossier,
                # because in CKAN 2.12 its defer_commit rolls the update back.
                dossier["state"] = "active"
                tk.get_action("package_update")(context, dossier)
            else:
                _create_without_search_commit(context, dossier)
        except tk.ValidationError as error:
            model.Session.rollback()
            self._save_object_error(
                f"Invalid record {harvest_object.guid} ({dossier.get('harvest_remote_url')}): {_describe(error)}",
                harvest_object,
                "Import",
            )
            return False
        model.Session.commit()
        log.debug("Dossier %s %s from record %s", dossier["id"], "updated" if existing else "created", harvest_object.guid)
        return True

    def _withdraw(self, harvest_object) -> bool:
        package_id = harvest_object.package_id
        context = {"model": model, "session": model.Session, "user": self._get_user_name(), "ignore_auth": True}
        try:
            tk.get_action("package_delete")(context, {"id": package_id})
        except tk.ObjectNotFound:
            pass
        model.Session.query(HarvestObject).filter(HarvestObject.package_id == package_id).update(
            {"current": False}, synchronize_session=False
        )
        harvest_object.current = False
        model.Session.commit()
        log.info("Dossier %s withdrawn: record %s left its source", package_id, harvest_object.guid)
        return True


def _create_without_search_commit(context: dict[str, Any], dossier: dict[str, Any]) -> None:
    """Create DOSSIER and add it to the search index without a Solr commit.

    The caller commits the database session.
    """
    # With defer_commit and return_id_only, CKAN 2.12's package_create skips
    # both the search index and the database commit, and returns the id.
    tk.get_action("package_create")(dict(context, defer_commit=True, return_id_only=True), dossier)
    index_context = {"model": model, "session": model.Session, "user": context["user"], "ignore_auth": True}
    logic.index_update_package(index_context, dossier["id"], defer_commit=True)
    _search_commits.pending = True


class _SearchCommits:
    """Pending Solr commit of the dossiers this process indexed without one."""

    def __init__(self) -> None:
        self.pending = False
        self.last_commit = time.monotonic()

    def commit_if_due(self, job_id: str) -> None:
        """Commit the search index when JOB_ID has no waiting objects left, or
        when SEARCH_COMMIT_SECONDS have passed since the last commit."""
        if not self.pending or not tk.config.get("ckan.search.solr_commit"):
            # A site with ckan.search.solr_commit = false relies on Solr's autoSoftCommit.
            return
        overdue = time.monotonic() - self.last_commit >= SEARCH_COMMIT_SECONDS
        if not overdue and store.job_has_waiting_objects(job_id):
            return
        # Every import that finds no waiting objects commits, so the last import
        # of a job commits after every dossier indexed before it. When the last
        # object fails in its fetch stage, the commit is left to harvest_jobs_run,
        # which reindexes the source with a commit when it marks the job finished.
        search.commit()
        self.pending = False
        self.last_commit = time.monotonic()


_search_commits = _SearchCommits()


def _describe(error: tk.ValidationError) -> str:
    parts = []
    for name, messages in (error.error_dict or {}).items():
        text = "; ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
        parts.append(f"{name}: {text}")
    return ", ".join(parts) or str(error)


def _unique(entries: list[store.Entry]) -> list[store.Entry]:
    seen: set[str] = set()
    unique = []
    for entry in entries:
        if entry.guid not in seen:
            seen.add(entry.guid)
            unique.append(entry)
    return unique


def _unchanged(known: store.Known | None, entry: store.Entry) -> bool:
    return bool(
        known and known.package_state == "active" and entry.modified and known.remote_modified == entry.modified
    )


def _unchanged_row(known: store.Known, entry: store.Entry) -> dict[str, Any]:
    return {
        "guid": entry.guid,
        "package_id": known.package_id,
        "state": "COMPLETE",
        "report_status": "not modified",
        "extras": {"remote_url": entry.remote_url},
    }


def _changed_row(known: store.Known | None, entry: store.Entry) -> dict[str, Any]:
    return {
        "guid": entry.guid,
        "content": entry.content,
        "extras": {"remote_url": entry.remote_url, "remote_modified": entry.modified},
    }
