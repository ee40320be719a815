"""Orientation engine: a pure function from a profile to ranked recommendations.

``orient(profile, catalogue, territories)`` reads nothing else: no database, no
network, no clock. Each recommendation says which criteria matched, why in
French, what to be careful about (announced or old information, conditions the
profile does not settle yet), the contacts and the sources.

The steps:
1. the profile is cleaned (unknown values dropped, contradictions noted);
2. the place is located (commune → EPCI → department → region → France);
3. every scheme is either excluded, with a reason, or scored;
4. when fewer than three schemes fit strictly, the search widens (first any
   need, then any stage) and says so; what fits strictly stays first, and at
   equal score the nearest scheme comes first;
5. the generic orientation desks of the place end the list, so the answer is
   never empty.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Protocol

from knowledge.catalogue import Catalogue
from knowledge.sources import ref_string

STATUTS = ("sans_structure", "association", "cooperative", "entreprise", "collectivite", "autre")
STADES = ("idee", "creation", "developpement", "consolidation", "changement_echelle", "reprise")
BESOINS = ("financement", "hebergement", "accompagnement", "formation", "juridique", "emploi",
           "marches", "reseau")
PUBLICS = ("structures_accompagnement", "siae", "entreprises_adaptees", "groupements_employeurs",
           "jeunes", "etudiants", "cae_entrepreneurs_salaries")

HAUTE_GARONNE = "31"
OCCITANIE = "76"
TOULOUSE_METROPOLE = "243100518"

STATUT_TEXT = {
    "sans_structure": "aux porteurs de projet sans structure",
    "association": "aux associations",
    "cooperative": "aux coopératives",
    "entreprise": "aux entreprises",
    "collectivite": "aux collectivités",
    "autre": "à votre type de structure",
}
STADE_TEXT = {
    "idee": "au stade de l'idée",
    "creation": "en création",
    "developpement": "en développement",
    "consolidation": "en consolidation",
    "changement_echelle": "en changement d'échelle",
    "reprise": "en reprise d'entreprise",
}
BESOIN_TEXT = {
    "financement": "de financement",
    "hebergement": "de local",
    "accompagnement": "d'accompagnement",
    "formation": "de formation",
    "juridique": "juridique",
    "emploi": "d'emploi",
    "marches": "de débouchés",
    "reseau": "de réseau",
}

# Nearest first: a scheme of your commune or intercommunality is rare and fits closely.
LEVEL_SCORE = {"commune": 4.5, "epci": 4.0, "departement": 2.0, "region": 1.0, "national": 0.5}
MAX_SPECIFIC = 5
MIN_SPECIFIC = 3


class Territories(Protocol):
    def commune(self, code: str): ...
    def departement(self, code: str): ...
    def region(self, code: str): ...
    def epci(self, code: str): ...


@dataclass(frozen=True)
class Profile:
    statut: str | None = None
    employeur: bool | None = None
    stade: str | None = None
    commune: str | None = None
    departement: str | None = None
    besoins: tuple[str, ...] = ()
    secteur: str | None = None
    innovation_sociale: bool | None = None
    publics: tuple[str, ...] = ()

    def as_contract(self) -> dict[str, Any]:
        """The profile as the contract's payload shows it (unset values omitted)."""
        out: dict[str, Any] = {}
        for key in ("statut", "employeur", "stade", "commune", "departement"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["besoins"] = list(self.besoins)
        if self.innovation_sociale is not None:
            out["innovation_sociale"] = self.innovation_sociale
        if self.publics:
            out["publics"] = list(self.publics)
        return out


@dataclass(frozen=True)
class Place:
    commune: str | None = None
    commune_nom: str | None = None
    epci: str | None = None
    epci_nom: str | None = None
    departement: str | None = None
    departement_nom: str | None = None
    region: str | None = None
    region_nom: str | None = None

    @property
    def known(self) -> bool:
        return self.departement is not None or self.region is not None

    def label(self) -> str:
        if self.commune_nom:
            return self.commune_nom
        if self.departement_nom:
            return self.departement_nom
        if self.region_nom:
            return self.region_nom
        return "votre territoire"


@dataclass
class Recommendation:
    id: str
    nom: str
    score: float
    niveau: str  # commune | epci | departement | region | national | selon_commune
    criteres: list[str]
    pourquoi: str
    avertissements: list[str]
    contacts: list[dict]
    a_qui_demander: list[str]
    sources: list[str]
    etat: str
    guichet: bool = False
    elargi: bool = False

    def as_payload(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "nom": self.nom,
            "pourquoi": self.pourquoi,
            "criteres": self.criteres,
            "avertissements": self.avertissements,
            "etat": self.etat,
            "niveau_territorial": self.niveau,
            "guichet": self.guichet,
            "contacts": self.contacts,
            "a_qui_demander": self.a_qui_demander,
            "sources": self.sources,
        }


@dataclass
class Orientation:
    profil: Profile
    place: Place
    recommandations: list[Recommendation]
    notes: list[str] = field(default_factory=list)
    elargi: bool = False
    exclusions: dict[str, str] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.recommandations]

    def as_payload(self) -> dict[str, Any]:
        return {
            "profil": self.profil.as_contract(),
            "dispositifs": [r.as_payload() for r in self.recommandations],
            "elargi": self.elargi,
            "notes": self.notes,
        }


