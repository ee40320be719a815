"""The assistant's answers built from engine results, catalogue entries and glossary notions.

Pure functions: the frame sentences come from the domain's responses (``wording.say``), the
content from the knowledge base. An orientation is sent twice over: as text, for channels that
only show text, and as a structured payload that the widget renders without reading French.
"""
from __future__ import annotations

from typing import Any, Mapping

from actions.wording import say
from knowledge.checks import french_date
from knowledge.engine import Orientation, Recommendation
from knowledge.wording import label, missing_text

SOURCE_LABELS = {
    "000": "Département de la Haute-Garonne, 2020",
    "001": "Région Occitanie, 2018",
    "002": "Toulouse Métropole, 2012",
    "003": "RTES, 2021",
    "004": "Avise, vers 2016",
}


def source_label(ref: str) -> str:
    return SOURCE_LABELS.get(str(ref)[:3], str(ref))


def sources_line(refs) -> str:
    origins = sorted({source_label(r["ref"] if isinstance(r, dict) else r) for r in refs})
    return "Source : " + " ; ".join(origins) + "." if origins else ""


def profile_summary(orientation: Orientation) -> str:
    p = orientation.profil
    parts = []
    if p.statut:
        parts.append(label("statut", p.statut))
    if p.employeur is True and p.statut not in (None, "sans_structure", "collectivite"):
        parts.append("employeuse")
    if p.stade:
        parts.append(label("stade", p.stade))
    if orientation.place.known:
        parts.append(("à " if orientation.place.commune_nom else "en ") + orientation.place.label())
    text = ", ".join(parts)
    if p.besoins:
        text += ("; " if text else "") + ("besoin : " if len(p.besoins) == 1 else "besoins : ") + \
            ", ".join(label("besoins", b) for b in p.besoins)
    return text


def checked(contact: Mapping) -> str:
    """« (vérifié par le Département le 02/12/2026) » for a contact the staff checked, else nothing."""
    day = contact.get("verifie_departement")
    return f" (vérifié par le Département le {french_date(day)})" if day else ""


def how_to_reach(contact: Mapping) -> str:
    how = contact.get("site") or contact.get("email") or contact.get("telephone") or contact.get("adresse") or ""
    return (f"{contact['nom']} – {how}" if how else contact["nom"]) + checked(contact)


def contact_line(rec: Recommendation, domain: Mapping, place=None) -> str:
    if rec.contact and rec.ou_demander:
        return say(domain, "utter_orientation_ask_at", qui=f"{rec.ou_demander['nom']} ({how_to_reach(rec.contact)})")
    if rec.contact:
        return say(domain, "utter_orientation_contact", contact=how_to_reach(rec.contact))
    if place is not None and place.departement == "31":
        return say(domain, "utter_orientation_callback_department")
    return say(domain, "utter_orientation_no_contact")


def item_lines(number: int, rec: Recommendation, orientation: Orientation, domain: Mapping) -> list[str]:
    lines = [f"{number}. {rec.nom}"]
    if rec.guichet:
        where = ("à " + orientation.place.label()) if orientation.place.commune_nom else (
            ("en " + orientation.place.label()) if orientation.place.known else "")
        lines.append(say(domain, "utter_orientation_desk", lieu=where).replace("  ", " ").replace(" .", "."))
    else:
        lines.append(rec.pourquoi)
        # Notes only when they matter: announced, experimental, old, reserved, part of the territory.
        if rec.avertissements:
            lines.append("À savoir : " + rec.avertissements[0])
    lines.append(contact_line(rec, domain, orientation.place))
    return lines


def orientation_message(orientation: Orientation, domain: Mapping) -> tuple[str, dict[str, Any]]:
    """The answer's text and its structured payload (``custom.orientation`` of the contract)."""
    summary = profile_summary(orientation)
    intro = say(domain, "utter_orientation_intro", resume=summary) if summary else \
        say(domain, "utter_orientation_intro_general")
    notes = [say(domain, "utter_orientation_widened")] if orientation.elargi else []
    notes += [n for n in orientation.notes if not n.startswith("Peu de dispositifs")]
    notes += [say(domain, "utter_orientation_named_excluded", nom=nom, raison=raison)
              for nom, raison in orientation.cites_exclus.values()]
    precise = say(domain, "utter_orientation_more_precise", manque=missing_text(orientation.manque)) \
        if orientation.manque else ""
    suite = say(domain, "utter_orientation_next")
    lines = [intro, *notes]
    for number, rec in enumerate(orientation.shown, start=1):
        lines.append("")
        lines.extend(item_lines(number, rec, orientation, domain))
    lines.append("")
    if precise:
        lines.append(precise)
    lines.append(suite)
    payload = orientation.as_payload()
    for item, rec in zip(payload["dispositifs"], orientation.shown):
        item["contact_texte"] = contact_line(rec, domain, orientation.place)
    payload.update({"intro": intro, "notes": notes, "precision": precise, "suite": suite})
    return "\n".join(lines), payload


