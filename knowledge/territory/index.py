"""``TerritoryIndex``: the read-only, in-memory index of the French territories.

Build it once (``knowledge.store.load_territories_from_db`` at run time, from the
``geo_*`` tables; ``TerritoryIndex.from_etalab()`` for tests and tools) and share it:
it is immutable after construction, so it is safe to use from several threads.

* ``lookup(text)`` resolves a slot value: commune name (tolerant to case, accents,
  hyphens, apostrophes, "St"/"Ste", leading articles, La Poste abbreviations, small
  typos), old commune or district name, postal code, INSEE code, intercommunality,
  department number or name, region name, or a short phrase containing one ("à Muret",
  "Revel (38)", "31600 Muret", "le Sicoval").
* ``find_in_text(sentence)`` spots places inside a free French sentence.

Preferences: the assistant serves Haute-Garonne (31) first, then Occitanie (76); both
are constructor parameters (``home_departement``, ``home_region``). The communes of
the home department also answer to their usual short name ("Ramonville", "Castanet").

This module only wires the parts together: ``places`` (codes), ``names`` (name
tables), ``fuzzy`` (typos), ``lexicon`` (ordinary words), ``lookup`` and ``spotting``.
It reads no database: the SQL lives in ``knowledge.store``.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Iterable, Optional

from knowledge.territory.context import PlaceContext
from knowledge.territory.etalab import Rows, read_etalab
from knowledge.territory.fuzzy import SuggestionIndex, TypoIndex
from knowledge.territory.lexicon import BUILTIN_COMMON_WORDS, LEXICON_PATH, Lexicon, WordKind, load_lexicon
from knowledge.territory.lookup import Resolver
from knowledge.territory.models import (COMMUNE, HOME_DEPARTEMENT, HOME_REGION, Commune, Departement, Epci,
                                        LookupResult, Mention, Region)
from knowledge.territory.names import NameTables, build_names
from knowledge.territory.places import Places
from knowledge.territory.spotting import Spotter
from knowledge.territory.text import normalize

log = logging.getLogger(__name__)


class TerritoryIndex:
    """In-memory territory index. Build with ``from_etalab`` or ``knowledge.store``."""

    def __init__(self, rows: Rows, *, home_departement: str = HOME_DEPARTEMENT, home_region: str = HOME_REGION,
                 alias_departements: Iterable[str] | None = None, common_words: Iterable[str] | None = None,
                 use_spacy_lexicon: bool = True, lexicon_path: Path = LEXICON_PATH) -> None:
        """``rows``: as returned by ``knowledge.territory.etalab.read_etalab``.

        ``alias_departements``: departments whose communes also answer to their short
        name ("Ramonville", "Castanet", "Saint-Orens"); default: the home one.
        ``common_words``: extra ordinary words that must not be taken for a place in
        ``find_in_text`` without a place context. ``use_spacy_lexicon`` False keeps
        only the stop words of the lexicon (not its lemmas and forms).
        """
        self.home_departement = home_departement
        self.home_region = home_region
        self.places = Places(rows, home_departement, home_region)
        names = build_names(self.places, alias_departements if alias_departements is not None
                            else (home_departement,))
        lexicon = load_lexicon(lexicon_path, with_words=use_spacy_lexicon)
        self._resolver = _resolver(self.places, names, lexicon)
        self._spotter = Spotter(self._resolver, PlaceContext(self.places, names, lexicon, common_words or ()))

    @classmethod
    def from_etalab(cls, data_dir: str | Path | None = None, **kwargs: Any) -> "TerritoryIndex":
        """Build from the Etalab JSON files (tests, tools)."""
        return cls(read_etalab(data_dir), **kwargs)

    # ------------------------------------------------------------- accessors
    def commune(self, code: str) -> Optional[Commune]:
        """Current commune by INSEE code; the code of a commune déléguée/associée or
        municipal arrondissement gives its current commune."""
        return self.places.commune(code)

    def departement(self, code: str) -> Optional[Departement]:
        return self.places.departement(code)

    def region(self, code: str) -> Optional[Region]:
        return self.places.region(code)

    def epci(self, code: str) -> Optional[Epci]:
        return self.places.epci(code)

    def communes_by_postal_code(self, cp: str) -> list[Commune]:
        """Communes served by a postal code, largest first."""
        return self.places.communes_by_postal_code(cp)

    def counts(self) -> dict[str, int]:
        return self.places.counts()

    # ------------------------------------------------------------- names
    def lookup(self, text: str) -> LookupResult:
        """Resolve a place given by a user (slot value or short phrase). Never raises."""
        query = text if isinstance(text, str) else ("" if text is None else str(text))
        try:
            return self._resolver.lookup(query, self.find_in_text)
        except Exception:  # pragma: no cover - safety net: a bad input must not break a turn
            log.exception("territory lookup failed for %r", query[:100])
            return LookupResult(query=query)

    def find_in_text(self, sentence: str, common_words: Iterable[str] | None = None) -> list[Mention]:
        """Places mentioned in a free French sentence, in order. Never raises.

        Postal codes (5 digits, not amounts), department numbers in a department
        context ("dans le 31", "département 31", "(31)"), intercommunality, department,
        region and commune names (longest match first, no overlap). Names that are also
        ordinary words need a place context ("à", "dans", "près de", "j'habite"...);
        ``common_words`` adds such words for this call.
        """
        if not isinstance(sentence, str) or not sentence:
            return []
        try:
            extra = frozenset(normalize(w) for w in common_words) if common_words else frozenset()
            return self._spotter.find(sentence, extra)
        except Exception:  # pragma: no cover - safety net
            log.exception("find_in_text failed for %r", sentence[:100])
            return []


def _resolver(places: Places, names: NameTables, lexicon: Lexicon) -> Resolver:
    """The lookup, with its typo and suggestion indexes and what the lexicon says of words."""

    def is_word(word: str) -> bool:
        return word in BUILTIN_COMMON_WORDS or word in lexicon.stop_fr or lexicon.kind(word) != WordKind.NOT_A_WORD

    # EPCI short forms that are ordinary words ("sud") need their type words ("CA du Sud")
    ordinary = frozenset(k for k in names.epci_core if len(k) <= 2 or k in BUILTIN_COMMON_WORDS
                         or all(t in lexicon.stop_fr for t in k.split()))
    commune_keys = [k for k in sorted(names.place_keys()) if any(e.kind == COMMUNE for e in names.entries(k))]
    epci_keys = [k for k in names.epci_core if k not in ordinary]
    return Resolver(places, names, TypoIndex(names.place_keys()), TypoIndex(epci_keys),
                    SuggestionIndex(commune_keys), ordinary, is_word)
