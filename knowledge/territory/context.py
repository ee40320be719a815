"""When a name or a number in a sentence is meant as a place.

Precision comes first: a name that is also an ordinary word needs a place context.
Each name gets a risk level once, at build time (``Risk``), from the common-word
lexicon, the stop words, the caller's ``common_words`` and the town's size; at run
time the level says which context the name needs: SAFE anywhere; CAPITAL a capital
letter or a place context ("Tours", "Sens"); CONTEXT a place context ("La Force",
short names); RISKY a strong context, or a place context and a capital ("Y", "Eu").
A postal code must not be an amount, a department number must follow "dans le",
"département", "(...)".
"""
from __future__ import annotations

import re
from enum import IntEnum
from typing import Iterable, NamedTuple

from knowledge.territory.lexicon import BUILTIN_COMMON_WORDS, Lexicon, WordKind
from knowledge.territory.models import COMMUNE, Entry
from knowledge.territory.names import NameTables
from knowledge.territory.places import Places
from knowledge.territory.text import (ARTICLES, DEPT_WORDS, GENITIVE, MONTHS, STRONG_CONTEXT, UNIT_WORDS,
                                      WEAK_CONTEXT, normalize, significant_word)

BIG_TOWN = 20000  # inhabitants: a town this large that is also a word is meant as the town


# After these prepositions « des » and « du » are articles (« à des marchés »), never « de les »:
# « près du Mans » is a place, « à des Marches » is not French.
INDEFINITE_AFTER = frozenset("a en sur dans vers par sous".split())

class Risk(IntEnum):
    SAFE = 0
    CAPITAL = 1
    CONTEXT = 2
    RISKY = 3


class Ctx(IntEnum):
    NONE = 0
    GENITIVE = 1  # "de", "du" alone
    PLACE = 2  # "à", "dans le", "près de"
    STRONG = 3  # "j'habite", "basés à", "commune de"


class NameRisk(NamedTuple):
    level: Risk
    single: bool  # one significant word, naming communes only
    big: bool  # a large town
    article: bool  # the name starts with an article


def word_level(kind: WordKind, big: bool, has_article: bool = False) -> Risk:
    if kind == WordKind.NOT_A_WORD:
        return Risk.SAFE
    if big:
        return Risk.CAPITAL  # "Tours", "Sens", "Plaisir": a capital letter or a place context
    if kind == WordKind.WORD or has_article:
        return Risk.RISKY  # "Appelle", "sûre"; "les marchés" (Les Marches), "la force"
    return Risk.CONTEXT  # "Mons", "Fenouillet": nouns of the model's list


