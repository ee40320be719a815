"""The name tables: every way a place is commonly named, as a normalised key.

* ``exact``: official names of regions, departments, communes, old communes
  (communes déléguées/associées → ``ancien_nom``) and municipal arrondissements
  ("Paris 15", "Lyon 3e");
* ``article``: names without their article ("Fousseret" → Le Fousseret);
* ``alias``: the usual short names of the communes of the home department
  ("Ramonville", "Castanet", "Saint-Orens");
* ``compact``: names written without spaces ("lunion" → L'Union);
* ``epci_full`` / ``epci_core``: intercommunalities by official name and by their
  usual short form ("CA Le Muretain Agglo" → "muretain", "CC Grand-Figeac" →
  "grand figeac", "Toulouse Métropole" → "toulouse"); ``epci_city``: by the name of
  their largest commune, when said with type words ("l'agglo de Muret", "Montpellier
  Métropole"); ``parse_epci`` reads the type words of a query ("CC", "communauté de
  communes", "agglo", "métropole"...);
* ``by_first`` / ``by_second``: commune keys by first word (and the initial of a later
  word), for names shortened the La Poste way ("MONTIGNY MORNAY VIL S VING", "Cransac"
  for Cransac-les-Thermes: ``abbreviates``); ``longer(key)``: the names that begin
  with a name ("Faux" → Faux-en-Périgord, which was called Faux until 2024).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from functools import lru_cache
from typing import Iterable

from knowledge.territory.models import COMMUNE, DEPARTEMENT, REGION, Entry
from knowledge.territory.places import Places
from knowledge.territory.text import ARTICLES, LINKERS, SAINTS, normalize, strip_articles

_ARRONDISSEMENT_RE = re.compile(r"^(.*) (\d+)(?:er|e|eme) arrondissement$")
_ACRONYM_RE = re.compile(r"\(([^)]*)\)")

# type words of an intercommunality, normalised, longest first
EPCI_TYPES = tuple(sorted((tuple(p.split()) for p in [
    "communaute de communes", "communaute d agglomeration", "communaute de l agglomeration",
    "communaute urbaine", "communaute d agglo", "communaute", "com com", "comcom", "cdc", "cc", "ca", "cu",
    "agglomeration", "agglo", "metropole", "eurometropole", "intercommunalite", "interco", "intercom", "epci",
]), key=len, reverse=True))
EPCI_TRAILING = frozenset({"agglo", "agglomeration", "communaute", "metropole", "intercom", "interco"})
EPCI_ACRONYMS = frozenset({("cc",), ("ca",), ("cu",), ("cdc",)})  # "ca" is also "ça"
_EPCI_FIRST_WORDS = frozenset(t[0] for t in EPCI_TYPES)
_EPCI_LINKERS = ARTICLES | frozenset({"de", "du", "des", "d"})


class NameTables:
    """Normalised name → entries. Built once, read-only afterwards."""

    def __init__(self) -> None:
        self.exact: dict[str, list[Entry]] = defaultdict(list)
        self.article: dict[str, list[Entry]] = defaultdict(list)
        self.alias: dict[str, list[Entry]] = defaultdict(list)
        self.compact: dict[str, list[str]] = {}
        self.epci_full: dict[str, list[str]] = defaultdict(list)
        self.epci_core: dict[str, list[str]] = defaultdict(list)
        self.epci_city: dict[str, list[str]] = defaultdict(list)
        self.by_first: dict[str, list[str]] = {}
        self.by_second: dict[tuple[str, str], list[str]] = {}
        self.sorted_keys: list[str] = []

    def longer(self, key: str, limit: int) -> list[str]:
        """The commune keys that begin with ``key`` and go on ("faux" → "faux en perigord"),
        or none when there are more than ``limit``."""
        prefix = key + " "
        i = bisect_left(self.sorted_keys, prefix)
        out = []
        while i < len(self.sorted_keys) and self.sorted_keys[i].startswith(prefix):
            out.append(self.sorted_keys[i])
            if len(out) > limit:
                return []
            i += 1
        return out

    def shortenable(self, tokens: list[str]) -> list[str]:
        """The keys that ``tokens`` may shorten (to check with ``abbreviates``)."""
        if len(tokens) == 1:
            return self.by_first.get(tokens[0], [])
        return self.by_second.get((tokens[0], tokens[1][:2]), [])

    def entries(self, key: str) -> list[Entry]:
        return self.exact.get(key, []) + self.article.get(key, []) + self.alias.get(key, [])

    def place_keys(self) -> set[str]:
        """Every key naming a commune, department or region."""
        return set(self.exact) | set(self.article) | set(self.alias)

    def epci_keys(self) -> set[str]:
        return set(self.epci_full) | set(self.epci_core)


def _add(table: dict[str, list[Entry]], key: str, entry: Entry) -> None:
    if key and not any(e.kind == entry.kind and e.code == entry.code for e in table[key]):
        table[key].append(entry)


def build_names(places: Places, alias_departements: Iterable[str]) -> NameTables:
    names = NameTables()
    exact = names.exact
    for r in places.regions.values():
        _add(exact, normalize(r.nom), Entry(REGION, r.code, "exact", r.nom))
    for d in places.departements.values():
        _add(exact, normalize(d.nom), Entry(DEPARTEMENT, d.code, "exact", d.nom))
    for c in places.communes.values():
        _add(exact, normalize(c.nom), Entry(COMMUNE, c.code, "exact", c.nom))
    for c in places.subs:
        key = normalize(c["nom"])
        if c["type"] != "arrondissement-municipal":
            _add(exact, key, Entry(COMMUNE, c["parent"], "ancien_nom", c["nom"]))
            continue
        for variant in _arrondissement_keys(key):
            _add(exact, variant, Entry(COMMUNE, c["parent"], "arrondissement", c["nom"]))
    for key, entries in list(exact.items()):
        tokens = key.split()
        if len(tokens) > 1 and tokens[0] in ARTICLES:
            for e in entries:
                _add(names.article, " ".join(tokens[1:]), e._replace(match="article"))
    alias_deps = set(alias_departements)
    for c in places.communes.values():
        if c.departement in alias_deps:
            for alias in short_names(normalize(c.nom)):
                _add(names.alias, alias, Entry(COMMUNE, c.code, "alias", c.nom))
    compact: dict[str, list[str]] = defaultdict(list)
    by_first: dict[str, list[str]] = defaultdict(list)
    by_second: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, entries in exact.items():
        if " " in key:
            compact[key.replace(" ", "")].append(key)
        if any(e.kind == COMMUNE for e in entries):
            tokens = strip_articles(key.split())
            by_first[tokens[0]].append(key)
            for initial in _reachable_initials(tokens):
                by_second[(tokens[0], initial)].append(key)
    names.sorted_keys = sorted(k for k, entries in exact.items() if any(e.kind == COMMUNE for e in entries))
    for epci in places.epcis.values():
        for full in {normalize(epci.nom), normalize(_ACRONYM_RE.sub(" ", epci.nom))}:
            names.epci_full[full].append(epci.code)
        for core in epci_cores(epci.nom):
            if epci.code not in names.epci_core[core]:
                names.epci_core[core].append(epci.code)
        members = [places.communes[c] for c in epci.membres if c in places.communes]
        if members:
            city = max(members, key=lambda c: (c.population or 0, c.code))
            names.epci_city[normalize(city.nom)].append(epci.code)
    for table in (names.exact, names.article, names.alias, names.epci_full, names.epci_core, names.epci_city):
        table.default_factory = None  # type: ignore[attr-defined] - a missing key is not created
    names.compact, names.by_first, names.by_second = dict(compact), dict(by_first), dict(by_second)
    return names


def _reachable_initials(tokens: list[str]) -> set[str]:
    """The first one and two letters of the words a query's second word may shorten: the
    name's second word, or a later one when only linking words come between."""
    out = set()
    for t in tokens[1:]:
        out.update((t[:1], t[:2]))
        if t not in LINKERS:
            break
    return out


