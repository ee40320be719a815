"""Schema changes go through Alembic: a database made by the previous release is upgraded without
losing a request; a new one gets everything; the same on PostgreSQL when ``TEST_POSTGRES_URL`` is set."""
from __future__ import annotations

import datetime as _dt
import os
import uuid

import pytest
from sqlalchemy import create_engine, inspect, select, text

from bot.console import models as console
from knowledge import db, migrate
from knowledge.events import ServiceEvent

BASELINE = [db.Meta, db.Region, db.Departement, db.Epci, db.Commune, db.Scheme, db.HandoffRequest,
            console.StaffUser, console.StaffSession, console.LoginAttempt, console.AccessEntry, console.RequestEvent]
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")


def _previous_release(engine) -> int:
    """What the release of 2 December made: ``create_all`` of its tables, no Alembic, one request."""
    db.Base.metadata.create_all(engine, tables=[t.__table__ for t in BASELINE])
    with db.make_session_factory(engine)() as s, s.begin():
        row = db.HandoffRequest(conversation_id="avant", nom="Camille", email="c@exemple.fr", consentement=True,
                                profil={"statut": "association"}, recommandations=[{"id": "dla", "nom": "DLA"}],
                                cree_le=_dt.datetime(2026, 11, 20, 9, 0))
        s.add(row)
        s.flush()
        s.add(console.RequestEvent(demande_id=row.id, email="agent@x.fr", type="commentaire", texte="rappelée"))
        return row.id


def _check_upgraded(engine, number: int) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"service_event", "contact_check", "contact_draft", "alembic_version"} <= tables
    assert migrate.current(engine) == "0003"
    with db.make_session_factory(engine)() as s:
        row = s.get(db.HandoffRequest, number)
        assert (row.nom, row.email, row.profil, row.recommandations[0]["id"]) == ("Camille", "c@exemple.fr",
                                                                                 {"statut": "association"}, "dla")
        assert s.scalars(select(console.RequestEvent)).one().texte == "rappelée"
        s.add(ServiceEvent(type="conversation", profil={}, dispositifs=[]))
        s.commit()


def test_a_database_of_the_previous_release_is_upgraded_without_losing_a_request(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    number = _previous_release(engine)
    assert "service_event" not in inspect(engine).get_table_names() and migrate.current(engine) is None
    db.create_schema(engine)
    _check_upgraded(engine, number)
    db.create_schema(engine)  # again: nothing changes
    assert migrate.current(engine) == "0003"


def test_a_new_database_gets_every_table(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    console.create_console_schema(engine)
    assert set(db.Base.metadata.tables) <= set(inspect(engine).get_table_names())
    assert migrate.current(engine) == "0003"


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_POSTGRES_URL not set (see scripts/postgres_test_server.sh)")
def test_the_same_upgrade_on_postgresql():
    schema = f"mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, future=True)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = create_engine(POSTGRES_URL, future=True, connect_args={"options": f"-csearch_path={schema}"})
    try:
        number = _previous_release(engine)
        db.create_schema(engine)
        _check_upgraded(engine, number)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