class PlaceContext:
    """The risk level of every name (and EPCI short form: "Sicoval" SAFE, "Albigeois"
    RISKY), and the context rules that go with it."""

    def __init__(self, places: Places, names: NameTables, lexicon: Lexicon, common_words: Iterable[str] = ()) -> None:
        self.places, self.names, self.lexicon = places, names, lexicon
        self.common = frozenset(normalize(w) for w in common_words if normalize(w))
        self.risk: dict[str, NameRisk] = {}
        for table in (names.exact, names.article, names.alias):
            for key, entries in table.items():
                if key in names.exact and table is not names.exact:
                    continue  # a real name ("Saint-Orens", Gers) keeps its own level
                risk = self.risk_of(key, entries, alias=table is names.alias)
                if key not in self.risk or risk.level > self.risk[key].level:
                    self.risk[key] = risk
        self.epci_keys = frozenset(k for k in names.epci_keys() if k not in self.risk)
        for key in self.epci_keys:
            self.risk[key] = self.risk_of(key, [], alias=False)
        self.first_tokens = frozenset(k.split()[0] for k in self.risk)
        self.max_ngram = max(len(k.split()) for k in self.risk)
        self.area_keys = frozenset(k for k, entries in names.exact.items() if any(e.kind != COMMUNE for e in entries))

    def risk_of(self, key: str, entries: list[Entry], alias: bool) -> NameRisk:
        sig = key.split()
        has_article = False
        while len(sig) > 1 and sig[0] in ARTICLES:
            sig = sig[1:]
            has_article = True
        sig_key = " ".join(sig)
        communes = [e for e in entries if e.kind == COMMUNE]
        places_only = len(communes) == len(entries) and bool(communes)
        single = len(sig) == 1 and (places_only or not entries)
        big = places_only and max((self.places.communes[e.code].population or 0) for e in communes) >= BIG_TOWN
        stop_fr, stop_en = self.lexicon.stop_fr, self.lexicon.stop_en
        if (len(sig_key.replace(" ", "")) <= 2 or all(t in stop_fr for t in sig) or all(t in stop_en for t in sig)
                or {sig_key, key} & (BUILTIN_COMMON_WORDS | self.common)):
            return NameRisk(Risk.RISKY, single, big, has_article)
        level = Risk.CONTEXT if alias else Risk.SAFE
        if single:
            words = {significant_word(e.name) for e in communes} if communes else {sig_key}
            kinds = [self.lexicon.kind(w) for w in words if w]
            level = max(level, word_level(max(kinds, default=WordKind.NOT_A_WORD), big, has_article))
        return NameRisk(level, single, big, has_article)

    # ------------------------------------------------------------- context rules
    def before(self, toks: list[str], i: int, area: bool = False) -> Ctx:
        """Place context before token i. ``area``: a department or region name, which
        takes an article ("dans le Nord"); a commune name without article does not
        ("sur les marchés" is not about Marches)."""
        j = i - 1
        if j < 0:
            return Ctx.NONE
        if area and toks[j] in ARTICLES and j >= 1 and (
                toks[j - 1] in WEAK_CONTEXT or toks[j - 1] in GENITIVE or toks[j - 1] in STRONG_CONTEXT):
            j -= 1  # "dans le Nord", "de la Haute-Garonne"
        t = toks[j]
        before = toks[j - 1] if j >= 1 else ""
        if t == "en" and not area:
            return Ctx.NONE  # « en Ariège », but « en école d'ingénieurs » is not École (Savoie)
        if t in STRONG_CONTEXT:
            return Ctx.STRONG
        if t in GENITIVE:
            if t in ("des", "du") and before in INDEFINITE_AFTER:
                return Ctx.NONE  # « répondre à des marchés », « dans du bois »: an article, not « de + le »
            if before in STRONG_CONTEXT:
                return Ctx.STRONG
            return Ctx.PLACE if before in WEAK_CONTEXT else Ctx.GENITIVE
        if t in WEAK_CONTEXT:
            return Ctx.STRONG if before in STRONG_CONTEXT else Ctx.PLACE
        return Ctx.NONE

    def accept(self, key: str, raw: list[str], toks: list[str], i: int, n: int,
               extra: frozenset[str], initial: bool) -> bool:
        """Whether the name at tokens [i, i + n) is taken as a place; ``initial``: the name
        starts a sentence, so its capital letter means nothing."""
        level, single, big, has_article = self.risk.get(key, NameRisk(Risk.SAFE, False, False, False))
        k = i  # the significant word: "Nord" in "le Nord", "Force" in "La Force"
        while k < i + n - 1 and toks[k] in ARTICLES:
            k += 1
        if extra:
            sig = [t for t in key.split() if t not in ARTICLES] or key.split()
            if key in extra or " ".join(sig) in extra:
                level = Risk.RISKY
        if single and level < Risk.RISKY:
            # the word as typed may be a French word: "sûre" for Suré, "marchés" for Marches
            level = max(level, word_level(self.lexicon.kind(raw[k]), big, has_article))
        if level == Risk.SAFE:
            return True
        ctx = self.before(toks, i, area=key in self.area_keys)
        capital = raw[k][:1].isupper()
        if level == Risk.CAPITAL:
            return capital or ctx != Ctx.NONE
        if level == Risk.CONTEXT:  # "à Grenade", "Fronton et Grenade", not "une grenade"
            return ctx >= Ctx.PLACE or (capital and (ctx == Ctx.GENITIVE or not initial))
        return ctx == Ctx.STRONG or (ctx != Ctx.NONE and capital)

    def postal_code_here(self, sentence: str, spans: list[tuple[int, int]], toks: list[str], i: int) -> bool:
        if toks[i] not in self.places.postal:
            return False
        after = sentence[spans[i][1]:spans[i][1] + 3].lstrip()
        if after[:1] in ("€", "$", "%", "£"):
            return False
        if i + 1 < len(toks) and toks[i + 1] in UNIT_WORDS:
            return False
        if i > 0 and sentence[spans[i - 1][1]:spans[i][0]].strip() in (".", ",") and toks[i - 1].isdigit():
            return False  # 1.31600 / 2,31600: part of a number
        return True

    def department_number_here(self, sentence: str, spans: list[tuple[int, int]], toks: list[str],
                               i: int) -> bool:
        t = toks[i]
        if not re.fullmatch(r"\d{1,3}|2[ab]", t):
            return False
        code = t.upper().zfill(2)
        if code not in self.places.departements and code != "20":
            return False
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if nxt in MONTHS or nxt in UNIT_WORDS:
            return False
        prev = toks[i - 1] if i >= 1 else ""
        prev2 = toks[i - 2] if i >= 2 else ""
        if prev in DEPT_WORDS or (prev in ("du", "de", "le") and prev2 in DEPT_WORDS):
            return True
        if len(t) == 1:  # "département 9" only
            return False
        if sentence[max(0, spans[i][0] - 1):spans[i][0]] == "(" and sentence[spans[i][1]:spans[i][1] + 1] == ")":
            return True
        if prev == "le" and prev2 in ("dans", "de", "pres", "vers", "sur"):
            return True
        return prev == "du" and prev2 in ("suis", "sommes", "est", "es", "etes", "sont", "vient",
                                          "viens", "venons", "originaire", "pres", "cote")