def _arrondissement_keys(key: str) -> list[str]:
    """"marseille 1er arrondissement" → also "marseille 1", "marseille 1e", "marseille 1eme", "marseille 1er"."""
    m = _ARRONDISSEMENT_RE.match(key)
    if not m:
        return [key]
    city, num = m.group(1), m.group(2)
    variants = [key, f"{city} {num}", f"{city} {num}e", f"{city} {num}eme"]
    return variants + ([f"{city} {num}er"] if num == "1" else [])


def short_names(key: str) -> list[str]:
    """Short forms by which a commune is commonly called:
    "ramonville saint agne" → "ramonville", "saint orens de gameville" → "saint orens",
    "portet sur garonne" → "portet", "castanet tolosan" → "castanet"."""
    tokens = key.split()
    if len(tokens) < 2:
        return []
    k = 0
    while k < len(tokens) - 1 and tokens[k] in ARTICLES | SAINTS:
        k += 1
    prefix = tokens[:k + 1]
    if len(prefix) >= len(tokens) or len(prefix[-1]) < 4:
        return []
    return [" ".join(prefix)]


def parse_epci(tokens: list[str], acronyms: bool = True) -> tuple[bool, list[str]]:
    """(whether the query names a kind of intercommunality, the rest): "CA du Muretain" →
    (True, ["muretain"]), "Toulouse Métropole" → (True, ["toulouse"]), "le Sicoval" →
    (False, ["sicoval"]). ``acronyms`` False: "CC", "CA"... are not type words (the text
    had "ça")."""
    tokens = strip_articles(tokens)
    explicit = False
    i = 0
    kinds = EPCI_TYPES if acronyms else [t for t in EPCI_TYPES if t not in EPCI_ACRONYMS]
    while i < len(tokens) and tokens[i] in _EPCI_FIRST_WORDS:
        kind = next((t for t in kinds if tuple(tokens[i:i + len(t)]) == t), None)
        if kind is None or i + len(kind) >= len(tokens):
            break
        explicit = True
        i += len(kind)
        while i < len(tokens) - 1 and tokens[i] in _EPCI_LINKERS:
            i += 1
    rest = tokens[i:]
    while len(rest) > 1 and rest[-1] in EPCI_TRAILING:
        rest = rest[:-1]
        explicit = True
    return explicit, rest


