"""Orientation: a pure function from a profile to ranked recommendations, desks and reasons.

``orient(profile, catalogue, territories)`` reads nothing else: no database, no network, no
clock. The steps:
1. the profile is cleaned and the place located (commune → EPCI → department → region);
2. a national network gives way to its member of the person's region (``declinaisons``);
3. every scheme is excluded with a coded reason, or scored;
4. when fewer than three fit strictly, the search widens: stage first, then needs (E2);
5. the orientation desks of the place close the list; every recommendation gets a contact,
   its own or that of an entry that applies at the place and has one (``a_qui_demander``).
"""
from __future__ import annotations

from collections import Counter

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from knowledge import wording
from knowledge.catalogue import Catalogue
from knowledge.engine.profile import Place, Profile, Territories, clean_profile, locate
from knowledge.engine.rules import (LEVEL_ORDER, Code, Exclusion, applies_at, exclusion, status_fits,
                                    refs_of, territory_level)
from knowledge.engine.scoring import fit, is_local_service
from knowledge.values import EMPLOYER_STATUTS

MAX_SPECIFIC = 5
MIN_SPECIFIC = 3
SHOWN = 3           # shown by default; up to MAX_SPECIFIC when they all fit strongly
STRONG = 9.0        # a score this high means need, stage and who the person is all fit
PASSES = ((False, False), (True, False), (False, True), (True, True))  # (relax stage, relax needs)
MAX_DESKS = 2


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
    adequation: str = ""
    contact: dict | None = None          # the contact to take: its own, or that of ``ou_demander``
    ou_demander: dict | None = None      # {"id", "nom"} of the entry to ask when it has none of its own

    def as_payload(self) -> dict[str, Any]:
        return {"id": self.id, "nom": self.nom, "pourquoi": self.pourquoi, "adequation": self.adequation,
                "criteres": self.criteres, "avertissements": self.avertissements, "etat": self.etat,
                "niveau_territorial": self.niveau, "guichet": self.guichet, "elargi": self.elargi,
                "contact": self.contact, "ou_demander": self.ou_demander, "contacts": self.contacts,
                "a_qui_demander": self.a_qui_demander, "sources": self.sources}


@dataclass
class Orientation:
    profil: Profile
    place: Place
    recommandations: list[Recommendation]        # specific schemes, best first (up to ``limit``)
    guichets: list[Recommendation]               # orientation desks of the place
    notes: list[str] = field(default_factory=list)
    elargi: bool = False
    exclusions: dict[str, Exclusion] = field(default_factory=dict)
    manque: list[str] = field(default_factory=list)  # questions whose answer would make it more precise
    reseaux: list[Recommendation] = field(default_factory=list)  # the networks of the person's public or form
    # schemes the person named that are not for them: id -> (name, the reason in words)
    cites_exclus: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.recommandations + self.guichets]

    @property
    def shown(self) -> list[Recommendation]:
        """What the answer shows: the best 3 (up to 5 when all fit strongly), then the desks."""
        strong = [r for r in self.recommandations if not r.elargi and r.score >= STRONG]
        # One more for each further need the person named: two needs, four schemes.
        base = min(MAX_SPECIFIC, SHOWN + max(0, len(self.profil.besoins) - 1))
        count = max(base, min(MAX_SPECIFIC, len(strong)))
        top = self.recommandations[:count]
        # The network of the person's own kind of structure first, then what answers their needs.
        return self.reseaux + [r for r in top if r.id not in {n.id for n in self.reseaux}] + self.guichets

    def rest(self) -> list[Recommendation]:
        shown = {r.id for r in self.shown}
        return [r for r in self.recommandations if r.id not in shown]

    def as_payload(self) -> dict[str, Any]:
        return {"profil": self.profil.as_contract(), "dispositifs": [r.as_payload() for r in self.shown],
                "autres_pistes": [r.as_payload() for r in self.rest()], "elargi": self.elargi,
                "notes": self.notes, "manque": self.manque}


