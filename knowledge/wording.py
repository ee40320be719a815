"""The engine's results in French: why a scheme fits, what to be careful about, why it was left out.

One place for these words, used by the assistant (actions/replies.py) and the staff command
line alike. Value labels come from ``knowledge/vocabulary/labels.yml``.
"""
from __future__ import annotations

from typing import Mapping

from knowledge.vocabulary import vocabulary

PUBLIC_TEXT = {
    "structures_accompagnement": "aux structures d'accompagnement", "siae": "aux structures d'insertion (SIAE)",
    "entreprises_adaptees": "aux entreprises adaptées", "groupements_employeurs": "aux groupements d'employeurs",
    "jeunes": "aux jeunes", "etudiants": "aux étudiants", "cae_entrepreneurs_salaries": "aux entrepreneurs salariés de CAE",
    "demandeurs_emploi": "aux demandeurs d'emploi", "allocataires_rsa": "aux allocataires du RSA",
    "salaries": "aux salariés qui portent un projet", "habitants": "aux collectifs d'habitants",
    "agriculteurs": "aux agriculteurs", "regies_quartier": "aux régies de quartier",
    "entreprises_insertion": "aux entreprises d'insertion",
    "habitants_quartier": "aux habitants des quartiers prioritaires",
}
FORME_TEXT = {"association": "la forme associative", "cooperative": "la forme coopérative (SCOP, SCIC)",
              "entreprise": "la forme d'entreprise"}
MISSING_TEXT = {"statut": "votre statut", "stade": "l'avancement de votre projet", "commune": "votre commune",
                "besoins": "vos besoins", "employeur": "si votre structure a des salariés"}


def label(kind: str, value: str, form: str = "resume") -> str:
    try:
        return vocabulary().label(kind, value, form)
    except KeyError:
        return value


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def first_sentence(text: str) -> str:
    sentence = text.strip().split(". ")[0].rstrip(".")
    return sentence + "."


def what_it_does(scheme: Mapping) -> str:
    """One sentence of what the scheme does for a person (``promesse``, else its first sentence)."""
    promise = (scheme.get("promesse") or {}).get("texte")
    return promise.strip() if promise else first_sentence(scheme["description"]["texte"])


def fit_line(profile, criteria: list[str], needs: list[str], level: str, place) -> str:
    """Why it fits this person, in a few words (« Pour : financement, en création, Haute-Garonne »)."""
    parts = []
    if needs:
        parts.append(", ".join(label("besoins", b) for b in needs))
    if "stade" in criteria and profile.stade:
        parts.append(label("stade", profile.stade, "court"))
    if "public" in criteria and profile.publics:
        parts.append(PUBLIC_TEXT.get(profile.publics[0], "").replace("aux ", "").replace("à ", ""))
    if "employeur" in criteria:
        parts.append("structure employeuse")
    if "test" in criteria:
        parts.append("tester votre activité")
    if level in ("commune", "epci", "departement") and place.label() != "votre territoire":
        parts.append("près de chez vous")
    return ("Pour : " + ", ".join(p for p in parts if p) + ".") if parts else ""


def warning_text(code: str, scheme: Mapping) -> str:
    if code == "employeur_inconnu":
        return "Seulement si votre structure a des salariés."
    if code == "innovation":
        return "Réservé aux projets d'innovation sociale (une réponse nouvelle à un besoin social mal couvert)."
    if code == "selon_commune":
        return "Seulement sur une partie du département : " + scheme["territoire"]["libelle"].rstrip(".") + "."
    return scheme["etat"]["texte"]  # annonce, experimental, ancien: the catalogue says how current it is


def reason(code: str, scheme: Mapping, detail: Mapping, catalogue=None) -> str:
    """Why the engine left the scheme out, as a clause after « Je ne vous ai pas proposé X : »."""
    if code == "historique":
        return "il n'apparaît que dans un document ancien (" + scheme["etat"]["texte"].rstrip(".") + ")"
    if code == "hors_territoire":
        return "il n'est proposé que sur ce territoire : " + detail.get("libelle", "").rstrip(".")
    if code == "public_reserve":
        return "il est réservé " + _and([PUBLIC_TEXT.get(p, p) for p in detail.get("publics", [])])
    if code == "collectivites_seulement":
        return "il est réservé aux collectivités (communes, intercommunalités)"
    if code == "employeur":
        return "il est réservé aux structures qui ont au moins un salarié"
    if code == "structure_existante":
        return "il demande une structure déjà créée (association, coopérative, entreprise…)"
    if code == "forme_juridique":
        return "il concerne les projets qui choisissent " + FORME_TEXT.get(detail.get("forme"), "une autre forme")
    if code == "activite_individuelle":
        return ("il sert à tester une activité que l'on lance soi-même, pas à créer "
                + {"association": "une association", "cooperative": "une coopérative (SCOP, SCIC…)"}.get(
                    detail.get("forme"), "une structure collective"))
    if code == "statut":
        return "il s'adresse " + _and([label("statut", s, "datif") for s in detail.get("statuts", [])])
    if code == "pas_collectivites":
        return "il s'adresse aux porteurs de projets et aux structures, pas aux collectivités"
    if code == "innovation_sociale":
        return "il est réservé aux projets d'innovation sociale"
    if code == "stade":
        return "il s'adresse aux projets " + _and([label("stade", s, "court") for s in detail.get("stades", [])])
    if code == "changement_echelle_seulement":
        return "il s'adresse aux projets qui changent d'échelle, pas à une idée ou une création"
    if code in ("besoin", "non_service"):
        return "il porte sur " + _and([label("besoins", b) for b in detail.get("besoins", [])]) + \
            ", pas sur le besoin que vous m'avez donné"
    if code == "declinaison":
        member = catalogue.get(detail.get("membre")) if catalogue is not None else None
        return "dans votre région, c'est " + (member["nom"] if member else "sa déclinaison locale") + " qui le propose"
    return "il ne correspond pas à votre profil"


def missing_text(questions: list[str]) -> str:
    return _and([MISSING_TEXT[q] for q in questions if q in MISSING_TEXT])
