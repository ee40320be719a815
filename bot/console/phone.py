"""Orientation by phone: the reception agent fills the profile, the engine answers.

The same engine as the assistant (``knowledge.engine.orient``), so the agent and the chat
give the same schemes for the same profile. The commune is typed as a person says it and
resolved by the same territory lookup as the chat (names, postal codes, typos).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from knowledge.values import BESOINS, STADES, STATUTS
from knowledge.wording import reason


@dataclass
class PhoneProfile:
    profil: dict[str, Any] = field(default_factory=dict)
    lieu: str = ""               # what the agent typed
    lieu_trouve: str = ""        # what it resolved to, in words
    problemes: list[str] = field(default_factory=list)
    candidats: list[str] = field(default_factory=list)


def read_form(form: Mapping[str, Any], territories) -> PhoneProfile:
    """The profile of the form's fields; unknown values are dropped with a French note."""
    out = PhoneProfile()
    statut = str(form.get("statut") or "")
    if statut in STATUTS:
        out.profil["statut"] = statut
    stade = str(form.get("stade") or "")
    if stade in STADES:
        out.profil["stade"] = stade
    employeur = str(form.get("employeur") or "")
    if employeur in ("oui", "non"):
        out.profil["employeur"] = employeur == "oui"
    needs = form.getall("besoins", []) if hasattr(form, "getall") else form.get("besoins") or []
    needs = [needs] if isinstance(needs, str) else list(needs)
    if any(b in needs for b in BESOINS):
        out.profil["besoins"] = [b for b in BESOINS if b in needs]
    out.lieu = str(form.get("lieu") or "").strip()[:120]
    if out.lieu:
        found = territories.lookup(out.lieu)
        if found.status == "found" and found.commune is not None:
            out.profil["commune"] = found.commune.code
            out.profil["departement"] = found.commune.departement
            out.lieu_trouve = f"{found.commune.nom} ({found.commune.departement})"
        elif found.departement is not None:
            out.profil["departement"] = found.departement.code
            out.lieu_trouve = f"département {found.departement.nom} ({found.departement.code})"
            if found.status == "ambiguous":
                out.candidats = [f"{c.nom} ({c.departement})" for c in (found.candidates or [])[:8]]
        else:
            out.problemes.append(f"Lieu « {out.lieu} » introuvable.")
            out.candidats = [f"{c.nom} ({c.departement})" for c in
                             (found.candidates or found.suggestions or [])[:8]]
    return out


def excluded(orientation, catalogue) -> list[dict[str, str]]:
    """The schemes left out, with why, in the engine's words, by name."""
    rows = []
    for scheme_id, why_not in orientation.exclusions.items():
        scheme = catalogue.get(scheme_id)
        if scheme is None:
            continue
        rows.append({"id": scheme_id, "nom": scheme["nom"],
                     "pourquoi": reason(why_not.code.value, scheme, why_not.detail, catalogue)})
    return sorted(rows, key=lambda r: r["nom"].lower())
