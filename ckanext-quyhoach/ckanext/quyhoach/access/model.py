"""Tables of the access plugin: clearances, access requests, audit events, token scopes.

The tables are created by the plugin's alembic migrations
(`ckan db upgrade -p quyhoach_access`), never by `create_all`.
"""

from __future__ import annotations

import datetime as dt
import uuid

import ckan.plugins.toolkit as tk
from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, UnicodeText

REQUEST_PENDING = "pending"
REQUEST_APPROVED = "approved"
REQUEST_REFUSED = "refused"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _uuid() -> str:
    return str(uuid.uuid4())


class Clearance(tk.BaseModel):
    """The secrecy level up to which a user may see material, set by a sysadmin."""

    __tablename__ = "quyhoach_clearance"

    user_id = Column(UnicodeText, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    level = Column(UnicodeText, nullable=False)
    granted_by = Column(UnicodeText, nullable=False)
    granted_at = Column(DateTime, nullable=False, default=_utcnow)
    note = Column(UnicodeText, nullable=False, default="")


class AccessRequest(tk.BaseModel):
    """A user's request to download one restricted resource, and its decision.

    An approved request is a grant until `expires_at` (UTC); after that it
    counts as expired without any job touching the row.
    """

    __tablename__ = "quyhoach_access_request"

    id = Column(UnicodeText, primary_key=True, default=_uuid)
    user_id = Column(UnicodeText, ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    package_id = Column(UnicodeText, nullable=False)
    resource_id = Column(UnicodeText, nullable=False)
    reason = Column(UnicodeText, nullable=False)
    state = Column(UnicodeText, nullable=False, default=REQUEST_PENDING)
    created_at = Column(DateTime, nullable=False, default=_utcnow)
    decided_by = Column(UnicodeText)
    decided_at = Column(DateTime)
    decision_reason = Column(UnicodeText)
    expires_at = Column(DateTime)

    __table_args__ = (
        Index("idx_quyhoach_access_request_user_resource", "user_id", "resource_id"),
        Index("idx_quyhoach_access_request_package", "package_id"),
    )

    def status(self, now: dt.datetime | None = None) -> str:
        """Return pending, approved, refused or expired."""
        if self.state == REQUEST_APPROVED and self.expires_at is not None:
            if self.expires_at <= (now or _utcnow()):
                return "expired"
        return self.state


class AuditEvent(tk.BaseModel):
    """One view, download or decision on non-public material."""

    __tablename__ = "quyhoach_audit_event"

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    occurred_at = Column(DateTime, nullable=False, default=_utcnow)
    user_name = Column(UnicodeText, nullable=False, default="")
    object_type = Column(UnicodeText, nullable=False)
    object_id = Column(UnicodeText, nullable=False)
    action = Column(UnicodeText, nullable=False)
    outcome = Column(UnicodeText, nullable=False)
    address = Column(UnicodeText, nullable=False, default="")
    detail = Column(UnicodeText, nullable=False, default="")

    __table_args__ = (
        Index("idx_quyhoach_audit_event_occurred_at", "occurred_at"),
        Index("idx_quyhoach_audit_event_object", "object_id"),
    )


class TokenScope(tk.BaseModel):
    """The scope of an API token; a token without a row has its user's full rights."""

    __tablename__ = "quyhoach_token_scope"

    token_id = Column(UnicodeText, ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True)
    scope = Column(UnicodeText, nullable=False)


__all__ = [
    "Clearance", "AccessRequest", "AuditEvent", "TokenScope", "REQUEST_PENDING",
    "REQUEST_APPROVED", "REQUEST_REFUSED",
]
