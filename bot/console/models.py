"""Tables of the staff console, next to the hand-over requests in the same database.

Tables created and upgraded by the Alembic migrations (``knowledge/migrate.py``):
accounts, server-side sessions, login attempts (rate limit), the access journal and the
history of each request (claims, comments, closing with a reason).
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.engine import Engine

from knowledge.db import Base

ROLES = ("accueil", "admin")


def utcnow() -> _dt.datetime:
    """Naive UTC: SQLite stores naive datetimes, so every console time is naive UTC."""
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


class StaffUser(Base):
    """An account, created only by invitation (``python -m bot.console add-user``).

    ``password_hash`` is empty for an account that signs in through an identity provider
    (``provider``/``subject``, e.g. ProConnect later): the console only needs a user row.
    """

    __tablename__ = "staff_user"
    id = Column(Integer, primary_key=True, autoincrement=True)
    email = Column(String(255), nullable=False, unique=True, index=True)
    role = Column(String(16), nullable=False, default="accueil")
    password_hash = Column(String(255), nullable=True)
    provider = Column(String(32), nullable=False, default="local")
    subject = Column(String(255), nullable=True)
    active = Column(Boolean, nullable=False, default=True)
    cree_le = Column(DateTime, nullable=False, default=utcnow)


class StaffSession(Base):
    """A signed-in browser. Only the SHA-256 of the cookie value is stored."""

    __tablename__ = "staff_session"
    token_hash = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("staff_user.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    cree_le = Column(DateTime, nullable=False, default=utcnow)
    vu_le = Column(DateTime, nullable=False, default=utcnow)
    expire_le = Column(DateTime, nullable=False)


class LoginAttempt(Base):
    """One sign-in attempt, kept for the rate limit (per address and per account)."""

    __tablename__ = "staff_login_attempt"
    id = Column(Integer, primary_key=True, autoincrement=True)
    le = Column(DateTime, nullable=False, default=utcnow, index=True)
    adresse = Column(String(64), nullable=False, index=True)
    email = Column(String(255), nullable=False, index=True)
    reussi = Column(Boolean, nullable=False, default=False)


class AccessEntry(Base):
    """The access journal: who saw or changed what, and when."""

    __tablename__ = "staff_access_journal"
    id = Column(Integer, primary_key=True, autoincrement=True)
    le = Column(DateTime, nullable=False, default=utcnow, index=True)
    email = Column(String(255), nullable=True)
    action = Column(String(32), nullable=False)
    cible = Column(String(255), nullable=True)
    adresse = Column(String(64), nullable=True)


class RequestEvent(Base):
    """One step in the life of a request: claimed, released, commented, closed (with a reason), reopened."""

    __tablename__ = "handoff_event"
    id = Column(Integer, primary_key=True, autoincrement=True)
    demande_id = Column(Integer, ForeignKey("handoff_request.id", ondelete="CASCADE"), nullable=False, index=True)
    le = Column(DateTime, nullable=False, default=utcnow)
    email = Column(String(255), nullable=True)
    type = Column(String(16), nullable=False)  # prise | liberation | commentaire | cloture | reouverture
    motif = Column(String(32), nullable=True)
    texte = Column(Text, nullable=True)


CONSOLE_TABLES = [StaffUser.__table__, StaffSession.__table__, LoginAttempt.__table__,
                  AccessEntry.__table__, RequestEvent.__table__]


def create_console_schema(engine: Engine) -> None:
    """The console's tables and those it reads (requests, events, places, schemes, checks): the whole
    schema, through the migrations (idempotent)."""
    from knowledge.db import create_schema

    create_schema(engine)
