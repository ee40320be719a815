"""Which schemes a profile can be sent to: territory, then the exclusion rules, each with a code.

Codes, not sentences: ``knowledge/wording.py`` says them in French, and the reason of an
exclusion cites the catalogue block it comes from (``Exclusion.sources``), so that « pourquoi
pas le DLA ? » gets the engine's real reason with its source.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Mapping

from knowledge.engine.profile import Place, Profile, Territories
from knowledge.sources import ref_string

LEVEL_ORDER = ("commune", "epci", "departement", "region", "national", "selon_commune")


class Code(str, Enum):
    HISTORIQUE = "historique"
    HORS_TERRITOIRE = "hors_territoire"
    PUBLIC_RESERVE = "public_reserve"
    COLLECTIVITES_SEULEMENT = "collectivites_seulement"
    EMPLOYEUR = "employeur"
    STRUCTURE_EXISTANTE = "structure_existante"
    STATUT = "statut"
    PAS_COLLECTIVITES = "pas_collectivites"
    INNOVATION = "innovation_sociale"
    FORME = "forme_juridique"
    STADE = "stade"
    ECHELLE = "changement_echelle_seulement"
    BESOIN = "besoin"
    NON_SERVICE = "non_service"
    DECLINAISON = "declinaison"
    ACTIVITE_INDIVIDUELLE = "activite_individuelle"


@dataclass(frozen=True)
class Exclusion:
    code: Code
    sources: tuple[str, ...] = ()
    detail: dict = field(default_factory=dict)  # what the wording needs (the member, the territory...)


_REFS: dict[int, tuple[str, ...]] = {}


def refs_of(block: Mapping) -> tuple[str, ...]:
    """The seed references of a catalogue block (computed once per block: catalogues live as long as
    the process, and every turn evaluates every scheme)."""
    key = id(block)
    if key not in _REFS:
        _REFS[key] = tuple(dict.fromkeys(ref_string(s) for s in block.get("sources") or []))
    return _REFS[key]


def zone_level(zone: str, place: Place, territories: Territories | None) -> str | None:
    """How near a catalogue zone is to the place, or None if it does not cover it.

    ``selon_commune``: the zone is inside the place's department but the commune is not
    known, so it may or may not apply."""
    if zone == "FR":
        return "national"
    kind, _, code = zone.partition(":")
    if kind == "region":
        return "region" if place.region == code else None
    if kind == "departement":
        return "departement" if place.departement == code else None
    if kind == "epci":
        if place.commune:
            return "epci" if place.epci == code else None
        epci = territories.epci(code) if territories else None
        if epci is not None and place.departement and territories is not None:
            for member in epci.membres:
                commune = territories.commune(member)
                if commune is not None and commune.departement == place.departement:
                    return "selon_commune"
        return None
    if kind == "commune":
        if place.commune:
            return "commune" if place.commune == code else None
        return "selon_commune" if place.departement and code.startswith(place.departement) else None
    return None


def territory_level(scheme: Mapping, place: Place, territories: Territories | None) -> str | None:
    """The nearest level at which the scheme covers the place (``national`` when the place is unknown)."""
    zones = scheme["territoire"]["zones"]
    if not place.known:
        return "national" if "FR" in zones else None
    levels = [lvl for lvl in (zone_level(z, place, territories) for z in zones) if lvl]
    return min(levels, key=LEVEL_ORDER.index) if levels else None


def applies_at(scheme: Mapping, place: Place, territories: Territories | None) -> bool:
    """Current and certainly available at the place (a desk to refer people to)."""
    level = territory_level(scheme, place, territories)
    return scheme["etat"]["valeur"] != "historique" and level not in (None, "selon_commune")


def status_fits(scheme: Mapping, profile: Profile) -> Exclusion | None:
    """The rules on who the structure is (also used for desks and referrals)."""
    cible = scheme["cible"]
    reserve = set(cible.get("reserve_a") or [])
    statuts = cible.get("statuts") or []
    if reserve and not reserve & set(profile.publics):
        return Exclusion(Code.PUBLIC_RESERVE, refs_of(cible), {"publics": sorted(reserve)})
    statuts = cible.get("statuts") or []
    if statuts == ["collectivite"] and profile.statut != "collectivite":
        return Exclusion(Code.COLLECTIVITES_SEULEMENT, refs_of(cible))
    # The employer and existing-structure conditions come before the status check so that the
    # reason names the real obstacle (no employees for the DLA, no structure yet for a fund).
    if cible.get("employeur") and (profile.employeur is False or profile.statut == "sans_structure"):
        return Exclusion(Code.EMPLOYEUR, refs_of(cible))
    if cible.get("structure_existante") and profile.statut == "sans_structure":
        return Exclusion(Code.STRUCTURE_EXISTANTE, refs_of(cible))
    forme = cible.get("forme_juridique")
    # A tool of a legal form serves that form, a person who considers it, and (for cooperatives) the
    # takeover of a company by its employees (review E6): a company taken over, not one person buying
    # a shop on their own (004:806-817).
    if forme and profile.statut not in (None, forme) and profile.forme_envisagee != forme \
            and not (forme == "cooperative" and profile.stade == "reprise" and profile.statut == "entreprise"):
        return Exclusion(Code.FORME, refs_of(cible), {"forme": forme})
    # The network of a legal form is the entry point of a structure that would take it (an
    # association becoming a SCIC asks the URSCOP), whatever its status today.
    becomes = bool(forme) and profile.forme_envisagee == forme and bool(scheme.get("point_entree"))
    if profile.statut and statuts and profile.statut not in statuts and not becomes:
        return Exclusion(Code.STATUT, refs_of(cible), {"statuts": list(statuts)})
    # Local authorities are a public of their own: only schemes that name them apply.
    if profile.statut == "collectivite" and not statuts:
        return Exclusion(Code.PAS_COLLECTIVITES, refs_of(cible))
    if cible.get("innovation_sociale") and profile.innovation_sociale is False:
        return Exclusion(Code.INNOVATION, refs_of(cible))
    return None


def exclusion(scheme: Mapping, profile: Profile, place: Place, territories: Territories | None, *,
              relax_stage: bool, relax_needs: bool) -> Exclusion | None:
    """Why the scheme cannot be recommended for this profile, or None."""
    if scheme["etat"]["valeur"] == "historique":
        return Exclusion(Code.HISTORIQUE, refs_of(scheme["etat"]))
    if territory_level(scheme, place, territories) is None:
        return Exclusion(Code.HORS_TERRITOIRE, refs_of(scheme["territoire"]),
                         {"libelle": scheme["territoire"]["libelle"]})
    status = status_fits(scheme, profile)
    if status is not None:
        return status
    cible = scheme["cible"]
    stades = cible.get("stades") or []
    non_service = scheme["categorie"] in ("reseau", "ressource")
    testing = scheme["categorie"] == "test_activite"
    # Testing an activity is for a person starting an activity of their own (000:941-944, 003:1018): not
    # for a group that plans an association or a cooperative, nor for a takeover or a running structure.
    collective = profile.forme_envisagee in ("association", "cooperative") or "habitants" in profile.publics
    if testing and profile.statut == "sans_structure" and collective and profile.test_activite is not True:
        return Exclusion(Code.ACTIVITE_INDIVIDUELLE, refs_of(cible), {"forme": profile.forme_envisagee})
    if profile.stade and stades and profile.stade not in stades:
        # A scale-up label is never for an idea or a first year, even when the search widens (E2).
        if set(stades) <= {"changement_echelle"} and profile.stade in ("idee", "creation"):
            return Exclusion(Code.ECHELLE, refs_of(cible))
        # A service before creation (incubation, emergence) is never for a running structure or a takeover.
        before_creation = set(stades) <= {"idee", "creation"} and profile.stade not in ("idee", "creation")
        # A takeover is a stage of its own: the tools of growing structures (the DLA) are not widened to it.
        if not relax_stage or non_service or testing or before_creation or profile.stade == "reprise":
            return Exclusion(Code.STADE, refs_of(cible), {"stades": list(stades)})
    besoins = cible.get("besoins") or []
    matched = [b for b in profile.besoins if b in besoins]
    if profile.besoins and not matched:
        # Resources and networks without a service of their own are only offered for a need they
        # answer, never to fill a list (E3).
        if non_service:
            return Exclusion(Code.NON_SERVICE if relax_needs else Code.BESOIN, refs_of(cible), {"besoins": list(besoins)})
        if not relax_needs:
            return Exclusion(Code.BESOIN, refs_of(cible), {"besoins": list(besoins)})
    return None
