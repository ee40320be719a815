"""Figures of the statistics page: the anonymous service events and the call-back requests.

Pure database work on a SQLAlchemy session (the page and the tests share it). Nothing personal
is read: the events hold none (``knowledge/events.py``) and only the profile, partner, dates and
history of the requests are used.
"""
from __future__ import annotations

import datetime as _dt
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.models import RequestEvent, utcnow
from bot.console import inbox
from knowledge.db import Departement, Epci, HandoffRequest, Scheme
from knowledge.events import ServiceEvent
from knowledge.wording import label

DEFAULT_WEEKS = 12
MAX_WEEKS = 104
TOP = 10


@dataclass
class Figures:
    since: _dt.datetime
    weeks: list[tuple[str, int]]                       # (« 2026-S48 », conversations)
    funnel: list[tuple[str, int]]
    by_epci: list[tuple[str, int]] = field(default_factory=list)
    by_departement: list[tuple[str, int]] = field(default_factory=list)
    by_stade: list[tuple[str, int]] = field(default_factory=list)
    by_besoin: list[tuple[str, int]] = field(default_factory=list)
    by_partenaire: list[tuple[str, int]] = field(default_factory=list)
    top_schemes: list[dict] = field(default_factory=list)  # name, shown, useful, not useful
    first_handling_hours: Optional[dict] = None            # median, p90, count
    ratings: dict = field(default_factory=dict)            # oui, non, share
    comments: list[dict] = field(default_factory=list)     # le, texte (masked when stored)

    @property
    def top_chart(self) -> list[tuple[str, int]]:
        return [(s["nom"], s["montres"]) for s in self.top_schemes]


def weeks_param(raw: Optional[str]) -> int:
    """The period asked in the URL (``?semaines=``), kept between 1 and two years."""
    try:
        value = int(raw or DEFAULT_WEEKS)
    except ValueError:
        return DEFAULT_WEEKS
    return min(max(value, 1), MAX_WEEKS)


def _week(moment: _dt.datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-S{week:02d}"


def _top(counter: Counter, names: Optional[dict] = None, limit: int = TOP) -> list[tuple[str, int]]:
    return [((names or {}).get(k) or k, n) for k, n in counter.most_common(limit)]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def compute(session: Session, weeks: int = DEFAULT_WEEKS, now: Optional[_dt.datetime] = None) -> Figures:
    now = now or utcnow()
    first_day = (now - _dt.timedelta(weeks=weeks - 1)).date()
    since = _dt.datetime.combine(first_day - _dt.timedelta(days=first_day.weekday()), _dt.time())  # a Monday
    events = session.scalars(select(ServiceEvent).where(ServiceEvent.le >= since)).all()
    requests = session.scalars(select(HandoffRequest).where(HandoffRequest.cree_le >= since)).all()
    request_ids = [r.id for r in requests]
    history = session.scalars(select(RequestEvent).where(RequestEvent.demande_id.in_(request_ids))
                              .order_by(RequestEvent.id)).all() if request_ids else []

    # conversations per week, every week of the period shown (an empty week is a zero, not a gap)
    per_week = Counter(_week(e.le) for e in events if e.type == "conversation")
    labels = list(dict.fromkeys(_week(now - _dt.timedelta(weeks=i)) for i in range(weeks - 1, -1, -1)))
    orientations = [e for e in events if e.type == "orientation"]
    closing = {}
    for h in history:
        if h.type == "cloture":
            closing[h.demande_id] = h.motif
        elif h.type == "reouverture":
            closing.pop(h.demande_id, None)
    funnel = [("Conversations commencées", sum(1 for e in events if e.type == "conversation")),
              ("Profil complet", sum(1 for e in orientations if e.complet)),
              ("Orientation donnée", len(orientations)),
              ("Rappel demandé", len(requests)),
              ("Clôturé avec une orientation", sum(1 for r in requests if closing.get(r.id) == "oriente"))]

    epci_of = inbox.epci_of(session, (str((r.profil or {}).get("commune") or "") for r in requests))
    epci_counter = Counter(epci_of.get(str((r.profil or {}).get("commune"))) or "Inconnue" for r in requests)
    epci_names = dict(session.execute(select(Epci.code, Epci.nom).where(Epci.code.in_(list(epci_counter)))).all())
    dep_counter = Counter((r.profil or {}).get("departement") or "Inconnu" for r in requests)
    dep_names = {code: f"{nom} ({code})" for code, nom in
                 session.execute(select(Departement.code, Departement.nom).where(Departement.code.in_(list(dep_counter))))}
    stade_counter = Counter((r.profil or {}).get("stade") or "inconnu" for r in requests)
    besoin_counter = Counter(b for r in requests for b in (r.profil or {}).get("besoins") or [])
    partner_counter = Counter(r.partenaire or "Site du Département" for r in requests)

    shown = Counter(i for e in orientations for i in e.dispositifs or [])
    rated = [e for e in events if e.type == "avis" and e.utile is not None]
    useful = Counter(i for e in rated if e.utile for i in e.dispositifs or [])
    useless = Counter(i for e in rated if not e.utile for i in e.dispositifs or [])
    scheme_names = dict(session.execute(select(Scheme.id, Scheme.nom).where(Scheme.id.in_(list(shown)))).all()) \
        if shown else {}
    top_schemes = [{"id": i, "nom": scheme_names.get(i, i), "montres": n, "utile": useful[i], "pas_utile": useless[i]}
                   for i, n in shown.most_common(TOP)]

    first_claim = {}
    for h in history:
        if h.type == "prise" and h.demande_id not in first_claim:
            first_claim[h.demande_id] = h.le
    waits = [(first_claim[r.id] - r.cree_le.replace(tzinfo=None)).total_seconds() / 3600
             for r in requests if r.id in first_claim]
    handling = {"mediane": statistics.median(waits), "p90": _percentile(waits, 0.9), "nombre": len(waits)} \
        if waits else None
    yes, no = sum(1 for e in rated if e.utile), sum(1 for e in rated if not e.utile)
    ratings = {"oui": yes, "non": no, "part": round(100 * yes / (yes + no)) if yes + no else None}
    comments = [{"le": e.le, "texte": e.commentaire} for e in sorted(rated, key=lambda e: e.le, reverse=True)
                if e.commentaire][:TOP]
    return Figures(
        since=since, weeks=[(w, per_week.get(w, 0)) for w in labels], funnel=funnel,
        by_epci=_top(epci_counter, epci_names), by_departement=_top(dep_counter, dep_names),
        by_stade=[(_capital(label("stade", k, "court")) if k != "inconnu" else "Non précisé", n)
                  for k, n in stade_counter.most_common()],
        by_besoin=[(_capital(label("besoins", k)), n) for k, n in besoin_counter.most_common()],
        by_partenaire=_top(partner_counter), top_schemes=top_schemes, first_handling_hours=handling,
        ratings=ratings, comments=comments)