def _as_list(value: Any) -> list:
    """A list of values from a slot that should be a list (a lone string counts as one value)."""
    if value is None or value == "" or isinstance(value, (bool, int, float, bytes)):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return list(value.keys())
    try:
        return list(value)
    except TypeError:
        return []


def clean_profile(raw: Mapping[str, Any] | Profile | None) -> tuple[Profile, list[str]]:
    """A usable profile from anything (unknown values dropped) and notes for the user."""
    notes: list[str] = []
    if isinstance(raw, Profile):
        raw = {**raw.__dict__}
    if raw is None:
        raw = {}
    elif isinstance(raw, Mapping):
        raw = dict(raw)
    else:
        # Garbage in (a string, a number, a list...): generic orientation, never an exception.
        notes.append("Je n'ai pas pu lire votre profil : je vous propose une orientation générale.")
        raw = {}

    def pick(key: str, allowed: Iterable[str]) -> str | None:
        value = raw.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str) and value in allowed:
            return value
        notes.append(f"Je n'ai pas pu utiliser la valeur « {value} » pour {key}.")
        return None

    statut = pick("statut", STATUTS)
    stade = pick("stade", STADES)
    employeur = raw.get("employeur")
    if not isinstance(employeur, bool):
        employeur = None
    besoins_raw = _as_list(raw.get("besoins"))
    named = {b for b in besoins_raw if isinstance(b, str)}
    besoins = tuple(b for b in BESOINS if b in named)
    unknown_needs = [b for b in besoins_raw if not (isinstance(b, str) and b in BESOINS)]
    if unknown_needs:
        notes.append("Je n'ai pas reconnu ces besoins : " + ", ".join(map(str, unknown_needs)) + ".")
    publics_raw = _as_list(raw.get("publics"))
    publics = tuple(p for p in PUBLICS if p in {x for x in publics_raw if isinstance(x, str)})
    innovation = raw.get("innovation_sociale")
    if not isinstance(innovation, bool):
        innovation = None
    commune = raw.get("commune") if isinstance(raw.get("commune"), str) and raw.get("commune") else None
    departement = (raw.get("departement") if isinstance(raw.get("departement"), str)
                   and raw.get("departement") else None)
    secteur = raw.get("secteur") if isinstance(raw.get("secteur"), str) else None

    if statut == "sans_structure" and employeur:
        notes.append("Sans structure, il ne peut pas encore y avoir de salariés : "
                     "je n'ai pas tenu compte de « employeur ».")
        employeur = None
    if statut == "collectivite" and stade == "reprise":
        stade = None
    return Profile(statut, employeur, stade, commune, departement, besoins, secteur, innovation,
                   publics), notes


def locate(profile: Profile, territories: Territories | None) -> tuple[Place, list[str]]:
    """Commune, EPCI, department and region of the profile, as far as they are known."""
    notes: list[str] = []
    if territories is None:
        return Place(departement=profile.departement), notes
    if profile.commune:
        commune = territories.commune(profile.commune)
        if commune is not None:
            dep = territories.departement(commune.departement) if commune.departement else None
            reg = territories.region(commune.region) if commune.region else None
            return Place(commune.code, commune.nom, commune.epci, getattr(commune, "epci_nom", None),
                         commune.departement, dep.nom if dep else None,
                         commune.region, reg.nom if reg else None), notes
        notes.append(f"Je ne connais pas la commune de code {profile.commune}.")
    if profile.departement:
        dep = territories.departement(profile.departement)
        if dep is not None:
            reg = territories.region(dep.region)
            return Place(departement=dep.code, departement_nom=dep.nom, region=dep.region,
                         region_nom=reg.nom if reg else None), notes
        notes.append(f"Je ne connais pas le département {profile.departement}.")
    return Place(), notes