def _sources_for(scheme: Mapping) -> list[str]:
    return list(dict.fromkeys(r for block in (scheme["description"], scheme["cible"], scheme["territoire"])
                              for r in refs_of(block)))


def _contacts(scheme: Mapping) -> list[dict]:
    out = []
    for contact in scheme.get("contacts") or []:
        item = {k: contact[k] for k in ("nom", "site", "email", "telephone", "adresse", "personne", "verifie_departement")
                if contact.get(k)}
        item["date_information"] = contact["date_information"]
        item["ancien"] = bool(contact.get("ancien"))
        out.append(item)
    return sorted(out, key=lambda c: c["ancien"])  # current contacts first, old ones after


def members_at(catalogue: Catalogue, place: Place, territories: Territories | None) -> dict[str, str]:
    """National entry id → its member that covers the place (« la CRESS de votre région » → CRESS Occitanie)."""
    out: dict[str, str] = {}
    if not place.known:
        return out
    for scheme in catalogue:
        for member_id in scheme.get("declinaisons") or []:
            member = catalogue.get(member_id)
            if member is not None and member["etat"]["valeur"] != "historique" and \
                    territory_level(member, place, territories) is not None:
                out.setdefault(scheme["id"], member_id)
    return out


def resolve_contact(scheme: Mapping, catalogue: Catalogue, place: Place, territories: Territories | None,
                    members: Mapping[str, str]) -> tuple[dict | None, Mapping | None]:
    """A current contact: the scheme's own, or that of the nearest entry to ask that applies at the
    place (following ``a_qui_demander``, national entries replaced by their member, no loops)."""
    own = [c for c in _contacts(scheme) if not c["ancien"]]
    if own:
        return own[0], None
    seen = {scheme["id"]}
    queue = list(scheme.get("a_qui_demander") or [])
    while queue:
        target_id = members.get(queue[0], queue[0])
        queue.pop(0)
        target = catalogue.get(target_id)
        if target is None or target_id in seen or not applies_at(target, place, territories):
            continue
        seen.add(target_id)
        current = [c for c in _contacts(target) if not c["ancien"]]
        if current:
            return current[0], target
        queue.extend(target.get("a_qui_demander") or [])
    return None, None


def _recommendation(scheme: Mapping, profile: Profile, place: Place, level: str, catalogue: Catalogue,
                    territories: Territories | None, members: Mapping[str, str], *, desk: bool) -> Recommendation:
    f = fit(scheme, profile, level)
    # A desk without a contact of its own is not sent on to another desk: the answer says so and
    # offers the assistant's own call-back instead.
    contact, via = (([c for c in _contacts(scheme) if not c["ancien"]][:1] or [None])[0], None) if desk else \
        resolve_contact(scheme, catalogue, place, territories, members)
    warnings = [wording.warning_text(code, scheme) for code in f.warnings]
    return Recommendation(
        id=scheme["id"], nom=scheme["nom"], score=0.0 if desk else f.score, niveau=level, criteres=f.criteria,
        pourquoi=wording.what_it_does(scheme), avertissements=warnings, contacts=_contacts(scheme),
        a_qui_demander=list(scheme.get("a_qui_demander") or []), sources=_sources_for(scheme),
        etat=scheme["etat"]["valeur"], guichet=desk,
        adequation="" if desk else wording.fit_line(profile, f.criteria, f.needs, level, place),
        contact=contact, ou_demander={"id": via["id"], "nom": via["nom"]} if via else None)


