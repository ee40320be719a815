"""Anonymous events of the service, for the statistics page of the staff console.

Three kinds: a conversation started, a first orientation given, a user's rating of it. Nothing
personal: no conversation id, no commune (a small village plus a profile can point at a
person), no text but a rating comment with e-mails and phone numbers masked. The profile kept
is the one the statistics need (status, stage, needs, employer, EPCI, department, region).

Recording never breaks the conversation: a database error is logged and forgotten.
"""
from __future__ import annotations

import datetime as _dt
import logging
import re
from typing import Any, Iterable, Optional

from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, String, Text

from knowledge.db import Base

log = logging.getLogger(__name__)

KINDS = ("conversation", "orientation", "avis")
MASK = "[masqué]"
_EMAIL = re.compile(r"[^\s@<>()]+@[^\s@<>()]+\.\w{2,}")
# any run of at least 9 digits with the separators people type (« +33 (0)6 12 34 56 78 », « 06/12/34/56/78 »)
_PHONE = re.compile(r"(?<![\w])\+?\d(?:[ .\-/()]{0,3}\d){8,}")
COMMENT_LIMIT = 500


def utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


class ServiceEvent(Base):
    """One anonymous event (see the module's docstring for what it may hold)."""

    __tablename__ = "service_event"
    id = Column(Integer, primary_key=True, autoincrement=True)
    le = Column(DateTime, nullable=False, default=utcnow, index=True)
    type = Column(String(16), nullable=False, index=True)
    partenaire = Column(String(64), nullable=True)
    profil = Column(JSON, nullable=False, default=dict)
    complet = Column(Boolean, nullable=True)       # orientation: the four profile answers were known
    dispositifs = Column(JSON, nullable=False, default=list)
    utile = Column(Boolean, nullable=True)         # avis: « Oui » / « Non »
    commentaire = Column(Text, nullable=True)      # avis: the optional comment, masked


def mask_text(text: str) -> str:
    """E-mails and phone numbers masked (the comments here, the transcripts in the console)."""
    return _PHONE.sub(MASK, _EMAIL.sub(MASK, text or ""))


def anonymous_profile(profile: dict[str, Any], place: Any = None) -> dict[str, Any]:
    """The statistics' part of a contract profile: no commune, the EPCI and region instead."""
    out = {k: profile[k] for k in ("statut", "stade", "employeur", "departement") if profile.get(k) is not None}
    out["besoins"] = [b for b in profile.get("besoins") or [] if isinstance(b, str)]
    for key in ("epci", "region"):
        value = getattr(place, key, None) if place is not None else None
        if value:
            out[key] = value
    return out


def is_complete(profile: dict[str, Any]) -> bool:
    return all(profile.get(k) for k in ("statut", "stade", "besoins")) and bool(
        profile.get("commune") or profile.get("departement"))


def record(session_factory, kind: str, *, partenaire: Optional[str] = None, profil: Optional[dict] = None,
           complet: Optional[bool] = None, dispositifs: Iterable[str] = (), utile: Optional[bool] = None,
           commentaire: Optional[str] = None) -> Optional[int]:
    """Store one event; return its id, or None when the database refused it (logged, never raised)."""
    if kind not in KINDS:
        raise ValueError(kind)
    comment = mask_text(commentaire.strip())[:COMMENT_LIMIT] if commentaire and commentaire.strip() else None
    row = ServiceEvent(type=kind, partenaire=str(partenaire)[:64] if partenaire else None, profil=profil or {},
                       complet=complet, dispositifs=list(dispositifs), utile=utile, commentaire=comment)
    try:
        with session_factory() as session, session.begin():
            session.add(row)
            session.flush()
            return row.id
    except Exception:  # noqa: BLE001 - statistics must never break a conversation
        log.warning("service event %s not recorded", kind, exc_info=True)
        return None


def add_comment(session_factory, event_id: int, commentaire: str) -> bool:
    """Attach the optional comment to a rating (masked, at most ``COMMENT_LIMIT`` characters)."""
    text = mask_text((commentaire or "").strip())[:COMMENT_LIMIT]
    if not text:
        return False
    try:
        with session_factory() as session, session.begin():
            row = session.get(ServiceEvent, event_id)
            if row is None or row.type != "avis":
                return False
            row.commentaire = text
            return True
    except Exception:  # noqa: BLE001
        log.warning("rating comment not recorded", exc_info=True)
        return False