def _zone_level(zone: str, place: Place, territories: Territories | None) -> str | None:
    """How near a catalogue zone is to the place, or None if it does not cover it.

    ``selon_commune`` means the zone is inside the place's department but the
    commune is not known, so it may or may not apply.
    """
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


_LEVEL_ORDER = ["commune", "epci", "departement", "region", "national", "selon_commune"]


def territory_level(scheme: Mapping, place: Place, territories: Territories | None) -> str | None:
    levels = [lvl for lvl in (_zone_level(z, place, territories) for z in scheme["territoire"]["zones"]) if lvl]
    if not levels:
        return None
    return min(levels, key=_LEVEL_ORDER.index)


def _sources_for(scheme: Mapping) -> list[str]:
    refs: dict[str, None] = {}
    for block in (scheme["description"], scheme["cible"], scheme["territoire"]):
        for item in block["sources"]:
            refs.setdefault(ref_string(item), None)
    return list(refs)


def _contacts(scheme: Mapping) -> list[dict]:
    out = []
    for contact in scheme.get("contacts") or []:
        item = {k: contact[k] for k in ("nom", "site", "email", "telephone", "adresse", "personne")
                if contact.get(k)}
        item["date_information"] = contact["date_information"]
        item["ancien"] = bool(contact.get("ancien"))
        out.append(item)
    # Current contacts first, old ones after.
    return sorted(out, key=lambda c: c["ancien"])


@dataclass(frozen=True)
class _Relax:
    needs: bool = False
    stage: bool = False


