"""A name with its area: a department, region or postal code written next to a name
decides between homonyms ("Revel (38)", "Saint-Paul, La Réunion", "Valence dans la
Drôme", "Villeneuve 31", "31320 Auzeville", "Castanet-Tolosan 31320")."""
from __future__ import annotations

import re
from typing import Optional

from knowledge.territory.candidates import Candidates
from knowledge.territory.models import DEPARTEMENT, REGION, LookupResult
from knowledge.territory.names import NameTables
from knowledge.territory.places import Places
from knowledge.territory.results import chosen_result
from knowledge.territory.text import ARTICLES, DEPT_WORDS, LEAD_WORDS, LINKERS, normalize

DEPT_NUMBER_RE = re.compile(r"^(?:\d{1,3}|2[ab])$")
_NAME_LEAD = LEAD_WORDS - ARTICLES
_AREA_LEAD = LINKERS | DEPT_WORDS | frozenset({"dans", "region"})
# a name that ends with one of these goes on: "Châteauneuf-sur-Loire" is not in the Loire
_NAME_GOES_ON = frozenset({"s", "sur", "sous", "lez", "les", "l", "d", "de", "du", "des", "et", "aux", "au"})


class Areas:
    def __init__(self, places: Places, names: NameTables, candidates: Candidates) -> None:
        self.places, self.names, self.candidates = places, names, candidates

    def area(self, tokens: list[str]) -> Optional[tuple[str, str]]:
        """("cp" | "departement" | "region", code) when ``tokens`` are only a postal code,
        a department number, or a department or region name ("(32)", "en Haute-Garonne")."""
        while len(tokens) > 1 and tokens[0] in _AREA_LEAD:
            tokens = tokens[1:]
        if len(tokens) == 1 and re.fullmatch(r"\d{5}", tokens[0]):
            return "cp", tokens[0]
        if len(tokens) == 1 and DEPT_NUMBER_RE.fullmatch(tokens[0]):
            code = tokens[0].upper().zfill(2)
            if code == "20":
                return "region", "94"
            return ("departement", code) if code in self.places.departements else None
        key = " ".join(tokens)
        for e in self.names.exact.get(key, []) + self.names.article.get(key, []):
            if e.kind == DEPARTEMENT:
                return "departement", e.code
            if e.kind == REGION:
                return "region", e.code
        return None

    def name_with_area(self, query: str, tokens: list[str]) -> Optional[LookupResult]:
        """The area at the end (up to four words) or a code at the start."""
        splits = [(tokens[:-k], tokens[-k:]) for k in range(1, min(5, len(tokens)))]
        splits += [(tokens[1:], tokens[:1])] if len(tokens) > 1 else []
        for name, where in splits:
            if not where[-1][:1].isdigit() and (name[-1:] and name[-1] in _NAME_GOES_ON or (
                    len(name) > 1 and name[-1] in ARTICLES and name[-2] in _NAME_GOES_ON)):
                continue  # "Châteauneuf-sur-Loire", "Verdun-sur-le-Doubs": not in the Loire, the Doubs
            while name and name[-1] in _AREA_LEAD:
                name = name[:-1]
            area = self.area(where) if name else None
            if area is None:
                continue
            # the name as written, then without leading context words ("je suis à"); a
            # name may start with one ("Notre-Dame-de-Livaye", "Ville-sur-Arce")
            variants = [name]
            while len(variants[-1]) > 1 and variants[-1][0] in _NAME_LEAD:
                variants.append(variants[-1][1:])
            for variant in variants:
                res = self.in_area(query, variant, *area)
                if res is not None:
                    return res
            if area[0] == "cp":
                res = self.near_postal_code(query, variants[-1], area[1])
                if res is not None:
                    return res
        return None

    def in_area(self, query: str, name: list[str], kind: str, code: str) -> Optional[LookupResult]:
        """The communes of that name in that area: bearing the name, else shortened to it,
        else within a typo of it. For a postal code, its department counts too (La Poste
        serves some communes from a code that Etalab does not list for them: Aubin 12300)."""
        places, candidates = self.places, self.candidates
        key = " ".join(name)
        areas = [(kind, code)]
        if kind == "cp" and places.postal_departement(code):
            areas.append(("departement", places.postal_departement(code)))
        primary, aliases = candidates.bearing(key)
        pools = [(lambda: (primary, aliases), "exact"), (lambda: (candidates.shortened_to(name), []), "abrege"),
                 (lambda: (candidates.within_typo(key), []), "fuzzy")]
        for pool, match in pools:
            found, extra = pool()
            for where, what in areas:
                here, extra_here = candidates.inside(found, where, what), candidates.inside(extra, where, what)
                if here or extra_here:
                    return chosen_result(places, query, here, extra_here, match)
        return None

    def near_postal_code(self, query: str, name: list[str], cp: str) -> Optional[LookupResult]:
        """A name that matches no commune of its postal code: the name's only commune (a
        nearby postal code: "Le Clapier 34260"), else the communes of that code, or of its
        department, that share a word with it (renamed or merged: "Neussargues en Pinatelle"
        for Neussargues-Moissac)."""
        places = self.places
        primary, aliases = self.candidates.bearing(" ".join(name))
        if len(primary + aliases) == 1:
            return chosen_result(places, query, primary, aliases, "exact")
        words = {t for t in name if len(t) >= 4 and t not in LINKERS and t not in ("saint", "sainte")}
        dep = places.postal_departement(cp)
        for pool in (places.communes_by_postal_code(cp),
                     [c for c in places.communes.values() if c.departement == dep] if dep else []):
            sharing = [c for c in pool if words & set(normalize(c.nom).split())]
            if sharing:
                return chosen_result(places, query, sharing, [], "abrege")
        return None
