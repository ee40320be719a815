"""From candidate places to a ``LookupResult``: the territorial preference and the fields
that go with each kind of answer.

The preference: a name shared by several communes means the one of the home
department (Revel → 31451), else the one of the home region (Castres → Tarn), else
nobody in particular (Saint-Denis: ambiguous, by population). The home department's
short names ("Portet", "Castanet") count when no commune bears the name itself, or a
much smaller one does.
"""
from __future__ import annotations

from typing import Optional

from knowledge.territory.models import Commune, Epci, LookupResult
from knowledge.territory.places import Places


def _pop(c: Commune) -> int:
    return -(c.population or 0)


def choose(places: Places, primary: list[Commune], aliases: list[Commune]) -> tuple[str, list[Commune], list[Commune]]:
    """Apply the territorial preference. Returns (status, ordered, others):
    ``ordered[0]`` is the choice when found, or ``ordered`` the candidates."""
    home_dep, home_reg = places.home_departement, places.home_region
    primary_codes = {c.code for c in primary}
    aliases = [c for c in aliases if c.code not in primary_codes]
    everyone = primary + aliases
    if not everyone:
        return "unknown", [], []
    home = [c for c in primary if c.departement == home_dep]
    if not home:
        home_alias = sorted((c for c in aliases if c.departement == home_dep), key=_pop)
        biggest = max(((c.population or 0) for c in primary), default=-1)
        if home_alias and (home_alias[0].population or 0) > biggest:
            home = home_alias
            # a short name of several communes: the much larger one is meant
            # ("Portet" → Portet-sur-Garonne, not Portet-d'Aspet)
            if len(home) > 1 and (home[0].population or 0) >= 5 * (home[1].population or 0):
                home = home[:1]
    group = home
    if not group:
        group = [c for c in primary if c.region == home_reg]
        if len(group) != 1:
            group = primary or aliases
    others = sorted((c for c in everyone if c not in group), key=lambda c: (places.pref(c), _pop(c)))
    if len(group) == 1:
        return "found", group, others
    if group is home:
        ordered = sorted(group, key=_pop)
    else:  # no single preferred commune: every homonym, home first, then by population
        ordered = sorted(everyone, key=lambda c: (c.departement != home_dep, _pop(c)))
        others = []
    return "ambiguous", ordered + others, []


def commune_result(places: Places, query: str, status: str, ordered: list[Commune], others: list[Commune],
                   match: str, matched: Optional[str], kind: str = "commune",
                   code_postal: Optional[str] = None) -> LookupResult:
    res = LookupResult(query=query, status=status, kind=kind, match=match, matched=matched,
                       code_postal=code_postal)
    if status == "found":
        res.commune = ordered[0]
        res.alternatives = list(others)
        res.departement = places.departements.get(ordered[0].departement)
        res.region = places.regions.get(ordered[0].region)
    else:
        res.candidates = list(ordered)
        deps = {c.departement for c in ordered}
        regs = {c.region for c in ordered}
        if len(deps) == 1:
            res.departement = places.departements.get(next(iter(deps)))
        if len(regs) == 1:
            res.region = places.regions.get(next(iter(regs)))
    return res


def chosen_result(places: Places, query: str, primary: list[Commune], aliases: list[Commune], match: str,
                  matched: Optional[str] = None) -> Optional[LookupResult]:
    """``choose``, then ``commune_result``; None when there is nobody to choose from."""
    status, ordered, others = choose(places, primary, aliases)
    if status == "unknown":
        return None
    return commune_result(places, query, status, ordered, others, match, matched or ordered[0].nom)


def departement_result(places: Places, query: str, code: str, match: str, matched: str,
                       homonyms: Optional[list[Commune]] = None) -> LookupResult:
    d = places.departements[code]
    return LookupResult(query=query, status="found", kind="departement", departement=d,
                        region=places.regions.get(d.region), match=match, matched=matched,
                        alternatives=_by_preference(places, homonyms))


def region_result(places: Places, query: str, code: str, match: str, matched: str,
                  homonyms: Optional[list[Commune]] = None) -> LookupResult:
    return LookupResult(query=query, status="found", kind="region", region=places.regions[code],
                        match=match, matched=matched, alternatives=_by_preference(places, homonyms))


def epci_result(places: Places, query: str, epci: Epci, match: str = "epci") -> LookupResult:
    dep = places.departements.get(epci.departement or "")
    return LookupResult(query=query, status="found", kind="epci", epci=epci, departement=dep,
                        region=places.regions.get(dep.region) if dep else None, match=match, matched=epci.nom)


def postal_result(places: Places, query: str, cp: str) -> Optional[LookupResult]:
    """The communes of a postal code; when several, their department if they share it or
    if the code's own department is among theirs (01200: Ain, not Haute-Savoie)."""
    communes = places.communes_by_postal_code(cp)
    if not communes:
        return None
    status = "found" if len(communes) == 1 else "ambiguous"
    res = commune_result(places, query, status, communes, [], "code_postal", cp, kind="code_postal", code_postal=cp)
    if status == "ambiguous" and res.departement is None:
        prefix = cp[:3] if cp.startswith(("97", "98")) else cp[:2]
        if prefix in {c.departement for c in communes}:
            res.departement = places.departements.get(prefix)
            res.region = places.regions.get(res.departement.region) if res.departement else None
    return res


def _by_preference(places: Places, communes: Optional[list[Commune]]) -> list[Commune]:
    return sorted(communes or [], key=lambda c: (places.pref(c), _pop(c)))
