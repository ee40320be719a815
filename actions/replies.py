"""French wording of the assistant's answers. Pure functions of engine results
and catalogue entries, so they are tested without Rasa."""
from __future__ import annotations

from typing import Iterable, Mapping

from actions import vocabulary as voc
from knowledge.engine import Orientation, Recommendation

SHOWN_SPECIFIC = 4

SOURCE_LABELS = {
    "000": "Département de la Haute-Garonne, 2020",
    "001": "Région Occitanie, 2018",
    "002": "Toulouse Métropole, 2012",
    "003": "RTES, 2021",
    "004": "Avise, vers 2016",
}


def profile_summary(orientation: Orientation) -> str:
    p = orientation.profil
    parts = []
    if p.statut:
        parts.append(voc.STATUT_LABELS[p.statut])
    if p.employeur is True and p.statut not in (None, "sans_structure", "collectivite"):
        parts.append("employeuse")
    if p.stade:
        parts.append(voc.STADE_LABELS[p.stade])
    if orientation.place.known:
        parts.append("à " + orientation.place.label() if orientation.place.commune_nom
                     else "en " + orientation.place.label())
    text = ", ".join(parts)
    if p.besoins:
        text += (" ; besoin : " if len(p.besoins) == 1 else " ; besoins : ") + ", ".join(
            voc.BESOIN_LABELS[b] for b in p.besoins)
    return text


def contact_line(rec_or_scheme_contacts: Iterable[Mapping], ask_instead: list[str], names: Mapping[str, str]) -> str:
    contacts = list(rec_or_scheme_contacts)
    current = [c for c in contacts if not c.get("ancien")]
    if current:
        c = current[0]
        how = c.get("site") or c.get("email") or c.get("telephone") or c.get("adresse")
        return f"Contact : {c['nom']} – {how}"
    if ask_instead:
        who = " ou ".join(names.get(i, i) for i in ask_instead[:2])
        return f"Pas de contact à jour dans mes sources : adressez-vous à {who}."
    return "Pas de contact à jour dans mes sources."


def selected(orientation: Orientation) -> list[Recommendation]:
    """What the answer shows: the best specific schemes, then the orientation desks."""
    specific = [r for r in orientation.recommandations if not r.guichet][:SHOWN_SPECIFIC]
    desks = [r for r in orientation.recommandations if r.guichet][:1 if len(specific) >= 3 else 2]
    return specific + desks


def orientation_text(orientation: Orientation, names: Mapping[str, str]) -> str:
    shown = selected(orientation)
    lines = []
    summary = profile_summary(orientation)
    lines.append("Voici ce que je vous conseille" + (f" ({summary})" if summary else "") + " :")
    for note in orientation.notes:
        lines.append(note)
    for i, rec in enumerate(shown, start=1):
        lines.append("")
        title = f"{i}. {rec.nom}"
        if rec.guichet:
            title += " (pour faire le point)"
        lines.append(title)
        lines.append(rec.pourquoi)
        for warning in rec.avertissements[:2]:
            lines.append("Attention : " + warning)
        lines.append(contact_line(rec.contacts, rec.a_qui_demander, names))
    lines.append("")
    lines.append("Vous pouvez me demander « plus de détails sur le 1 », « le contact du 2 », "
                 "« autre chose » ou me donner un autre besoin.")
    return "\n".join(lines)


def source_label(ref: str) -> str:
    return SOURCE_LABELS.get(ref[:3], ref)


def details_text(scheme: Mapping, names: Mapping[str, str]) -> str:
    lines = [scheme["nom"], scheme["description"]["texte"]]
    precisions = scheme["cible"].get("precisions")
    if precisions:
        lines.append("Pour qui : " + precisions)
    lines.append("Où : " + scheme["territoire"]["libelle"])
    for condition in (scheme.get("conditions") or [])[:3]:
        lines.append("Condition : " + condition["texte"])
    for amount in (scheme.get("montants") or [])[:3]:
        lines.append("Montant : " + amount["texte"])
    if scheme["etat"]["valeur"] != "en_place" or scheme["etat"]["annee"] <= 2018:
        lines.append("À savoir : " + scheme["etat"]["texte"])
    lines.append(contact_line(scheme.get("contacts") or [], scheme.get("a_qui_demander") or [], names))
    origins = sorted({source_label(_ref(s)) for s in scheme["description"]["sources"]})
    lines.append("Source : " + " ; ".join(origins) + ".")
    return "\n".join(lines)


def contact_text(scheme: Mapping, names: Mapping[str, str]) -> str:
    contacts = scheme.get("contacts") or []
    lines = [f"Pour « {scheme['nom']} » :"]
    current = [c for c in contacts if not c.get("ancien")]
    old = [c for c in contacts if c.get("ancien")]
    for c in current:
        lines.append(_contact_details(c) + f" (information de {c['date_information']})")
    if not current:
        lines.append("Je n'ai pas de contact à jour dans mes sources.")
    for c in old[:2]:
        lines.append(_contact_details(c) + f" : information de {c['date_information']}, "
                     "sans doute plus à jour.")
    ask = scheme.get("a_qui_demander") or []
    if ask and not current:
        lines.append("Pour un contact à jour, adressez-vous à " + " ou ".join(names.get(i, i) for i in ask[:2]) + ".")
    return "\n".join(lines)


def _contact_details(contact: Mapping) -> str:
    parts = [contact["nom"]]
    if contact.get("personne"):
        parts.append(contact["personne"])
    for key in ("site", "email", "telephone", "adresse"):
        if contact.get(key):
            parts.append(contact[key])
    return " – ".join(parts)


def _ref(source) -> str:
    return source["ref"] if isinstance(source, dict) else source
