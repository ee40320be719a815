"""Baseline: the tables of the release of 2 December 2026 (knowledge base, requests, staff console).

A database made by that release (with ``create_all``, no ``alembic_version``) already has them:
``checkfirst`` leaves them and their rows as they are. The tables are taken from the ORM models,
which are still those of that release; before any of these models changes, copy its table here
as it is today (``op.create_table``) and put the change in a new migration.

Revision ID: 0001
"""
from alembic import op

from knowledge import db
from bot.console import models as console

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = [db.Meta, db.Region, db.Departement, db.Epci, db.Commune, db.Scheme, db.HandoffRequest,
          console.StaffUser, console.StaffSession, console.LoginAttempt, console.AccessEntry, console.RequestEvent]


def upgrade() -> None:
    db.Base.metadata.create_all(op.get_bind(), tables=[t.__table__ for t in TABLES], checkfirst=True)


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone")
