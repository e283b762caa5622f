"""Create the clearance, access request, audit event and token scope tables.

Revision ID: 3f1c2a9d7b10
Revises:
Create Date: 2026-12-04 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "3f1c2a9d7b10"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "quyhoach_clearance",
        sa.Column("user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("level", sa.UnicodeText, nullable=False),
        sa.Column("granted_by", sa.UnicodeText, nullable=False),
        sa.Column("granted_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
    )
    op.create_table(
        "quyhoach_access_request",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("resource_id", sa.UnicodeText, nullable=False),
        sa.Column("reason", sa.UnicodeText, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("decided_by", sa.UnicodeText),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("decision_reason", sa.UnicodeText),
        sa.Column("expires_at", sa.DateTime),
    )
    op.create_index(
        "idx_quyhoach_access_request_user_resource", "quyhoach_access_request", ["user_id", "resource_id"]
    )
    op.create_index("idx_quyhoach_access_request_package", "quyhoach_access_request", ["package_id"])
    op.create_table(
        "quyhoach_audit_event",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("occurred_at", sa.DateTime, nullable=False),
        sa.Column("user_name", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("object_type", sa.UnicodeText, nullable=False),
        sa.Column("object_id", sa.UnicodeText, nullable=False),
        sa.Column("action", sa.UnicodeText, nullable=False),
        sa.Column("outcome", sa.UnicodeText, nullable=False),
        sa.Column("address", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("detail", sa.UnicodeText, nullable=False, server_default=""),
    )
    op.create_index("idx_quyhoach_audit_event_occurred_at", "quyhoach_audit_event", ["occurred_at"])
    op.create_index("idx_quyhoach_audit_event_object", "quyhoach_audit_event", ["object_id"])
    op.create_table(
        "quyhoach_token_scope",
        sa.Column("token_id", sa.UnicodeText, sa.ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("scope", sa.UnicodeText, nullable=False),
    )


def downgrade():
    op.drop_table("quyhoach_token_scope")
    op.drop_table("quyhoach_audit_event")
    op.drop_table("quyhoach_access_request")
    op.drop_table("quyhoach_clearance")