def desks(catalogue: Catalogue, profile: Profile, place: Place, territories: Territories | None,
          members: Mapping[str, str]) -> list[Recommendation]:
    """The orientation desks of the place for this kind of person, nearest first."""
    found = []
    replaced = set(members)
    for scheme in catalogue:
        if not scheme.get("guichet") or scheme["id"] in replaced or not applies_at(scheme, place, territories):
            continue
        statuts = scheme["cible"].get("statuts") or []
        # A desk that names statuses serves only them (the department has one desk for porteurs and one
        # for communes and EPCI); a desk that names none (the CRESS, Avise) serves everyone.
        if statuts == ["collectivite"] and profile.statut != "collectivite":
            continue
        if profile.statut and statuts and profile.statut not in statuts:
            continue
        if status_fits(scheme, replace(profile, employeur=None)) is not None and statuts:
            continue
        level = territory_level(scheme, place, territories)
        # Nearest first; a desk for this kind of person before one for everyone; a resource centre
        # (Avise) after a network with people to talk to (the CRESS of the region).
        # Without a place the national resource centre comes first: « the CRESS of your region » says
        # little when the region is not known.
        resource_last = (scheme["categorie"] == "ressource") == place.known
        found.append((LEVEL_ORDER.index(level), 0 if statuts else 1, resource_last, scheme["id"], scheme, level))
    found.sort(key=lambda item: item[:4])
    return [_recommendation(s, profile, place, level, catalogue, territories, members, desk=True)
            for *_k, s, level in found[:MAX_DESKS]]


def _cover_needs(candidates: list[tuple], profile: Profile) -> list[tuple]:
    """Ranked candidates, reordered so that each need the person named (in their order) is answered
    by one of the first: « un accompagnement et un financement » gets both, not three of one."""
    first: list[tuple] = []
    for need in profile.besoins:
        if any(need in (c[0]["cible"].get("besoins") or []) for c in first):
            continue
        match = next((c for c in candidates if c not in first and need in (c[0]["cible"].get("besoins") or [])), None)
        if match is not None:
            first.append(match)
    first.sort(key=candidates.index)
    return first + [c for c in candidates if c not in first]


def _belongs(scheme: Mapping, profile: Profile) -> bool:
    """The person is of the public or the legal form the network is for."""
    cible = scheme["cible"]
    if set(cible.get("reserve_a") or []) & set(profile.publics):
        return True
    forme = cible.get("forme_juridique")
    return bool(forme) and (profile.statut == forme or profile.forme_envisagee == forme
                            or (forme == "cooperative" and profile.stade == "reprise"))


def entry_points(catalogue: Catalogue, profile: Profile, place: Place, territories: Territories | None,
                 members: Mapping[str, str]) -> list[Recommendation]:
    """The network a public or a legal form turns to first (IAE networks for an SIAE, the URSCOP for a
    cooperative or a takeover by employees): shown whatever the need, so that nobody is left without
    the entry point of their own kind of structure (review C5, E7)."""
    found = []
    # The network of the narrowest public first: for an entreprise d'insertion its own federation (FEI)
    # before the networks of every SIAE (COORACE, FAS).
    share = Counter(p for s in catalogue if s.get("point_entree") for p in s["cible"].get("reserve_a") or [])
    for scheme in catalogue:
        if not scheme.get("point_entree") or scheme["id"] in members or not _belongs(scheme, profile):
            continue
        if not applies_at(scheme, place, territories) or status_fits(scheme, profile) is not None:
            continue
        level = territory_level(scheme, place, territories)
        mine = set(scheme["cible"].get("reserve_a") or []) & set(profile.publics)
        narrow = min((share[p] for p in mine), default=len(catalogue))
        found.append((narrow, LEVEL_ORDER.index(level), scheme["id"], scheme, level))
    found.sort(key=lambda item: item[:3])
    return [_recommendation(s, profile, place, level, catalogue, territories, members, desk=False)
            for *_k, s, level in found[:2]]


def _distance(level: str) -> int:
    """How far a local service (premises, incubation, test of activity) is likely to be: a national
    entry is a network with a member in every department (the CAE, the couveuses), not a far place."""
    return LEVEL_ORDER.index("departement" if level == "national" else level)