def more_message(recs: list[Recommendation], orientation: Orientation, domain: Mapping, start: int,
                 desks_only: bool) -> tuple[str, dict[str, Any]]:
    intro = say(domain, "utter_more_desks" if desks_only else "utter_more_intro")
    lines = [intro]
    for number, rec in enumerate(recs, start=start):
        lines.append("")
        lines.extend(item_lines(number, rec, orientation, domain))
    items = [{**r.as_payload(), "contact_texte": contact_line(r, domain, orientation.place)} for r in recs]
    return "\n".join(lines), {"intro": intro, "premier": start, "dispositifs": items}


def details_text(scheme: Mapping, rec: Recommendation | None, domain: Mapping) -> str:
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
    if rec is not None:
        lines.append(contact_line(rec, domain))
    lines.append(sources_line(scheme["description"]["sources"]))
    return "\n".join(lines)


def contact_text(scheme: Mapping, rec: Recommendation | None, domain: Mapping) -> str:
    contacts = scheme.get("contacts") or []
    lines = [f"Pour « {scheme['nom']} » :"]
    current = [c for c in contacts if not c.get("ancien")]
    for c in current:
        lines.append(_contact_details(c) + (checked(c) or f" (information de {c['date_information']})"))
    if not current:
        lines.append(contact_line(rec, domain) if rec is not None else say(domain, "utter_orientation_no_contact"))
    for c in [c for c in contacts if c.get("ancien")][:2]:
        lines.append(_contact_details(c) + f" : information de {c['date_information']}, sans doute plus à jour.")
    return "\n".join(lines)


def _contact_details(contact: Mapping) -> str:
    parts = [contact["nom"]]
    if contact.get("personne"):
        parts.append(contact["personne"])
    for key in ("site", "email", "telephone", "adresse"):
        if contact.get(key):
            parts.append(contact[key])
    return " – ".join(parts)


def conditions_text(scheme: Mapping, domain: Mapping) -> str:
    """« Quel montant ? », « ça coûte ? », « faut-il être employeur ? »: what the catalogue says."""
    lines = [scheme["nom"] + " :"]
    amounts = scheme.get("montants") or []
    conditions = scheme.get("conditions") or []
    refs = []
    for amount in amounts:
        lines.append("Montant : " + amount["texte"])
        refs += amount["sources"]
    for condition in conditions:
        lines.append("Condition : " + condition["texte"])
        refs += condition["sources"]
    if not amounts:
        lines.append(say(domain, "utter_no_amount", nom=scheme["nom"]))
    if scheme["cible"].get("precisions"):
        lines.append("Pour qui : " + scheme["cible"]["precisions"])
        refs += scheme["cible"]["sources"]
    if scheme["etat"]["valeur"] != "en_place":
        lines.append("À savoir : " + scheme["etat"]["texte"])
    lines.append(sources_line(refs or scheme["description"]["sources"]))
    return "\n".join(lines)


def notion_text(notion: Mapping, catalogue, other: Mapping | None = None) -> str:
    """A glossary notion, or how two notions differ (« quelle différence entre une SCOP et une SCIC ? »)."""
    if other is not None:
        for a, b in ((notion, other), (other, notion)):
            for diff in a.get("differences") or []:
                if diff.get("avec") == b["id"]:
                    return "\n".join([f"{a['terme']} et {b['terme']} :", diff["texte"].strip(),
                                      sources_line(diff["sources"])])
        return "\n\n".join(notion_text(n, catalogue) for n in (notion, other))
    lines = [f"{notion['terme']} : {notion['definition']['texte'].strip()}"]
    names = [catalogue.get(i)["nom"] for i in notion.get("dispositifs") or [] if catalogue.get(i)]
    if names:
        lines.append("Pour en savoir plus : " + ", ".join(names[:2]) + ".")
    lines.append(sources_line(notion["definition"]["sources"]))
    return "\n".join(lines)
