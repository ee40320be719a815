"""Data protection of the call-back requests: CSV export, erasure on request, retention.

- The export gives the filtered requests; the name, e-mail, phone and message only to admins.
  Every cell that a spreadsheet would run as a formula (« =cmd|… », « +… », « @… ») is
  neutralised. A copy is kept under ``var/exports/`` (the record of what left the service), deleted
  after 7 days by the retention, or at once by an erasure that finds the person in it.
- Erasure finds a person by e-mail or phone everywhere they are: their requests (with their
  history) and the conversations of those requests in the Rasa tracker store (events replaced
  by nothing through Rasa's HTTP API).
- Retention anonymises the contact fields of requests closed more than N months ago (default 12)
  and deletes the exports older than 7 days.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from pathlib import Path
from typing import Iterable, Optional

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.console.models import RequestEvent, utcnow
from knowledge.db import ROOT, HandoffRequest

EXPORTS_DIR = ROOT / "var" / "exports"
EXPORT_DAYS = 7
RETENTION_MONTHS = 12
ERASED = "[effacé]"
PUBLIC_COLUMNS = ["numero", "cree_le", "statut", "partenaire", "commune", "departement", "statut_structure",
                  "employeur", "stade", "besoins", "dispositifs_montres", "motif"]
PERSONAL_COLUMNS = ["nom", "email", "telephone", "message", "consentement_texte"]
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: object) -> str:
    """A cell as text that no spreadsheet runs (OWASP « CSV injection »): a leading ' when it could."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def export_csv(rows: Iterable[HandoffRequest], personal: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(PUBLIC_COLUMNS + (PERSONAL_COLUMNS if personal else []))
    for r in rows:
        p = r.profil or {}
        cells = [r.id, r.cree_le.strftime("%Y-%m-%d %H:%M"), r.statut, r.partenaire, p.get("commune"),
                 p.get("departement"), p.get("statut"), {True: "oui", False: "non"}.get(p.get("employeur"), ""),
                 p.get("stade"), ", ".join(p.get("besoins") or []),
                 ", ".join(d.get("id", "") for d in r.recommandations or [] if isinstance(d, dict)), r.motif]
        if personal:
            cells += [r.nom, r.email, r.telephone, r.message, r.consentement_texte]
        writer.writerow([neutralise(c) for c in cells])
    return "\ufeff" + out.getvalue()  # BOM: spreadsheets then read the accents right


def save_export(content: str, who: str, folder: Path = EXPORTS_DIR) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^a-z0-9]+", "-", who.lower()).strip("-")[:40] or "agent"
    path = folder / f"demandes-{utcnow().strftime('%Y%m%d-%H%M%S')}-{safe}.csv"
    path.write_text(content, encoding="utf-8")
    return path


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text or "")
    return "0" + digits[2:] if digits.startswith("33") and len(digits) == 11 else digits


def matching_requests(session: Session, email: Optional[str] = None, phone: Optional[str] = None) -> list[HandoffRequest]:
    """The requests of one person: the same e-mail (any case) or the same phone digits (any layout)."""
    conditions = []
    if email and email.strip():
        conditions.append(func.lower(HandoffRequest.email) == email.strip().lower())
    wanted = _digits(phone or "")
    if len(wanted) >= 9:
        conditions.append(HandoffRequest.telephone.isnot(None))
    if not conditions:
        return []
    rows = session.scalars(select(HandoffRequest).where(or_(*conditions))).all()
    return [r for r in rows if (email and r.email and r.email.strip().lower() == email.strip().lower())
            or (len(wanted) >= 9 and r.telephone and _digits(r.telephone) == wanted)]


def erase(session: Session, email: Optional[str] = None, phone: Optional[str] = None) -> list[str]:
    """Delete the person's requests and their history; return their conversation ids (to erase too)."""
    return delete_requests(session, matching_requests(session, email, phone))


def delete_requests(session: Session, rows: list[HandoffRequest]) -> list[str]:
    """Delete these requests and their history; return their conversation ids (to erase too)."""
    conversations = sorted({r.conversation_id for r in rows if r.conversation_id})
    ids = [r.id for r in rows]
    if ids:
        session.execute(delete(RequestEvent).where(RequestEvent.demande_id.in_(ids)))
        session.execute(delete(HandoffRequest).where(HandoffRequest.id.in_(ids)))
    return conversations


def erase_exports(email: Optional[str], phone: Optional[str], folder: Path = EXPORTS_DIR) -> int:
    """Delete the export files that hold the person's e-mail or phone (erasure reaches them too)."""
    if not folder.exists():
        return 0
    wanted_email = (email or "").strip().lower()
    wanted_phone = _digits(phone or "")
    removed = 0
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8", errors="replace")
        hit = (wanted_email and wanted_email in text.lower()) or (
            len(wanted_phone) >= 9 and any(_digits(cell) == wanted_phone for line in text.splitlines()
                                            for cell in line.split(";")))
        if hit:
            path.unlink()
            removed += 1
    return removed


def anonymise_closed(session: Session, months: int = RETENTION_MONTHS, now: Optional[_dt.datetime] = None) -> int:
    """Contact fields of requests closed more than ``months`` ago are replaced; the profile stays."""
    cutoff = (now or utcnow()) - _dt.timedelta(days=30.44 * months)
    rows = session.scalars(select(HandoffRequest).where(
        HandoffRequest.statut == "cloturee", or_(HandoffRequest.nom.is_(None), HandoffRequest.nom != ERASED))).all()
    done = 0
    for r in rows:
        when = r.mis_a_jour_le or r.cree_le
        if when is not None and when.replace(tzinfo=None) < cutoff and (r.nom or r.email or r.telephone or r.message):
            r.nom, r.email, r.telephone, r.message, r.note_interne = ERASED, None, None, None, None
            r.conversation_id = f"efface-{r.id}"  # the transcript is no longer reachable from the request
            done += 1
    erased = [r.id for r in rows if r.nom == ERASED]
    if erased:  # internal comments and closing texts may quote the person; the reasons stay
        session.execute(delete(RequestEvent).where(RequestEvent.type == "commentaire",
                                                   RequestEvent.demande_id.in_(erased)))
        session.execute(update(RequestEvent).where(RequestEvent.demande_id.in_(erased)).values(texte=None))
    return done


def purge_exports(folder: Path = EXPORTS_DIR, days: int = EXPORT_DAYS, now: Optional[_dt.datetime] = None) -> int:
    if not folder.exists():
        return 0
    cutoff = ((now or utcnow()) - _dt.timedelta(days=days)).timestamp()
    removed = 0
    for path in folder.glob("*.csv"):
        if path.stat().st_mtime < cutoff:
            path.unlink()
            removed += 1
    return removed