def missing(profile: Profile) -> list[str]:
    out = [q for q, v in (("statut", profile.statut), ("stade", profile.stade)) if v is None]
    if profile.commune is None:
        out.append("commune")
    if not profile.besoins:
        out.append("besoins")
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
                     "ressources nationales.")
    members = members_at(catalogue, place, territories)
    reseaux = entry_points(catalogue, profile, place, territories, members)
    if profile.statut is None and not profile.besoins:
        # Nothing known of the project: the desks of the territory, and what would make it precise.
        return Orientation(profile, place, [], desks(catalogue, profile, place, territories, members), notes,
                           False, {}, missing(profile))
    exclusions: dict[str, Exclusion] = {}
    strict: set[str] | None = None
    chosen: list[tuple] = []
    for relax_stage, relax_needs in PASSES:
        candidates = []
        for scheme in catalogue:
            if scheme.get("guichet") or scheme["id"] in {r.id for r in reseaux}:
                continue  # desks and the person's own network are shown in their own places
            if scheme["id"] in members:
                exclusions[scheme["id"]] = Exclusion(Code.DECLINAISON, (), {"membre": members[scheme["id"]]})
                continue
            # A wider stage never brings a scheme for employers to a project that employs nobody yet.
            young = profile.stade in ("idee", "creation") and profile.employeur is not True
            relax = relax_stage and not (young and scheme["cible"].get("employeur"))
            why_not = exclusion(scheme, profile, place, territories, relax_stage=relax, relax_needs=relax_needs)
            if why_not is not None:
                exclusions.setdefault(scheme["id"], why_not)
                continue
            exclusions.pop(scheme["id"], None)
            level = territory_level(scheme, place, territories)
            f = fit(scheme, profile, level)
            near = _distance(level) if is_local_service(scheme, f.needs) else 0
            candidates.append((scheme, level, f.score, near))
        if strict is None:
            strict = {s["id"] for s, *_ in candidates}
        # Best first; what fits strictly stays ahead of what only a wider search found; services that
        # are local by nature come nearest first; at equal score, the nearest.
        candidates.sort(key=lambda c: (c[0]["id"] not in strict, -c[2] + c[3] * 0.5, LEVEL_ORDER.index(c[1]), c[0]["nom"]))
        chosen = _cover_needs(candidates, profile)[:limit]
        # Widen stage first; widen needs only when nothing answers them at all (a scheme for another need
        # is no answer: the desks are).
        if len(candidates) >= MIN_SPECIFIC or (relax_stage and candidates):
            break
    chosen, named_out = _named_first(chosen, catalogue, profile, place, territories, members, limit)
    recs = []
    for scheme, level, _score, _near in chosen:
        rec = _recommendation(scheme, profile, place, level, catalogue, territories, members, desk=False)
        rec.elargi = scheme["id"] not in (strict or set())
        recs.append(rec)
    widened = any(r.elargi for r in recs)
    if widened:
        notes.append("Peu de dispositifs correspondent exactement à votre situation : "
                     "j'ai élargi la recherche aux plus proches.")
    guichets = desks(catalogue, profile, place, territories, members)
    return Orientation(profile, place, recs, guichets, notes, widened, exclusions, missing(profile), reseaux,
                       named_out)


# Why a scheme the person named is not for them is worth saying only on grounds of their profile: out of
# their territory its regional counterpart is in the answer, and a national network gives way to its member.
NAMED_REASONS = {Code.PUBLIC_RESERVE, Code.COLLECTIVITES_SEULEMENT, Code.EMPLOYEUR, Code.STRUCTURE_EXISTANTE,
                 Code.STATUT, Code.PAS_COLLECTIVITES, Code.INNOVATION, Code.FORME, Code.STADE, Code.ECHELLE,
                 Code.HISTORIQUE, Code.ACTIVITE_INDIVIDUELLE}


