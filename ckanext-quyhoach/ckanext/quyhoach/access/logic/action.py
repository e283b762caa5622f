"""Actions of the access plugin: clearances, access requests and the audit log."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.quyhoach.access import audit, levels, notify, rules
from ckanext.quyhoach.access.model import (
    REQUEST_APPROVED,
    REQUEST_PENDING,
    REQUEST_REFUSED,
    AccessRequest,
    Clearance,
)

log = logging.getLogger(__name__)

MAX_AUDIT_ROWS = 10000


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _user_or_raise(name_or_id: Any) -> model.User:
    user = model.User.get(name_or_id) if isinstance(name_or_id, str) and name_or_id else None
    if user is None:
        raise tk.ObjectNotFound(f"User not found: {name_or_id}")
    return user


def _acting_user_name(context: Context) -> str:
    user = rules.context_user(context)
    return user.name if user else ""


def _clearance_dict(row: Clearance) -> dict[str, Any]:
    user = model.User.get(row.user_id)
    return {
        "user": user.name if user else row.user_id,
        "level": row.level,
        "granted_by": row.granted_by,
        "granted_at": row.granted_at.isoformat(),
        "note": row.note,
    }


# Clearances ---------------------------------------------------------------------


def quyhoach_clearance_set(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Set the clearance of a user; only sysadmins may.

    :param user: name or id of the user
    :param level: one of restricted, mat, toi_mat, tuyet_mat
    :param note: optional reason or reference of the decision
    :returns: the clearance with granted_by and granted_at
    """
    tk.check_access("quyhoach_clearance_set", context, data_dict)
    level = data_dict.get("level")
    if level not in levels.CLEARANCE_LEVELS:
        raise tk.ValidationError(
            {"level": [f"Invalid clearance level {level!r}: use one of {', '.join(levels.CLEARANCE_LEVELS)}."]}
        )
    user = _user_or_raise(data_dict.get("user"))
    row = model.Session.get(Clearance, user.id) or Clearance(user_id=user.id)
    row.level = level
    row.granted_by = _acting_user_name(context)
    row.granted_at = _utcnow()
    row.note = str(data_dict.get("note") or "")
    model.Session.add(row)
    model.Session.commit()
    audit.record(row.granted_by, "user", user.id, "clearance_set", audit.ALLOWED, detail=level)
    log.info("Clearance of user %s set to %s by %s", user.id, level, row.granted_by)
    return _clearance_dict(row)


