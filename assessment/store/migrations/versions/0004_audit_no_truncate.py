"""The audit log refuses TRUNCATE too on PostgreSQL: 0001's row triggers stop UPDATE and DELETE, but TRUNCATE fires
no row trigger, only a statement one. (SQLite has no TRUNCATE; its `DELETE FROM audit` fires the row trigger.)

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_no_truncate ON audit")
