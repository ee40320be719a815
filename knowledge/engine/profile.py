"""The profile the engine reads, cleaned, and the place it is located at."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Protocol

from knowledge.values import BESOINS, FORMES, PUBLICS, STADES, STATUTS


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
    besoins: tuple[str, ...] = ()      # in the person's order: the first is the main one
    secteur: str | None = None
    innovation_sociale: bool | None = None
    publics: tuple[str, ...] = ()
    forme_envisagee: str | None = None  # the legal form to create, or that a structure would take
    test_activite: bool | None = None   # wants to test an activity before creating a structure
    demandes: tuple[str, ...] = ()      # schemes the person asked for by name (catalogue ids)

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
        if self.forme_envisagee:
            out["forme_envisagee"] = self.forme_envisagee
        if self.test_activite is not None:
            out["test_activite"] = self.test_activite
        if self.demandes:
            out["dispositifs_demandes"] = list(self.demandes)
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
        return self.commune_nom or self.departement_nom or self.region_nom or "votre territoire"


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
    employeur = raw.get("employeur") if isinstance(raw.get("employeur"), bool) else None
    besoins_raw = _as_list(raw.get("besoins"))
    # The person's order is kept: the first need named is the main one (review E1).
    besoins = tuple(dict.fromkeys(b for b in besoins_raw if isinstance(b, str) and b in BESOINS))
    unknown_needs = [b for b in besoins_raw if not (isinstance(b, str) and b in BESOINS)]
    if unknown_needs:
        notes.append("Je n'ai pas reconnu ces besoins : " + ", ".join(map(str, unknown_needs)) + ".")
    publics = tuple(dict.fromkeys(p for p in _as_list(raw.get("publics")) if isinstance(p, str) and p in PUBLICS))
    innovation = raw.get("innovation_sociale") if isinstance(raw.get("innovation_sociale"), bool) else None
    commune = raw.get("commune") if isinstance(raw.get("commune"), str) and raw.get("commune") else None
    departement = raw.get("departement") if isinstance(raw.get("departement"), str) and raw.get("departement") else None
    secteur = raw.get("secteur") if isinstance(raw.get("secteur"), str) else None
    forme = raw.get("forme_envisagee") if raw.get("forme_envisagee") in FORMES else None
    test = raw.get("test_activite") if isinstance(raw.get("test_activite"), bool) else None
    demandes = tuple(dict.fromkeys(d for d in _as_list(raw.get("dispositifs_demandes")) if isinstance(d, str)))

    if statut in ("sans_structure", "collectivite") and employeur is not None:
        if statut == "sans_structure" and employeur:
            notes.append("Sans structure, il ne peut pas encore y avoir de salariés : "
                         "je n'ai pas tenu compte de « employeur ».")
        employeur = None
    if statut == "collectivite" and stade == "reprise":
        stade = None
    if forme == statut:
        forme = None  # a form considered is a change: an association does not « become » one
    return Profile(statut, employeur, stade, commune, departement, besoins, secteur, innovation,
                   publics, forme, test, demandes), notes


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
