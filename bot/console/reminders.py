"""Reminders: requests that wait too long (« À traiter » for more than 2 days, « En cours » with no
step for 7 days) get a badge in the inbox, and ``python -m bot.console reminders`` (run daily) e-mails
the team their numbers when SMTP is configured (no personal data, as for ``actions.notify``)."""
from __future__ import annotations

import datetime as _dt
from email.message import EmailMessage
from typing import Mapping, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions import notify
from bot.console.inbox import _naive, waiting
from bot.console.models import utcnow
from knowledge.db import HandoffRequest

NEW_HOURS = 48
STALE_DAYS = 7


def late(row: HandoffRequest, now: Optional[_dt.datetime] = None) -> Optional[str]:
    """Why the request needs a reminder, or None."""
    now = now or utcnow()
    if row.statut == "nouvelle" and now - _naive(row.cree_le) > _dt.timedelta(hours=NEW_HOURS):
        return "à traiter depuis plus de 2 jours"
    last = row.mis_a_jour_le or row.cree_le
    if row.statut == "en_cours" and last is not None and now - _naive(last) > _dt.timedelta(days=STALE_DAYS):
        return "en cours sans nouvelle étape depuis 7 jours"
    return None


def overdue(session: Session, now: Optional[_dt.datetime] = None) -> list[tuple[HandoffRequest, str]]:
    rows = session.scalars(select(HandoffRequest).where(HandoffRequest.statut.in_(("nouvelle", "en_cours")))
                           .order_by(HandoffRequest.cree_le)).all()
    return [(r, why) for r in rows if (why := late(r, now))]


def reminder_mail(items: list[tuple[HandoffRequest, str]], conf: Mapping) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = f"Rappel : {len(items)} demande{'s' if len(items) > 1 else ''} de rappel en attente"
    mail["From"], mail["To"] = conf["sender"], conf["to"]
    lines = ["Ces demandes attendent l'équipe d'accueil :", ""]
    lines += [f"- n° {r.id}, {why} (reçue il y a {waiting(r)}) : {conf['console']}/demandes/{r.id}" for r, why in items]
    lines += ["", "Les coordonnées des personnes ne sont visibles que dans la console, après connexion."]
    mail.set_content("\n".join(lines))
    return mail


def send_reminders(session: Session, env: Optional[Mapping[str, str]] = None) -> tuple[int, bool]:
    """(number of late requests, whether a mail was sent)."""
    items = overdue(session)
    conf = notify.settings(env)
    if not items or conf is None:
        return len(items), False
    return len(items), notify.send(reminder_mail(items, conf), conf)
