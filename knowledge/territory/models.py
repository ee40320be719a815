"""Value types of the territory index: what callers receive, and the entry type of the name tables.

Every type a caller sees is a frozen dataclass (safe to share between threads), except
``LookupResult``, which the lookup fills step by step before handing it over.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, Optional

HOME_DEPARTEMENT = "31"  # the assistant serves Haute-Garonne first ...
HOME_REGION = "76"  # ... then Occitanie

CURRENT = "commune-actuelle"  # Etalab type of a current commune

# Entry kinds in the name tables
COMMUNE, DEPARTEMENT, REGION = "c", "d", "r"


@dataclass(frozen=True)
class Region:
    code: str
    nom: str


@dataclass(frozen=True)
class Departement:
    code: str
    nom: str
    region: str


@dataclass(frozen=True)
class Epci:
    code: str  # SIREN
    nom: str
    type: str  # CC, CA, CU, METRO, MET69
    membres: tuple[str, ...]  # INSEE codes of the member communes
    departement: Optional[str] = None  # the department of most of its members


@dataclass(frozen=True)
class Commune:
    code: str  # INSEE code of the current commune
    nom: str
    codes_postaux: tuple[str, ...]
    departement: str
    region: str
    epci: Optional[str]
    epci_nom: Optional[str]
    population: Optional[int]


@dataclass
class LookupResult:
    """Outcome of ``TerritoryIndex.lookup``.

    status: ``found`` | ``ambiguous`` | ``unknown``.
    kind: ``commune`` | ``code_postal`` | ``epci`` | ``departement`` | ``region`` | None.
    commune: the commune when found (kind commune or code_postal).
    epci: the intercommunality when kind is ``epci`` (then ``departement`` is the
        department of most of its members and ``commune`` is None).
    departement / region: set whenever they are known (also for an ambiguous
        postal code or name whose candidates share them).
    candidates: for ``ambiguous``, the communes to choose from, best first.
    alternatives: for ``found`` by preference (Revel → 31451), the other communes
        of that name, so that the assistant can offer them; also the communes named
        like a department or region found as such ("Vienne" → 86, and Vienne, Isère).
    suggestions: for ``unknown``, up to 5 communes with a close name.
    match: how it matched: exact, ancien_nom, arrondissement, article, alias,
        compact, abrege, fuzzy, code_postal, code_insee, numero, epci.
    matched: the official name or code that matched (e.g. "Toulouse" for
        "Toulouze", "Lunax" for an old commune name).
    """

    query: str
    status: str = "unknown"
    kind: Optional[str] = None
    commune: Optional[Commune] = None
    departement: Optional[Departement] = None
    region: Optional[Region] = None
    candidates: list[Commune] = field(default_factory=list)
    suggestions: list[Commune] = field(default_factory=list)
    alternatives: list[Commune] = field(default_factory=list)
    match: Optional[str] = None
    matched: Optional[str] = None
    code_postal: Optional[str] = None
    epci: Optional[Epci] = None

    @property
    def found(self) -> bool:
        return self.status == "found"


@dataclass(frozen=True)
class Mention:
    start: int  # character offsets in the sentence given to find_in_text
    end: int
    text: str
    result: LookupResult


class Entry(NamedTuple):
    """One way of naming a place in the name tables."""

    kind: str  # COMMUNE, DEPARTEMENT or REGION
    code: str
    match: str  # how this key names it: exact, ancien_nom, arrondissement, article, alias
    name: str  # the official name it stands for
