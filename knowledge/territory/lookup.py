"""Resolve one place given by a user: a slot value or a short phrase ("à Muret",
"Revel (38)", "31600 Muret", "Saint-Jean en Haute-Garonne", "le Sicoval").

Steps, first answer wins: an INSEE code said as such; an intercommunality named with
its type words or official name ("CA du Muretain"); the name or code as written; a
name with a department, region or postal code that decides between homonyms
(``areas``); the name or code without leading context words ("je suis à", "dans le");
an intercommunality by its short name ("le Sicoval"); a name shortened the La Poste
way ("Cransac" for Cransac-les-Thermes); a small typo; a place inside a longer phrase
(``spotting``); else unknown, with suggestions.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from knowledge.territory.areas import DEPT_NUMBER_RE, Areas
from knowledge.territory.candidates import MAX_FUZZY_CHARS, MAX_SHORTENED, Candidates
from knowledge.territory.fuzzy import SuggestionIndex, TypoIndex, typo_budget
from knowledge.territory.models import COMMUNE, DEPARTEMENT, REGION, Commune, Entry, LookupResult, Mention
from knowledge.territory.names import NameTables, parse_epci
from knowledge.territory.places import Places
from knowledge.territory.results import (choose, chosen_result, commune_result, departement_result, epci_result,
                                         postal_result, region_result)
from knowledge.territory.text import ARTICLES, LEAD_WORDS, normalize, strip_articles

MAX_QUERY_CHARS = 500  # lookup reads at most this much of its input (never an error)
_INSEE_RE = re.compile(r"^(?:\d{5}|2[ab]\d{3})$")
_CA_RE = re.compile(r"(?<!\w)ça(?!\w)", re.IGNORECASE)  # "ça", not the CA of "CA du Muretain"


class Resolver:
    def __init__(self, places: Places, names: NameTables, typos: TypoIndex, epci_typos: TypoIndex,
                 suggestions: SuggestionIndex, ordinary: frozenset[str] = frozenset(),
                 is_word: Callable[[str], bool] = lambda word: False) -> None:
        """``ordinary``: short forms of EPCIs that are ordinary words ("sud"): they name the
        EPCI only with its type words ("CA du Sud"). ``is_word``: whether a word is an
        ordinary word ("argent"), which is not read as the start of a longer name."""
        self.places, self.names = places, names
        self.typos, self.epci_typos, self.suggestions = typos, epci_typos, suggestions
        self.ordinary, self.is_word = ordinary, is_word
        self.candidates = Candidates(places, names, typos)
        self.areas = Areas(places, names, self.candidates)

    # ------------------------------------------------------------- the steps
    def lookup(self, query: str, spot: Callable[[str], list[Mention]]) -> LookupResult:
        raw = query[:MAX_QUERY_CHARS]
        tokens = normalize(raw).split()
        if not tokens:
            return LookupResult(query=query)
        if len(tokens) > 1 and tokens[-1] in ARTICLES:  # La Poste: "CHAPELLE-EN-VERCORS (LA)"
            tokens = tokens[-1:] + tokens[:-1]
        if "insee" in tokens:  # "code INSEE 97411": the INSEE code before the postal code
            codes = [t for t in tokens if _INSEE_RE.fullmatch(t)]
            commune = self.places.commune(codes[0]) if len(codes) == 1 else None
            if commune is not None:
                return commune_result(self.places, query, "found", [commune], [], "code_insee", codes[0].upper())
        suffixes = [tokens]
        while len(suffixes) <= 8 and len(suffixes[-1]) > 1 and suffixes[-1][0] in LEAD_WORDS:
            suffixes.append(suffixes[-1][1:])
        core = suffixes[-1]
        steps: list[Callable[[], Optional[LookupResult]]] = [
            lambda: self.first(self.epci(query, s, explicit_only=True) for s in suffixes),
            lambda: self.resolve_tokens(query, tokens),
            lambda: self.areas.name_with_area(query, tokens),  # before "Bourg 33710" loses "Bourg" as a context word
            lambda: self.first(self.resolve_tokens(query, s) for s in suffixes[1:]),
            lambda: self.first(self.epci(query, s, explicit_only=False) for s in suffixes),
            lambda: self.first(self.shortened(query, s) for s in suffixes),
            lambda: self.fuzzy(query, " ".join(core)),
        ]
        for step in steps:
            res = step()
            if res is not None:
                return res
        mentions = spot(raw)
        if mentions:
            best = next((m for m in mentions if m.result.kind == "commune"), mentions[0])
            best.result.query = query
            return best.result
        res = LookupResult(query=query)
        if len(" ".join(core)) <= MAX_FUZZY_CHARS:
            res.suggestions = self.suggest(" ".join(core))
        return res

    @staticmethod
    def first(candidates) -> Optional[LookupResult]:
        return next((r for r in candidates if r is not None), None)

    # ------------------------------------------------------------- codes and names
    def resolve_tokens(self, query: str, toks: list[str]) -> Optional[LookupResult]:
        if len(toks) == 2 and re.fullmatch(r"\d{2}", toks[0]) and re.fullmatch(r"\d{3}", toks[1]):
            toks = [toks[0] + toks[1]]  # "31 600"
        if len(toks) == 1:
            res = self.resolve_code(query, toks[0])
            if res is not None:
                return res
        return self.resolve_name(query, " ".join(toks))

    def resolve_code(self, query: str, tok: str) -> Optional[LookupResult]:
        places = self.places
        if re.fullmatch(r"\d{5}", tok):
            res = postal_result(places, query, tok)
            if res is not None:
                return res
        if _INSEE_RE.fullmatch(tok):
            commune = places.commune(tok.upper())
            if commune is None:
                return None
            return commune_result(places, query, "found", [commune], [], "code_insee", tok.upper())
        if DEPT_NUMBER_RE.fullmatch(tok):
            code = tok.upper().zfill(2)
            if code == "20":  # the former Corsican department: the region
                return region_result(places, query, "94", "numero", "20") if "94" in places.regions else None
            if code in places.departements:
                return departement_result(places, query, code, "numero", code)
        return None

    def resolve_name(self, query: str, key: str) -> Optional[LookupResult]:
        names = self.names
        alias_entries = names.alias.get(key, [])
        entries = names.exact.get(key)
        if entries:
            return self.from_entries(query, entries, alias_entries, key=key)
        tokens = key.split()
        article_entries: list[Entry] = []
        if len(tokens) > 1 and tokens[0] in ARTICLES:  # "le Muret", "la Union"
            stripped = " ".join(tokens[1:])
            article_entries += [e._replace(match="article") for e in names.exact.get(stripped, [])]
            article_entries += names.article.get(stripped, [])
            alias_entries = alias_entries + names.alias.get(stripped, [])
        article_entries += names.article.get(key, [])  # "Fousseret" → "Le Fousseret"
        if article_entries:
            if tokens[0] in ARTICLES:  # the article may start a longer name: "La Baule" is Baule
                longer = self.names.longer(key, MAX_SHORTENED)  # (Loiret) or La Baule-Escoublac
                article_entries += [e._replace(match="abrege") for k in longer for e in names.exact[k]]
            return self.from_entries(query, article_entries, alias_entries, key=" ".join(strip_articles(tokens)))
        if alias_entries:
            return self.from_entries(query, [], alias_entries, key=key)
        compact = names.compact.get(key.replace(" ", ""))
        if compact:
            entries = [e for k in compact for e in names.exact[k]]
            return self.from_entries(query, entries, [], match_override="compact")
        return None

    def from_entries(self, query: str, entries: list[Entry], alias_entries: list[Entry],
                     match_override: Optional[str] = None, key: str = "") -> Optional[LookupResult]:
        """Resolve the entries of one key (department/region names first)."""
        places = self.places
        deps = [e for e in entries if e.kind == DEPARTEMENT]
        regs = [e for e in entries if e.kind == REGION]
        comm = [e for e in entries if e.kind == COMMUNE]
        homonyms: list[Commune] = []
        if deps:
            # A department name that is also a commune name: the commune if one is in
            # the home region ("Saint-Martin", Gers: then as any homonym) or in that
            # department ("Paris"), else the department ("Vienne", "Nord"), with the
            # communes of that name as alternatives.
            if not any(places.communes[e.code].region == places.home_region for e in comm):
                homonyms = places.unique(e.code for e in comm if places.communes[e.code].departement != deps[0].code)
                comm = [e for e in comm if places.communes[e.code].departement == deps[0].code]
                if not comm:
                    e = deps[0]
                    return departement_result(places, query, e.code, match_override or e.match, e.name, homonyms)
        elif regs:  # a region name wins over a commune of the same name
            e = regs[0]
            return region_result(places, query, e.code, match_override or e.match, e.name,
                                 places.unique(c.code for c in comm))
        primary = places.unique(e.code for e in comm)
        aliases = places.unique(e.code for e in alias_entries if e.kind == COMMUNE)
        status, ordered, others = choose(places, primary, aliases)
        if status == "unknown":
            return None
        chosen = ordered[0]
        src = next((e for e in comm + alias_entries if e.code == chosen.code), None)
        match = match_override or (src.match if src else "exact")
        if status == "found":  # the other communes of that name
            others = others + [c for c in homonyms if c not in others]
        else:  # and, to choose from, those named almost so
            ordered = ordered + [c for c in homonyms + self.candidates.near_names(key) if c not in ordered]
        return commune_result(places, query, status, ordered, others, match, src.name if src else chosen.nom)

    # ------------------------------------------------------------- intercommunalities
    def epci(self, query: str, tokens: list[str], explicit_only: bool) -> Optional[LookupResult]:
        """An EPCI by official name, by short form with type words ("CA du Muretain",
        "Toulouse Métropole"), or (``explicit_only`` False) by short form alone ("le Sicoval")."""
        explicit, rest = parse_epci(tokens, acronyms=not _CA_RE.search(query))
        core = " ".join(rest)
        names = self.names
        codes = names.epci_full.get(" ".join(strip_articles(tokens)))
        if not codes and (explicit or not explicit_only and core not in self.ordinary):
            codes = names.epci_core.get(core)
        if not codes and explicit:
            codes = names.epci_city.get(core)
        if not codes and explicit and len(core) <= MAX_FUZZY_CHARS and not names.entries(core):
            near = self.epci_typos.near(core, typo_budget(core))
            codes = names.epci_core[near[0][1]] if near else None
        return self.epci_of(query, codes) if codes else None

    def epci_of(self, query: str, codes: list[str], match: str = "epci") -> LookupResult:
        """The EPCI among ``codes`` nearest home, else the most populous."""
        return epci_result(self.places, query, min((self.places.epcis[c] for c in codes), key=self._epci_rank),
                           match)

    def _epci_rank(self, epci) -> tuple[bool, bool, int]:
        dep = self.places.departements.get(epci.departement or "")
        people = sum(self.places.communes[c].population or 0 for c in epci.membres if c in self.places.communes)
        return (epci.departement != self.places.home_departement,
                dep is None or dep.region != self.places.home_region, -people)

    def shortened(self, query: str, tokens: list[str]) -> Optional[LookupResult]:
        """A name shortened the La Poste way ("MONTIGNY MORNAY VIL S VING"), or by its first
        words ("Cransac" for Cransac-les-Thermes, so named since 2024): offered to confirm
        (ambiguous, even with one candidate), since "Allemagne" may well mean Germany."""
        words = strip_articles(tokens)
        if len(words) == 1 and self.is_word(words[0]):
            return None
        pool = self.candidates.shortened_to(tokens, MAX_SHORTENED)
        if not pool or len(pool) > MAX_SHORTENED:
            return None
        ordered = sorted(pool, key=lambda c: (self.places.pref(c), -(c.population or 0)))
        return commune_result(self.places, query, "ambiguous", ordered, [], "abrege", ordered[0].nom)

    # ------------------------------------------------------------- typos
    def fuzzy(self, query: str, key: str) -> Optional[LookupResult]:
        """A place within a typo or two; an intercommunality when its short name is nearer
        ("Cœur de Garone")."""
        if len(key) > MAX_FUZZY_CHARS:
            return None
        found = self.typos.near(key, typo_budget(key))
        epcis = self.epci_typos.near(key, typo_budget(key), limit=1)
        if epcis and (not found or epcis[0][0] < found[0][0]):
            return self.epci_of(query, self.names.epci_core[epcis[0][1]], "fuzzy")
        if not found:
            return None
        best = found[0][0]
        keys = [k for d, k in found if d == best]
        entries = [e for k in keys for e in self.names.exact.get(k, []) + self.names.article.get(k, [])]
        alias_entries = [e for k in keys for e in self.names.alias.get(k, [])]
        return self.from_entries(query, entries, alias_entries, match_override="fuzzy")

    def suggest(self, key: str, limit: int = 5) -> list[Commune]:
        scored = []
        for dice, cand in self.suggestions.similar(key):
            for e in self.names.entries(cand):
                if e.kind == COMMUNE:
                    c = self.places.communes[e.code]
                    scored.append((-dice, self.places.pref(c), -(c.population or 0), c.code, c))
        scored.sort(key=lambda t: t[:4])
        out: list[Commune] = []
        for *_, c in scored:
            if c not in out:
                out.append(c)
            if len(out) == limit:
                break
        return out
