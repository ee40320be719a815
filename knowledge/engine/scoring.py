"""How closely a scheme that is not excluded fits a profile: a score and the criteria that made it.

The order a person expects: the need they named first counts most, then the stage, then who
they are; services that are local by nature (premises, incubation, test of activity) come
nearest first (review E5); announced or experimental schemes come after running ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from knowledge.engine.profile import Profile

# Nearest first: a scheme of your commune or intercommunality is rare and fits closely.
LEVEL_SCORE = {"commune": 4.5, "epci": 4.0, "departement": 2.0, "region": 1.0, "national": 0.5, "selon_commune": 1.0}
LOCAL_CATEGORIES = {"hebergement", "incubateur", "test_activite"}


@dataclass
class Fit:
    score: float
    needs: list[str]                 # the profile's needs it answers, in the profile's order
    stage: bool                      # the profile's stage is one it serves
    criteria: list[str] = field(default_factory=list)   # codes: besoin, stade, statut, public...
    warnings: list[str] = field(default_factory=list)   # codes: employeur_inconnu, innovation, annonce...


def is_local_service(scheme: Mapping, needs: list[str]) -> bool:
    return bool(scheme.get("service_local")) or scheme["categorie"] in LOCAL_CATEGORIES or "hebergement" in needs


def fit(scheme: Mapping, profile: Profile, level: str) -> Fit:
    cible = scheme["cible"]
    besoins = cible.get("besoins") or []
    needs = [b for b in profile.besoins if b in besoins]
    result = Fit(0.0, needs, bool(profile.stade and profile.stade in (cible.get("stades") or [])))
    # The person's order of needs: the first named weighs most (review E1).
    for b in needs:
        result.score += 3.0 / (1 + 0.5 * profile.besoins.index(b))
    if needs:
        result.criteria.append("besoin")
    if set(needs) & set(scheme.get("reference_pour") or []):
        result.score += 2.0  # the main actor the sources name for this need
    if result.stage:
        # A scheme made for one or two stages (a scale-up fund, an incubator) is their specialist.
        stades = cible.get("stades") or []
        result.score += 3.5 if len(stades) == 1 else 2.5 if len(stades) == 2 else 2.0
        result.criteria.append("stade")
    elif not cible.get("stades"):
        result.score += 1.0
    statuts = cible.get("statuts") or []
    if profile.statut and profile.statut in statuts:
        # A small bonus: a narrowly typed generic entry must not beat a local one (review E6); a scheme
        # for this status only (collectivités, associations) is its specialist.
        result.score += 1.5 if statuts == [profile.statut] else 1.0 if len(statuts) <= 3 else 0.5
        result.criteria.append("statut")
    elif not statuts:
        result.score += 0.25
    if cible.get("reserve_a"):
        # A scheme reserved to the profile's own public (SIAE, adapted enterprises...) is its specialist.
        result.score += 2.0
        result.criteria.append("public")
    elif set(cible.get("publics_prioritaires") or []) & set(profile.publics):
        # Made for few publics, the person's among them (farmers and the short-supply-chain plan).
        result.score += 2.5 if len(cible["publics_prioritaires"]) <= 2 else 1.5
        result.criteria.append("public")
    if cible.get("employeur"):
        if profile.employeur:
            result.score += 2.5
            result.criteria.append("employeur")
        else:
            result.warnings.append("employeur_inconnu")
    if cible.get("forme_juridique") and profile.forme_envisagee == cible.get("forme_juridique"):
        result.score += 1.0
        result.criteria.append("forme")
    if profile.test_activite and scheme["categorie"] == "test_activite":
        result.score += 3.0  # testing an activity in a secure setting is what CAE and couveuses are for
        result.criteria.append("test")
    if cible.get("innovation_sociale"):
        if profile.innovation_sociale:
            result.score += 3.0  # made for socially innovative projects: what the person said theirs is
            result.criteria.append("innovation")
        else:
            result.score -= 0.5
            result.warnings.append("innovation")
    proximity = LEVEL_SCORE[level] * (2.0 if is_local_service(scheme, needs) else 1.0)
    result.score += proximity
    if level == "selon_commune":
        result.warnings.append("selon_commune")
    if level in ("commune", "epci", "departement"):
        result.criteria.append("proche")
    etat = scheme["etat"]["valeur"]
    if etat == "annonce":
        result.score -= 0.5
        result.warnings.append("annonce")
    elif etat == "experimental":
        result.score -= 0.5
        result.warnings.append("experimental")
    elif scheme["etat"].get("annee", 2021) <= 2016:
        result.warnings.append("ancien")
    if scheme["categorie"] == "reseau":
        result.score -= 0.5
    elif scheme["categorie"] == "ressource":
        result.score -= 1.0  # a guide, a label, a directory: after the services that answer the need
    elif scheme["categorie"] == "outil_financier":
        # A tool of the financing chart is reached through its operator (France Active, the URSCOP,
        # the Région), which comes first for a money need (review C7, C8).
        result.score -= 0.5
    result.score = round(result.score, 3)
    return result
