"""E-mails about access requests: to the agency's admins on a new request, to the requester on a decision.

Mail is best effort: a failed send is logged and the request or decision is
kept, because the requester also finds every status on their requests page.
"""

from __future__ import annotations

import logging

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import mailer

from ckanext.quyhoach.access.model import REQUEST_APPROVED, AccessRequest

log = logging.getLogger(__name__)


def _send(user: model.User, subject: str, body: str, request_id: str) -> None:
    if not tk.config.get("smtp.mail_from"):
        log.warning("smtp.mail_from is not set; access request %s notice to user %s not sent", request_id, user.id)
        return
    if not user.email:
        log.warning("No e-mail address for user %s; request %s notice not sent", user.id, request_id)
        return
    try:
        mailer.mail_user(user, subject, body)
    except (mailer.MailerException, OSError) as error:
        log.warning("Could not e-mail user %s about access request %s: %s", user.id, request_id, error)


def _requests_url() -> str:
    return tk.url_for("quyhoach_access.requests", _external=True)


def request_created(row: AccessRequest) -> None:
    pkg = model.Package.get(row.package_id)
    resource = model.Resource.get(row.resource_id)
    requester = model.User.get(row.user_id)
    if pkg is None or resource is None or requester is None or not pkg.owner_org:
        return
    subject = f"Yêu cầu truy cập mới / New access request: {resource.name or resource.id}"
    body = (
        f"{requester.name} yêu cầu truy cập tệp \"{resource.name}\" của hồ sơ \"{pkg.title}\".\n"
        f"Lý do / Reason: {row.reason}\n\n"
        f"Xem xét tại / Decide at: {_requests_url()}?scope=to_decide\n"
    )
    for member in model.Session.query(model.Member).filter_by(
        group_id=pkg.owner_org, table_name="user", capacity="admin", state="active"
    ):
        admin = model.User.get(member.table_id)
        if admin is not None and admin.state == "active":
            _send(admin, subject, body, row.id)


def request_decided(row: AccessRequest) -> None:
    requester = model.User.get(row.user_id)
    resource = model.Resource.get(row.resource_id)
    if requester is None:
        return
    name = resource.name if resource else row.resource_id
    if row.state == REQUEST_APPROVED:
        subject = f"Yêu cầu được chấp thuận / Access granted: {name}"
        detail = f"Được tải đến / You may download it until {row.expires_at:%Y-%m-%d %H:%M} UTC."
    else:
        subject = f"Yêu cầu bị từ chối / Access refused: {name}"
        detail = f"Lý do / Reason: {row.decision_reason}"
    body = f"{detail}\n\nCác yêu cầu của bạn / Your requests: {_requests_url()}\n"
    _send(requester, subject, body, row.id)


__all__ = ["request_created", "request_decided"]
