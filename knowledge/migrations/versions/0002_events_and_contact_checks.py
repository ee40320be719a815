"""Anonymous service events (statistics, ratings) and the Department's contact checks.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _exists(name: str) -> bool:
    return sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    if not _exists("service_event"):
        op.create_table(
            "service_event",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("le", sa.DateTime, nullable=False, index=True),
            sa.Column("type", sa.String(16), nullable=False, index=True),
            sa.Column("partenaire", sa.String(64)),
            sa.Column("profil", sa.JSON, nullable=False),
            sa.Column("complet", sa.Boolean),
            sa.Column("dispositifs", sa.JSON, nullable=False),
            sa.Column("utile", sa.Boolean),
            sa.Column("commentaire", sa.Text))
    if not _exists("contact_check"):
        op.create_table(
            "contact_check",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("le", sa.DateTime, nullable=False),
            sa.Column("verifie_le", sa.Date, nullable=False),
            sa.Column("agent", sa.String(255), nullable=False),
            sa.Column("scheme_id", sa.String(128), nullable=False, index=True),
            sa.Column("resultat", sa.String(16), nullable=False),
            *(sa.Column(name, sa.String(255 if name != "telephone" else 64)) for name in
              ("nom", "personne", "telephone", "email", "site", "adresse")),
            sa.Column("note", sa.Text))


def downgrade() -> None:
    op.drop_table("contact_check")
    op.drop_table("service_event")
