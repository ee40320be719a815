"""Checks of the schemes' contacts by the Department's staff, laid over the reviewed catalogue.

The contacts of the sources date from 2012-2021. An admin records in the console that a scheme's
contact was confirmed, changed or is gone, with the date and the agent; every check is kept (the
history). The YAML catalogue stays the reviewed base: ``apply_checks`` returns a copy of it where
the latest check of each scheme decides its current contact:

- ``confirme``: the contact checked is current, « vérifié par le Département le <date> »;
- ``modifie``: the new contact is current (same mention); the catalogue's become older information;
- ``disparu``: no current contact any more (the engine then refers to a desk that has one).
"""
from __future__ import annotations

import copy
import datetime as _dt
from typing import Iterable, Optional

from sqlalchemy import Column, Date, DateTime, Integer, String, Text, func, select
from sqlalchemy.orm import Session

from knowledge.catalogue import Catalogue
from knowledge.db import Base

RESULTS = {"confirme": "Contact confirmé", "modifie": "Contact changé", "disparu": "Structure ou contact disparu"}
FIELDS = ("nom", "personne", "telephone", "email", "site", "adresse")


class ContactCheck(Base):
    __tablename__ = "contact_check"
    id = Column(Integer, primary_key=True, autoincrement=True)
    le = Column(DateTime, nullable=False, default=lambda: _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None))
    verifie_le = Column(Date, nullable=False)          # the day of the check (phone call, e-mail, site)
    agent = Column(String(255), nullable=False)
    scheme_id = Column(String(128), nullable=False, index=True)
    resultat = Column(String(16), nullable=False)
    nom = Column(String(255), nullable=True)
    personne = Column(String(255), nullable=True)
    telephone = Column(String(64), nullable=True)
    email = Column(String(255), nullable=True)
    site = Column(String(255), nullable=True)
    adresse = Column(String(255), nullable=True)
    note = Column(Text, nullable=True)


class CheckError(ValueError):
    pass


def record(session: Session, scheme: dict, agent: str, resultat: str, verifie_le: _dt.date,
           fields: dict[str, str], note: str = "") -> ContactCheck:
    """Validate and store one check (the caller journals it)."""
    if resultat not in RESULTS:
        raise CheckError("Choisissez le résultat de la vérification.")
    if verifie_le > _dt.date.today():
        raise CheckError("La date de vérification ne peut pas être dans le futur.")
    values = {k: (fields.get(k) or "").strip()[:255] or None for k in FIELDS}
    if resultat in ("confirme", "modifie") and not values["nom"]:
        raise CheckError("Indiquez le nom du contact vérifié.")
    if resultat in ("confirme", "modifie") and not any(values[k] for k in ("telephone", "email", "site", "adresse")):
        raise CheckError("Indiquez au moins un moyen de joindre ce contact (téléphone, e-mail, site ou adresse).")
    if resultat == "disparu":
        values = {k: None for k in FIELDS}
    row = ContactCheck(scheme_id=scheme["id"], agent=agent, resultat=resultat, verifie_le=verifie_le,
                       note=(note or "").strip()[:1000] or None, **values)
    session.add(row)
    session.flush()
    return row


def history(session: Session, scheme_id: str) -> list[ContactCheck]:
    return list(session.scalars(select(ContactCheck).where(ContactCheck.scheme_id == scheme_id)
                                .order_by(ContactCheck.id.desc())))


def latest(session: Session) -> dict[str, ContactCheck]:
    out: dict[str, ContactCheck] = {}
    for row in session.scalars(select(ContactCheck).order_by(ContactCheck.id)):
        out[row.scheme_id] = row
    return out


def version(session: Session) -> int:
    return session.scalar(select(func.max(ContactCheck.id))) or 0


def apply_checks(catalogue: Catalogue, checks: Iterable[ContactCheck]) -> Catalogue:
    """A copy of the catalogue with the latest check of each scheme applied (see the module)."""
    out = Catalogue()
    out.schemes, out.files = dict(catalogue.schemes), dict(catalogue.files)
    for check in checks:
        scheme = out.schemes.get(check.scheme_id)
        if scheme is None:
            continue
        scheme = copy.deepcopy(scheme)
        day = check.verifie_le.isoformat()
        # Contacts the Department found gone or changed are not shown any more (the YAML and the
        # history keep them); an unrelated older contact stays as older information.
        older = [{**c, "ancien": True} for c in scheme.get("contacts") or []]
        if check.resultat == "disparu":
            scheme["contacts"] = []
        else:
            checked = {k: getattr(check, k) for k in FIELDS if getattr(check, k)}
            checked.update(date_information=check.verifie_le.year, verifie_departement=day, ancien=False,
                           sources=[{"ref": f"verification:{check.id}", "extrait": "vérifié par le Département"}])
            same = [c for c in older if c.get("nom") == checked["nom"]]
            kept = [c for c in older if c not in same] if check.resultat == "confirme" else []
            scheme["contacts"] = [checked] + kept
        out.schemes[check.scheme_id] = scheme
    return out


def french_date(day: Optional[str]) -> str:
    """« 2026-12-02 » → « 02/12/2026 »."""
    if not day:
        return ""
    y, m, d = day.split("-")
    return f"{d}/{m}/{y}"
