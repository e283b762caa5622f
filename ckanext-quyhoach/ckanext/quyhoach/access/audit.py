"""The audit log of views, downloads and decisions on non-public material.

Rows are written in their own session-independent insert, so an audit row
survives when the request that triggered it fails afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from typing import Any, Iterable

import ckan.model as model
from flask import g, has_request_context, request

from ckanext.quyhoach.access.model import AuditEvent

log = logging.getLogger(__name__)

ALLOWED = "allowed"
DENIED = "denied"
# A sysadmin saw material that the clearance rules alone would withhold.
SYSADMIN_BYPASS = "sysadmin_bypass"
# The user saw a file through an approved access request.
GRANT = "grant"

CSV_COLUMNS = ("occurred_at", "user_name", "object_type", "object_id", "action", "outcome", "address", "detail")


def _address() -> str:
    # NOTE: behind a reverse proxy this is the proxy's address unless CKAN's
    # ProxyFix (ckan.wsgi_proxy_fix_*) is configured.
    if has_request_context():
        return request.remote_addr or ""
    return ""


def _seen_in_request(key: tuple[str, ...]) -> bool:
    """Return True when KEY was already recorded in this request, then remember it."""
    if not has_request_context():
        return False
    seen = g.setdefault("quyhoach_audit_seen", set())
    if key in seen:
        return True
    seen.add(key)
    return False


def record(
    user_name: str, object_type: str, object_id: str, action: str, outcome: str, detail: str = ""
) -> None:
    """Write one audit event, once per request for the same user, object, action and outcome."""
    if _seen_in_request((user_name, object_id, action, outcome)):
        return
    values = {
        "occurred_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
        "user_name": user_name or "",
        "object_type": object_type,
        "object_id": object_id,
        "action": action,
        "outcome": outcome,
        "address": _address(),
        "detail": detail,
    }
    engine = model.meta.engine
    assert engine is not None
    with engine.begin() as connection:
        connection.execute(AuditEvent.__table__.insert().values(**values))
    log.debug("audit %s %s %s %s: %s", user_name, action, object_type, object_id, outcome)


def query(filters: dict[str, Any]):
    """Return a query of audit events matching FILTERS, newest first.

    Filters: user_name, object_id, action, outcome (exact), since and until
    (datetimes, inclusive and exclusive).
    """
    rows = model.Session.query(AuditEvent)
    for key in ("user_name", "object_id", "action", "outcome"):
        if filters.get(key):
            rows = rows.filter(getattr(AuditEvent, key) == filters[key])
    if filters.get("since"):
        rows = rows.filter(AuditEvent.occurred_at >= filters["since"])
    if filters.get("until"):
        rows = rows.filter(AuditEvent.occurred_at < filters["until"])
    return rows.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def as_dict(event: AuditEvent) -> dict[str, Any]:
    data = {column: getattr(event, column) for column in CSV_COLUMNS}
    data["occurred_at"] = event.occurred_at.isoformat()
    data["id"] = event.id
    return data


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A leading = + - or @ would make a spreadsheet evaluate the cell as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(events: Iterable[dict[str, Any]]) -> str:
    """Return EVENTS as CSV text with a header row (UTF-8 with BOM so spreadsheets read Vietnamese)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for event in events:
        writer.writerow({key: _cell(event.get(key)) for key in CSV_COLUMNS})
    return buffer.getvalue()


__all__ = ["record", "query", "as_dict", "to_csv", "ALLOWED", "DENIED", "SYSADMIN_BYPASS", "GRANT"]