@lru_cache(maxsize=None)
def epci_cores(name: str) -> tuple[str, ...]:
    """The short forms of an EPCI's official name: without its type words, its article,
    its acronym; for a metropole, also the words before "Métropole" ("Tours Métropole Val
    de Loire" → "tours")."""
    acronyms = [normalize(a) for a in _ACRONYM_RE.findall(name) if len(normalize(a)) >= 3]
    tokens = normalize(_ACRONYM_RE.sub(" ", name)).split()
    _, rest = parse_epci(tokens)
    cores = [" ".join(rest)] + acronyms
    if "metropole" in tokens[1:]:
        before = tokens[:tokens.index("metropole", 1)]
        if before:
            cores.append(" ".join(before))
    return tuple(dict.fromkeys(c for c in cores if c))


def abbreviates(query: list[str], name: list[str]) -> bool:
    """Whether ``query`` is ``name`` shortened the way La Poste and people shorten names:
    the first word whole, each other word a prefix of the name's word ("vil" for
    "villeneuve", "s" for "sur"), small linking words left out ("Pargny-Filain" for
    Pargny-et-Filain) and the end left out ("Cransac" for Cransac-les-Thermes)."""
    query, name = strip_articles(query), strip_articles(name)
    return bool(query) and bool(name) and query[0] == name[0] and _aligns(query, name, 1, 1)


def _aligns(query: list[str], name: list[str], i: int, j: int) -> bool:
    """Whether query[i:] shortens name[j:] (a linking word is either matched or left out)."""
    while i < len(query):
        if j == len(name):
            return False
        fits = name[j].startswith(query[i])
        if name[j] in LINKERS:
            if fits and _aligns(query, name, i + 1, j + 1):
                return True
        elif fits:
            i += 1
        else:
            return False
        j += 1
    return True
