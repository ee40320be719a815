"""The requests as reception staff see them: tabs, filters, duplicates, history and triage.

Pure database work on a SQLAlchemy session, so the pages, the JSON API and the tests share it.
Statuses are those of CONTRACT.md: ``nouvelle`` → ``en_cours`` (claimed) → ``cloturee`` (with a
reason); every change is a ``RequestEvent``.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.console.models import RequestEvent, utcnow
from knowledge.db import Commune, HandoffRequest

STATUSES = ("nouvelle", "en_cours", "cloturee")
TABS = {"a_traiter": ("nouvelle", "À traiter"), "en_cours": ("en_cours", "En cours"),
        "cloturees": ("cloturee", "Clôturées")}
CLOSING_REASONS = {
    "oriente": "Orienté vers une structure",
    "sans_solution": "Pas de solution",
    "injoignable": "Injoignable après deux tentatives",
    "hors_territoire": "Hors de notre territoire",
    "doublon": "Doublon",
    "spam": "Indésirable (spam)",
}
FILTERS = ("commune", "epci", "departement", "stade", "besoin", "partenaire", "du", "au")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


ERRORS = {
    "cloturee": "Cette demande est clôturée : rouvrez-la d'abord.",
    "deja_prise": "Cette demande est déjà prise en charge par une autre personne.",
    "pas_en_cours": "Cette demande n'est pas en cours.",
    "pas_a_vous": "Seule la personne qui a pris la demande (ou un administrateur) peut la libérer.",
    "commentaire_vide": "Le commentaire est vide.",
    "motif": "Choisissez un motif de clôture.",
    "structure": "Indiquez vers quelle structure la personne a été orientée.",
    "deja_cloturee": "Cette demande est déjà clôturée.",
    "pas_cloturee": "Cette demande n'est pas clôturée.",
    "action": "Action inconnue.",
}


class TriageError(ValueError):
    """The action is not possible in this state; ``code`` names one of ``ERRORS`` (the French text)."""

    def __init__(self, code: str):
        super().__init__(ERRORS[code])
        self.code = code


@dataclass
class Filters:
    values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "Filters":
        values = {}
        for name in FILTERS:
            value = (query.get(name) or "").strip()[:64]
            if not value or (name in ("du", "au") and not _DATE.match(value)):
                continue
            values[name] = value
        return cls(values)

    def keeps(self, row: HandoffRequest, epci: Optional[str]) -> bool:
        profil = row.profil or {}
        v = self.values
        if "commune" in v and profil.get("commune") != v["commune"]:
            return False
        if "departement" in v and profil.get("departement") != v["departement"]:
            return False
        if "epci" in v and epci != v["epci"]:
            return False
        if "stade" in v and profil.get("stade") != v["stade"]:
            return False
        if "besoin" in v and v["besoin"] not in (profil.get("besoins") or []):
            return False
        if "partenaire" in v and (row.partenaire or "") != v["partenaire"]:
            return False
        day = _naive(row.cree_le).date().isoformat()
        if "du" in v and day < v["du"]:
            return False
        if "au" in v and day > v["au"]:
            return False
        return True


def _naive(when: _dt.datetime) -> _dt.datetime:
    return when.astimezone(_dt.timezone.utc).replace(tzinfo=None) if when.tzinfo else when


def epci_of(session: Session, codes: Iterable[str]) -> dict[str, Optional[str]]:
    codes = sorted({c for c in codes if c})
    if not codes:
        return {}
    rows = session.execute(select(Commune.code, Commune.epci).where(Commune.code.in_(codes),
                                                                    Commune.parent.is_(None)))
    return {code: epci for code, epci in rows}


def _contact_key(row: HandoffRequest) -> Optional[str]:
    if row.email:
        return "e:" + row.email.strip().lower()
    if row.telephone:
        return "t:" + re.sub(r"\D", "", row.telephone)
    return None


def duplicates(session: Session, rows: list[HandoffRequest]) -> dict[int, list[int]]:
    """For each request, the other requests left by the same person (same e-mail or phone)."""
    keys = {r.id: _contact_key(r) for r in rows}
    wanted_emails = {k[2:] for k in keys.values() if k and k.startswith("e:")}
    others = session.scalars(select(HandoffRequest).where(
        (func.lower(HandoffRequest.email).in_(wanted_emails)) | HandoffRequest.telephone.isnot(None))).all()
    by_key: dict[str, list[int]] = {}
    for other in others:
        key = _contact_key(other)
        if key:
            by_key.setdefault(key, []).append(other.id)
    return {rid: sorted(i for i in by_key.get(key, []) if i != rid) for rid, key in keys.items() if key}


def counts(session: Session) -> dict[str, int]:
    found = dict(session.execute(select(HandoffRequest.statut, func.count()).group_by(HandoffRequest.statut)).all())
    return {tab: found.get(status, 0) for tab, (status, _label) in TABS.items()}


def list_requests(session: Session, status: Optional[str] = None, filters: Optional[Filters] = None,
                  oldest_first: bool = False) -> list[HandoffRequest]:
    query = select(HandoffRequest)
    if status:
        query = query.where(HandoffRequest.statut == status)
    order = ((HandoffRequest.cree_le.asc(), HandoffRequest.id.asc()) if oldest_first
             else (HandoffRequest.cree_le.desc(), HandoffRequest.id.desc()))
    rows = list(session.scalars(query.order_by(*order)))
    filters = filters or Filters()
    epcis = epci_of(session, ((r.profil or {}).get("commune") for r in rows)) if "epci" in filters.values else {}
    return [r for r in rows if filters.keeps(r, epcis.get((r.profil or {}).get("commune")))]


def history(session: Session, request_id: int) -> list[RequestEvent]:
    return list(session.scalars(select(RequestEvent).where(RequestEvent.demande_id == request_id)
                                .order_by(RequestEvent.le, RequestEvent.id)))


def closing_reason(session: Session, request_id: int) -> Optional[str]:
    last = session.scalars(select(RequestEvent).where(RequestEvent.demande_id == request_id,
                                                      RequestEvent.type == "cloture")
                           .order_by(RequestEvent.id.desc())).first()
    return last.motif if last else None


def waiting(row: HandoffRequest, now: Optional[_dt.datetime] = None) -> str:
    """How long the request has waited, in French (« 2 j 3 h », « 45 min »)."""
    delta = (now or utcnow()) - _naive(row.cree_le)
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} j {hours} h"
    if hours:
        return f"{hours} h {minutes:02d}"
    return f"{minutes} min"


def _event(session: Session, row: HandoffRequest, email: str, kind: str, motif: Optional[str] = None,
           texte: Optional[str] = None) -> None:
    row.mis_a_jour_le = utcnow()
    session.add(RequestEvent(demande_id=row.id, email=email, type=kind, motif=motif, texte=texte))


def claim(session: Session, row: HandoffRequest, email: str) -> None:
    if row.statut == "cloturee":
        raise TriageError("cloturee")
    if row.statut == "en_cours" and row.traite_par == email:
        return
    # One statement that only succeeds on a request nobody holds: two agents cannot both claim it.
    done = session.execute(update(HandoffRequest).where(HandoffRequest.id == row.id,
                                                        HandoffRequest.statut == "nouvelle")
                           .values(statut="en_cours", traite_par=email, mis_a_jour_le=utcnow())
                           .execution_options(synchronize_session=False))
    session.refresh(row)
    if done.rowcount != 1:
        raise TriageError("deja_prise")
    _event(session, row, email, "prise")


def release(session: Session, row: HandoffRequest, email: str, admin: bool = False) -> None:
    if row.statut != "en_cours":
        raise TriageError("pas_en_cours")
    if row.traite_par not in (None, email) and not admin:
        raise TriageError("pas_a_vous")
    row.statut, row.traite_par = "nouvelle", None
    _event(session, row, email, "liberation")


def comment(session: Session, row: HandoffRequest, email: str, text: str) -> None:
    text = (text or "").strip()[:2000]
    if not text:
        raise TriageError("commentaire_vide")
    _event(session, row, email, "commentaire", texte=text)


def close(session: Session, row: HandoffRequest, email: str, reason: str, text: str = "") -> None:
    if reason not in CLOSING_REASONS:
        raise TriageError("motif")
    text = (text or "").strip()[:2000]
    if reason == "oriente" and not text:
        raise TriageError("structure")
    if row.statut == "cloturee":
        raise TriageError("deja_cloturee")
    row.statut = "cloturee"
    row.traite_par = row.traite_par or email
    _event(session, row, email, "cloture", motif=reason, texte=text or None)


def reopen(session: Session, row: HandoffRequest, email: str) -> None:
    if row.statut != "cloturee":
        raise TriageError("pas_cloturee")
    row.statut, row.traite_par = "nouvelle", None
    _event(session, row, email, "reouverture")


def as_json(row: HandoffRequest) -> dict[str, Any]:
    """The request as CONTRACT.md gives it to ``GET /accueil/api/demandes``."""
    created = _naive(row.cree_le).replace(tzinfo=_dt.timezone.utc)
    recommendations = [r["id"] if isinstance(r, dict) else r for r in row.recommandations or []]
    return {"id": row.id, "cree_le": created.isoformat(), "statut": row.statut,
            "conversation_id": row.conversation_id, "profil": row.profil or {},
            "recommandations": recommendations, "partenaire": row.partenaire, "motif": row.motif,
            "traite_par": row.traite_par}
