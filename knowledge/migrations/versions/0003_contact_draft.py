"""The call-back form's answers kept aside while it is filled in (``knowledge.db.ContactDraft``).

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if not sa.inspect(op.get_bind()).has_table("contact_draft"):
        op.create_table(
            "contact_draft",
            sa.Column("conversation_id", sa.String(255), primary_key=True),
            sa.Column("nom", sa.String(255)),
            sa.Column("coordonnees", sa.String(255)),
            sa.Column("message", sa.Text),
            sa.Column("mis_a_jour_le", sa.DateTime, nullable=False))


def downgrade() -> None:
    op.drop_table("contact_draft")