def _evaluate(scheme: Mapping, profile: Profile, place: Place, territories: Territories | None,
              relax: _Relax) -> tuple[Recommendation | None, str | None]:
    """Score one scheme for the profile, or give the reason it is excluded."""
    cible = scheme["cible"]
    etat = scheme["etat"]["valeur"]
    if etat == "historique":
        return None, "information historique (document ancien)"
    level = territory_level(scheme, place, territories) if place.known else (
        "national" if "FR" in scheme["territoire"]["zones"] else None)
    if level is None:
        return None, "hors de votre territoire"

    reserve = set(cible.get("reserve_a") or [])
    if reserve and not reserve & set(profile.publics):
        return None, "réservé à un public particulier"

    statuts = cible.get("statuts") or []
    if statuts == ["collectivite"] and profile.statut != "collectivite":
        return None, "réservé aux collectivités"
    # The employer and existing-structure conditions come before the status check so that the
    # reason names the real obstacle (no employees for the DLA, no structure yet for a fund).
    if cible.get("employeur") and (profile.employeur is False or profile.statut == "sans_structure"):
        return None, "réservé aux structures qui ont des salariés"
    if cible.get("structure_existante") and profile.statut == "sans_structure":
        return None, "demande une structure déjà créée"
    if profile.statut and statuts and profile.statut not in statuts:
        return None, "ne s'adresse pas à votre statut"
    # Local authorities are a public of their own: only schemes that name them apply.
    if profile.statut == "collectivite" and not statuts:
        return None, "ne s'adresse pas aux collectivités"
    if cible.get("innovation_sociale") and profile.innovation_sociale is False:
        return None, "réservé aux projets d'innovation sociale"

    stades = cible.get("stades") or []
    stage_match = bool(profile.stade and profile.stade in stades)
    if profile.stade and stades and not stage_match and not relax.stage:
        return None, "ne correspond pas à l'avancement de votre projet"

    besoins = cible.get("besoins") or []
    matched_needs = [b for b in profile.besoins if b in besoins]
    if profile.besoins and not matched_needs and not relax.needs and not scheme.get("guichet"):
        return None, "ne répond pas à vos besoins"

    score = 0.0
    criteres: list[str] = []
    warnings: list[str] = []
    if matched_needs:
        # The first need named counts most: it is usually the main one.
        score += 3.0 + sum(1.0 for _ in matched_needs[1:])
        if profile.besoins and matched_needs[0] == profile.besoins[0]:
            score += 0.5
        criteres.append("besoin " + ", ".join(BESOIN_TEXT[b] for b in matched_needs))
    if stage_match:
        score += 2.0
        criteres.append(STADE_TEXT[profile.stade])
    elif not stades:
        score += 0.5
    if profile.statut and profile.statut in statuts:
        score += 2.0 if len(statuts) <= 3 else 1.0
        criteres.append(STATUT_TEXT[profile.statut].replace("aux ", "").replace("à ", ""))
    elif not statuts:
        score += 0.5
    if reserve:
        # A scheme reserved to the profile's own public (SIAE, adapted enterprises, employer
        # groups...) is its specialist: it fits closely, like employer schemes for employers.
        score += 2.0
        criteres.append("réservé à votre public")
    if cible.get("employeur"):
        if profile.employeur:
            # Few schemes are reserved to employers: when the profile is one, they fit closely.
            score += 2.0
            criteres.append("structure employeuse")
        else:
            warnings.append("Seulement si votre structure a des salariés.")
    if cible.get("innovation_sociale"):
        if profile.innovation_sociale:
            score += 1.5
            criteres.append("innovation sociale")
        else:
            score -= 0.5
            warnings.append("Réservé aux projets d'innovation sociale (qui répondent à un besoin "
                            "social mal couvert de façon nouvelle).")
    if level == "selon_commune":
        score += 1.0
        warnings.append("Seulement sur une partie du département : " + scheme["territoire"]["libelle"])
    else:
        score += LEVEL_SCORE[level]
    if level in ("commune", "epci", "departement"):
        criteres.append("présent près de chez vous")
    if etat == "annonce":
        score -= 1.0
        warnings.append(scheme["etat"]["texte"])
    elif etat == "experimental":
        score -= 0.5
        warnings.append(scheme["etat"]["texte"])
    if scheme["categorie"] in ("reseau", "ressource"):
        score -= 0.5

    pourquoi = _why(scheme, profile, matched_needs, stage_match, level, place)
    rec = Recommendation(
        id=scheme["id"], nom=scheme["nom"], score=round(score, 3), niveau=level, criteres=criteres,
        pourquoi=pourquoi, avertissements=warnings, contacts=_contacts(scheme),
        a_qui_demander=list(scheme.get("a_qui_demander") or []), sources=_sources_for(scheme),
        etat=etat, guichet=bool(scheme.get("guichet")),
    )
    return rec, None


def _why(scheme: Mapping, profile: Profile, needs: list[str], stage_match: bool, level: str,
         place: Place) -> str:
    parts = []
    if needs:
        parts.append("il répond à votre besoin " + " et ".join(BESOIN_TEXT[b] for b in needs))
    statuts = scheme["cible"].get("statuts") or []
    employer = bool(scheme["cible"].get("employeur") and profile.employeur)
    subject = None
    if profile.statut and profile.statut in statuts:
        subject = STATUT_TEXT[profile.statut]
    elif employer:
        subject = "aux structures"
    elif stage_match:
        subject = "aux projets"
    if subject:
        who = subject + (" qui ont des salariés" if employer else "")
        if stage_match:
            who += (", " if employer else " ") + STADE_TEXT[profile.stade]
        parts.append("il s'adresse " + who)
    if level == "national":
        parts.append("il existe partout en France")
    elif level == "region":
        parts.append("il couvre toute la région " + (place.region_nom or ""))
    elif level == "departement":
        parts.append("il est proposé dans votre département (" + (place.departement_nom or place.departement) + ")")
    elif level in ("epci", "commune"):
        parts.append("il est proposé sur votre territoire (" + scheme["territoire"]["libelle"].rstrip(".") + ")")
    if not parts:
        return scheme["description"]["texte"].split(". ")[0].rstrip(".") + "."
    text = ", ".join(parts)
    return text[0].upper() + text[1:] + "."


def place_phrase(place: Place) -> str:
    """Where the user is, in words that need no French preposition rules for department names."""
    if place.commune_nom:
        return f"à {place.commune_nom}"
    if place.departement_nom:
        return f"dans votre département ({place.departement_nom})"
    if place.region_nom:
        return f"dans votre région ({place.region_nom})"
    return "sur votre territoire"