def quyhoach_clearance_revoke(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Remove the clearance of a user, who then sees public material and their agency's restricted material.

    :param user: name or id of the user
    """
    tk.check_access("quyhoach_clearance_revoke", context, data_dict)
    user = _user_or_raise(data_dict.get("user"))
    row = model.Session.get(Clearance, user.id)
    if row is None:
        raise tk.ObjectNotFound(f"Clearance not found for user {user.name}")
    model.Session.delete(row)
    model.Session.commit()
    audit.record(_acting_user_name(context), "user", user.id, "clearance_revoke", audit.ALLOWED)
    return {"user": user.name, "level": levels.PUBLIC}


@tk.side_effect_free
def quyhoach_clearance_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Return the clearance of a user (level public when none is held).

    :param user: name or id of the user
    """
    tk.check_access("quyhoach_clearance_show", context, data_dict)
    user = _user_or_raise(data_dict.get("user"))
    row = model.Session.get(Clearance, user.id)
    if row is None:
        return {"user": user.name, "level": levels.PUBLIC, "granted_by": None, "granted_at": None, "note": ""}
    return _clearance_dict(row)


@tk.side_effect_free
def quyhoach_clearance_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Return every clearance, highest level first."""
    tk.check_access("quyhoach_clearance_list", context, data_dict)
    rows = model.Session.query(Clearance).all()
    rows.sort(key=lambda row: (-levels.rank(row.level), row.granted_at))
    return [_clearance_dict(row) for row in rows]


# Access requests ----------------------------------------------------------------


def request_dict(row: AccessRequest) -> dict[str, Any]:
    user = model.User.get(row.user_id)
    resource = model.Resource.get(row.resource_id)
    pkg = model.Package.get(row.package_id)
    return {
        "id": row.id,
        "user": user.name if user else row.user_id,
        "package_id": row.package_id,
        "package_name": pkg.name if pkg else None,
        "package_title": pkg.title if pkg else None,
        "resource_id": row.resource_id,
        "resource_name": resource.name if resource else None,
        "reason": row.reason,
        "status": row.status(),
        "created_at": row.created_at.isoformat(),
        "decided_by": row.decided_by,
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "decision_reason": row.decision_reason,
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
    }


def quyhoach_access_request_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Ask the owning agency for access to one restricted resource.

    :param resource_id: id of a resource at level restricted whose file you cannot download
    :param reason: why you need it (at least 10 characters)
    :returns: the pending request
    """
    tk.check_access("quyhoach_access_request_create", context, data_dict)
    user = rules.context_user(context)
    if user is None:
        raise tk.NotAuthorized(tk._("Sign in to request access."))
    resource = _visible_resource_or_raise(context, data_dict.get("resource_id"))
    pkg = model.Package.get(resource.package_id)
    seen = rules.resource_visibility(user, rules.resource_level(resource), resource.id, pkg)
    if seen is rules.Visibility.HIDDEN:
        raise tk.ObjectNotFound(f"Resource not found: {resource.id}")
    if seen is rules.Visibility.FULL:
        raise tk.ValidationError({"resource_id": ["You can already download this file; no request is needed."]})
    reason = str(data_dict.get("reason") or "").strip()
    if len(reason) < 10:
        raise tk.ValidationError({"reason": ["Missing reason: say in at least 10 characters why you need the file."]})
    if _pending_exists(user.id, resource.id):
        raise tk.ValidationError({"resource_id": ["You already have a pending request for this file; wait for the decision."]})
    row = AccessRequest(user_id=user.id, package_id=pkg.id, resource_id=resource.id, reason=reason)
    model.Session.add(row)
    model.Session.commit()
    audit.record(user.name, "resource", resource.id, "request", REQUEST_PENDING)
    notify.request_created(row)
    return request_dict(row)


def _visible_resource_or_raise(context: Context, resource_id: Any) -> model.Resource:
    resource = model.Resource.get(resource_id) if isinstance(resource_id, str) and resource_id else None
    if resource is None or resource.state != "active":
        raise tk.ObjectNotFound(f"Resource not found: {resource_id}")
    tk.check_access("resource_show", context, {"id": resource.id})
    return resource


def _pending_exists(user_id: str, resource_id: str) -> bool:
    query = model.Session.query(AccessRequest).filter_by(
        user_id=user_id, resource_id=resource_id, state=REQUEST_PENDING
    )
    return model.Session.query(query.exists()).scalar()


def _request_or_raise(request_id: Any) -> AccessRequest:
    row = model.Session.get(AccessRequest, request_id) if isinstance(request_id, str) else None
    if row is None:
        raise tk.ObjectNotFound(f"Access request not found: {request_id}")
    return row


def _pending_or_raise(row: AccessRequest) -> None:
    if row.state != REQUEST_PENDING:
        raise tk.ValidationError({"id": [f"Access request {row.id} is already {row.status()}; only pending requests can be decided."]})


def quyhoach_access_request_approve(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Approve a pending request for a stated number of days; the grant then expires by itself.

    :param id: id of the request
    :param days: how long the grant lasts, 1 to quyhoach.access.grant_max_days
    :param reason: optional note to the requester
    """
    row = _request_or_raise(data_dict.get("id"))
    tk.check_access("quyhoach_access_request_approve", context, data_dict)
    _pending_or_raise(row)
    days = _days_or_raise(data_dict.get("days"))
    now = _utcnow()
    row.state = REQUEST_APPROVED
    row.decided_by = _acting_user_name(context)
    row.decided_at = now
    row.expires_at = now + dt.timedelta(days=days)
    row.decision_reason = str(data_dict.get("reason") or "")
    model.Session.commit()
    audit.record(row.decided_by, "resource", row.resource_id, "approve", REQUEST_APPROVED, detail=f"{days} days")
    notify.request_decided(row)
    return request_dict(row)


def _days_or_raise(value: Any) -> int:
    maximum = tk.config.get("quyhoach.access.grant_max_days")
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= maximum:
        raise tk.ValidationError({"days": [f"Invalid number of days {value!r}: give a whole number from 1 to {maximum}."]})
    return days


def quyhoach_access_request_refuse(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Refuse a pending request with a reason that the requester receives.

    :param id: id of the request
    :param reason: why the request is refused
    """
    row = _request_or_raise(data_dict.get("id"))
    tk.check_access("quyhoach_access_request_refuse", context, data_dict)
    _pending_or_raise(row)
    reason = str(data_dict.get("reason") or "").strip()
    if not reason:
        raise tk.ValidationError({"reason": ["Missing reason: tell the requester why the request is refused."]})
    row.state = REQUEST_REFUSED
    row.decided_by = _acting_user_name(context)
    row.decided_at = _utcnow()
    row.decision_reason = reason
    model.Session.commit()
    audit.record(row.decided_by, "resource", row.resource_id, "refuse", REQUEST_REFUSED)
    notify.request_decided(row)
    return request_dict(row)


@tk.side_effect_free
def quyhoach_access_request_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Return one access request to its requester or to an admin of the owning agency.

    :param id: id of the request
    """
    row = _request_or_raise(data_dict.get("id"))
    tk.check_access("quyhoach_access_request_show", context, data_dict)
    return request_dict(row)


@tk.side_effect_free
def quyhoach_access_request_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Return access requests, newest first.

    :param scope: ``mine`` (default: requests you made) or ``to_decide``
        (requests on dossiers of agencies you administer; every request for a sysadmin)
    :param status: optional pending, approved, refused or expired
    """
    tk.check_access("quyhoach_access_request_list", context, data_dict)
    user = rules.context_user(context)
    if user is None:
        return []
    scope = data_dict.get("scope") or "mine"
    if scope not in ("mine", "to_decide"):
        raise tk.ValidationError({"scope": [f"Invalid scope {scope!r}: use mine or to_decide."]})
    rows = model.Session.query(AccessRequest)
    if scope == "mine":
        rows = rows.filter(AccessRequest.user_id == user.id)
    elif not rules.is_sysadmin(user):
        rows = rows.filter(AccessRequest.package_id.in_(_administered_package_ids(user)))
    results = [request_dict(row) for row in rows.order_by(AccessRequest.created_at.desc())]
    status = data_dict.get("status")
    return [item for item in results if not status or item["status"] == status]


def _administered_package_ids(user: model.User):
    org_ids = [
        org["id"]
        for org in tk.get_action("organization_list_for_user")(
            {"user": user.name, "ignore_auth": True}, {"id": user.id, "permission": "admin"}
        )
    ]
    return model.Session.query(model.Package.id).filter(model.Package.owner_org.in_(org_ids))


# Audit log ------------------------------------------------------------------------


def _parse_date(value: Any, field: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise tk.ValidationError({field: [f"Invalid date {value!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM."]})


@tk.side_effect_free
def quyhoach_audit_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Return audit events, newest first; sysadmins only.

    :param user_name: optional exact user name
    :param object_id: optional dataset, resource or user id
    :param action: optional view, download, request, approve, refuse, clearance_set, clearance_revoke
    :param outcome: optional allowed, denied, sysadmin_bypass, grant, pending, approved, refused
    :param since: optional ISO date or datetime (UTC), inclusive
    :param until: optional ISO date or datetime (UTC), exclusive
    :param limit: rows to return (default 100, max 10000)
    :param offset: rows to skip
    :returns: ``{"count": total matching, "results": [...]}``
    """
    tk.check_access("quyhoach_audit_list", context, data_dict)
    filters = {key: data_dict.get(key) for key in ("user_name", "object_id", "action", "outcome")}
    filters["since"] = _parse_date(data_dict.get("since"), "since")
    filters["until"] = _parse_date(data_dict.get("until"), "until")
    try:
        limit = min(int(data_dict.get("limit", 100)), MAX_AUDIT_ROWS)
        offset = max(int(data_dict.get("offset", 0)), 0)
    except (TypeError, ValueError):
        raise tk.ValidationError({"limit": ["Invalid limit or offset: give whole numbers."]})
    rows = audit.query(filters)
    return {"count": rows.count(), "results": [audit.as_dict(event) for event in rows.offset(offset).limit(limit)]}


def own_actions() -> dict[str, Any]:
    return {
        "quyhoach_clearance_set": quyhoach_clearance_set,
        "quyhoach_clearance_revoke": quyhoach_clearance_revoke,
        "quyhoach_clearance_show": quyhoach_clearance_show,
        "quyhoach_clearance_list": quyhoach_clearance_list,
        "quyhoach_access_request_create": quyhoach_access_request_create,
        "quyhoach_access_request_approve": quyhoach_access_request_approve,
        "quyhoach_access_request_refuse": quyhoach_access_request_refuse,
        "quyhoach_access_request_show": quyhoach_access_request_show,
        "quyhoach_access_request_list": quyhoach_access_request_list,
        "quyhoach_audit_list": quyhoach_audit_list,
    }


__all__ = ["own_actions", "request_dict"]
