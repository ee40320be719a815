"""SQLAlchemy models and engine for the knowledge base and the hand-over requests.

One database (``DATABASE_URL``; a SQLite file under ``var/`` by default) holds the
scheme catalogue, the territories and the requests people leave for a call back.
SQLAlchemy 1.4 is the version Rasa 3.6 requires.
"""
from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

from sqlalchemy import (JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Text,
                        create_engine, event)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import declarative_base, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = ROOT / "var" / "ess.db"

Base = declarative_base()


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


def create_schema(engine: Engine) -> None:
    """Every table, through the Alembic migrations (``knowledge/migrate.py``): also upgrades an old database."""
    from knowledge import migrate

    migrate.upgrade(engine)


class Meta(Base):
    """Key/value facts about what is loaded (fingerprints, counts, load date)."""

    __tablename__ = "kb_meta"
    key = Column(String(64), primary_key=True)
    value = Column(Text, nullable=False)


class Scheme(Base):
    """One validated catalogue file. ``data`` is the whole document as loaded."""

    __tablename__ = "kb_scheme"
    id = Column(String(64), primary_key=True)
    nom = Column(String(255), nullable=False)
    categorie = Column(String(32), nullable=False)
    etat = Column(String(16), nullable=False)
    fichier = Column(String(255), nullable=False)
    data = Column(JSON, nullable=False)


class Region(Base):
    __tablename__ = "geo_region"
    code = Column(String(3), primary_key=True)
    nom = Column(String(128), nullable=False)


class Departement(Base):
    __tablename__ = "geo_departement"
    code = Column(String(3), primary_key=True)
    nom = Column(String(128), nullable=False)
    region = Column(String(3), ForeignKey("geo_region.code"), nullable=False)


class Epci(Base):
    __tablename__ = "geo_epci"
    code = Column(String(9), primary_key=True)  # SIREN
    nom = Column(String(255), nullable=False)
    type = Column(String(16), nullable=False)


class Commune(Base):
    """A commune of the official data. Current communes have ``parent`` NULL;
    communes déléguées/associées and municipal arrondissements point to their
    current commune so that old or district names still resolve."""

    __tablename__ = "geo_commune"
    code = Column(String(5), primary_key=True)
    type = Column(String(32), primary_key=True)
    nom = Column(String(255), nullable=False, index=True)
    parent = Column(String(5), nullable=True)
    departement = Column(String(3), nullable=True, index=True)
    region = Column(String(3), nullable=True)
    epci = Column(String(9), nullable=True)
    codes_postaux = Column(Text, nullable=False, default="")  # space separated
    population = Column(Integer, nullable=True)


class HandoffRequest(Base):
    """A request to be called back by a person, left through the assistant.

    Personal fields are only ever set when ``consentement`` is true. Reception
    staff work from these records: ``statut`` follows the request from
    ``nouvelle`` to ``traitee``.
    """

    __tablename__ = "handoff_request"
    id = Column(Integer, primary_key=True, autoincrement=True)
    cree_le = Column(DateTime, nullable=False, default=lambda: _dt.datetime.now(_dt.timezone.utc))
    conversation_id = Column(String(255), nullable=False, index=True)
    partenaire = Column(String(64), nullable=True)
    nom = Column(String(255), nullable=True)
    email = Column(String(255), nullable=True)
    telephone = Column(String(32), nullable=True)
    message = Column(Text, nullable=True)
    consentement = Column(Boolean, nullable=False, default=False)
    consentement_texte = Column(Text, nullable=True)
    profil = Column(JSON, nullable=False, default=dict)
    recommandations = Column(JSON, nullable=False, default=list)
    motif = Column(String(64), nullable=True)  # demande | aucun_resultat | hors_territoire
    statut = Column(String(16), nullable=False, default="nouvelle", index=True)
    traite_par = Column(String(255), nullable=True)
    note_interne = Column(Text, nullable=True)
    mis_a_jour_le = Column(DateTime, nullable=True)


class ContactDraft(Base):
    """The call-back form's answers while it is being filled in, so that they never sit in the
    stored conversation (``bot/masking.py``). Deleted when the request is recorded or dropped, and
    by the retention command after a day."""

    __tablename__ = "contact_draft"
    conversation_id = Column(String(255), primary_key=True)
    nom = Column(String(255), nullable=True)
    coordonnees = Column(String(255), nullable=True)
    message = Column(Text, nullable=True)
    mis_a_jour_le = Column(DateTime, nullable=False)