def _desks(catalogue: Catalogue, place: Place, territories: Territories | None,
           already: set[str], statut: str | None) -> list[Recommendation]:
    """Generic orientation desks for the place: nearest first, at most two."""
    desks = []
    for scheme in catalogue:
        if not scheme.get("guichet") or scheme["id"] in already or scheme["etat"]["valeur"] == "historique":
            continue
        # A desk that names statuses serves only them (the CD31 has one desk for porteurs and
        # one for communes and EPCI); a desk that names none (CRESS, Avise) serves everyone.
        desk_statuts = scheme["cible"].get("statuts") or []
        if desk_statuts == ["collectivite"] and statut != "collectivite":
            continue
        if statut and desk_statuts and statut not in desk_statuts:
            continue
        if place.known:
            level = territory_level(scheme, place, territories)
        else:
            level = "national" if "FR" in scheme["territoire"]["zones"] else None
        if level is None or level == "selon_commune":
            continue
        desks.append((_LEVEL_ORDER.index(level), scheme))
    desks.sort(key=lambda item: (item[0], item[1]["id"]))
    out = []
    for _order, scheme in desks[:2]:
        level = territory_level(scheme, place, territories) if place.known else "national"
        out.append(Recommendation(
            id=scheme["id"], nom=scheme["nom"], score=0.0, niveau=level,
            criteres=["point d'entrée pour être orienté"],
            pourquoi=("C'est un point d'entrée pour faire le point sur votre projet et être orienté "
                      "vers le bon interlocuteur" + (" " + place_phrase(place) if place.known else "") + "."),
            avertissements=[scheme["etat"]["texte"]] if scheme["etat"]["valeur"] != "en_place" else [],
            contacts=_contacts(scheme), a_qui_demander=list(scheme.get("a_qui_demander") or []),
            sources=_sources_for(scheme), etat=scheme["etat"]["valeur"], guichet=True))
    return out


def orient(raw_profile: Mapping[str, Any] | Profile | None, catalogue: Catalogue,
           territories: Territories | None, limit: int = MAX_SPECIFIC) -> Orientation:
    """Ranked recommendations for a profile. Never raises on a bad profile, never returns nothing."""
    profile, notes = clean_profile(raw_profile)
    place, place_notes = locate(profile, territories)
    notes.extend(place_notes)
    if profile.commune and place.commune is None:
        profile = replace(profile, commune=None)
    if place.departement and profile.departement != place.departement:
        profile = replace(profile, departement=place.departement)
    if not place.known:
        notes.append("Sans votre commune ou votre département, je ne peux proposer que des "
                     "ressources nationales. Indiquez votre commune pour des conseils près de chez vous.")

    exclusions: dict[str, str] = {}
    strict_ids: set[str] | None = None
    chosen: list[Recommendation] = []
    for relax in (_Relax(), _Relax(needs=True), _Relax(needs=True, stage=True)):
        candidates = []
        for scheme in catalogue:
            if scheme.get("guichet"):
                continue
            rec, reason = _evaluate(scheme, profile, place, territories, relax)
            if rec is None:
                exclusions.setdefault(scheme["id"], reason)
                continue
            exclusions.pop(scheme["id"], None)
            candidates.append(rec)
        if strict_ids is None:
            strict_ids = {r.id for r in candidates}
        # Best first; what fits strictly stays ahead of what only a wider search found, and at
        # equal score the nearest scheme comes first (commune, EPCI, department, region, France).
        candidates.sort(key=lambda r: (r.id not in strict_ids, -r.score, _LEVEL_ORDER.index(r.niveau), r.nom))
        chosen = candidates[:limit]
        if len(candidates) >= MIN_SPECIFIC:
            break
    for rec in chosen:
        rec.elargi = rec.id not in (strict_ids or set())
    widened = any(rec.elargi for rec in chosen)
    if widened:
        notes.append("Peu de dispositifs correspondent exactement à votre situation : "
                     "j'ai élargi la recherche aux plus proches.")
    chosen.extend(_desks(catalogue, place, territories, {r.id for r in chosen}, profile.statut))
    if not chosen:  # pragma: no cover - the catalogue always has national desks
        notes.append("Je n'ai trouvé aucun dispositif.")
    return Orientation(profile, place, chosen, notes, widened, exclusions)