def _named_first(chosen: list[tuple], catalogue: Catalogue, profile: Profile, place: Place,
                 territories: Territories | None, members: Mapping[str, str], limit: int):
    """The schemes the person asked for by name (« candidater à Territoires zéro chômeur ») come first when
    they fit, whatever the need; those that do not fit are returned with the reason, to be said."""
    first, excluded = [], {}
    for scheme_id in profile.demandes:
        scheme = catalogue.get(scheme_id)
        if scheme is None or scheme.get("guichet") or scheme_id in members:
            continue
        why_not = exclusion(scheme, profile, place, territories, relax_stage=False, relax_needs=True)
        if why_not is not None and why_not.code != Code.NON_SERVICE:  # asked for by name: the need is said
            if why_not.code in NAMED_REASONS:
                excluded[scheme_id] = (scheme["nom"], wording.reason(why_not.code.value, scheme, why_not.detail,
                                                                     catalogue))
            continue
        level = territory_level(scheme, place, territories)
        first.append(next((c for c in chosen if c[0]["id"] == scheme_id), None)
                     or (scheme, level, fit(scheme, profile, level).score, 0))
    ids = {c[0]["id"] for c in first}
    return (first + [c for c in chosen if c[0]["id"] not in ids])[:limit], excluded


def open_questions(raw_profile: Mapping[str, Any] | Profile | None, catalogue: Catalogue,
                   territories: Territories | None) -> list[str]:
    """The profile questions still unanswered whose answer can change the orientation."""
    profile, _ = clean_profile(raw_profile)
    place, _ = locate(profile, territories)
    out = [q for q, v in (("statut", profile.statut), ("stade", profile.stade)) if v is None]
    if profile.commune is None or place.commune is None:
        if not place.known:
            out.append("commune")
        elif any(territory_level(s, place, territories) == "selon_commune" and s["etat"]["valeur"] != "historique"
                 for s in catalogue):
            out.append("commune")  # some schemes cover only part of this department
    if not profile.besoins:
        out.append("besoins")
    if profile.employeur is None and profile.statut in EMPLOYER_STATUTS:
        with_staff = replace(profile, employeur=True)
        if any(s["cible"].get("employeur") and exclusion(s, with_staff, place, territories, relax_stage=False,
                                                          relax_needs=False) is None for s in catalogue):
            out.append("employeur")
    return out


@dataclass
class Explanation:
    """Why a scheme is or is not in an orientation (« pourquoi pas le DLA ? »)."""
    scheme_id: str
    etat: str                      # shown | listed | excluded | unknown
    rang: int | None = None
    raison: str = ""
    sources: tuple[str, ...] = ()


def explain(scheme_id: str, orientation: Orientation, catalogue: Catalogue) -> Explanation:
    scheme = catalogue.get(scheme_id)
    if scheme is None:
        return Explanation(scheme_id, "unknown")
    shown = [r.id for r in orientation.shown]
    if scheme_id in shown:
        return Explanation(scheme_id, "shown", shown.index(scheme_id) + 1)
    if scheme_id in [r.id for r in orientation.recommandations + orientation.reseaux]:
        return Explanation(scheme_id, "listed")
    why_not = orientation.exclusions.get(scheme_id)
    if why_not is None:
        return Explanation(scheme_id, "listed")
    return Explanation(scheme_id, "excluded", None, wording.reason(why_not.code.value, scheme, why_not.detail, catalogue),
                       why_not.sources)


def describe(scheme_id: str, raw_profile: Mapping[str, Any] | Profile | None, catalogue: Catalogue,
             territories: Territories | None) -> Recommendation | None:
    """One scheme as a recommendation for this profile (its fit, and a contact that leads somewhere),
    whether or not the orientation listed it: for « le contact de la CAE » and « détails du 2 »."""
    scheme = catalogue.get(scheme_id)
    if scheme is None:
        return None
    profile, _ = clean_profile(raw_profile)
    place, _ = locate(profile, territories)
    level = territory_level(scheme, place, territories) or "national"
    return _recommendation(scheme, profile, place, level, catalogue, territories,
                           members_at(catalogue, place, territories), desk=bool(scheme.get("guichet")))
