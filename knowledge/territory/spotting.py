"""Places inside a free French sentence ("on est une asso à Muret", "dans le 31",
"une SCIC du Sicoval", "Revel (38)").

Postal codes and department numbers first, then names (longest first, no overlap,
each accepted by ``context``), then typos right after a clear place context; last, a
department, region or postal code right after an ambiguous name chooses among its
homonyms.
"""
from __future__ import annotations

import re
from typing import Optional

from knowledge.territory.candidates import MAX_FUZZY_CHARS
from knowledge.territory.context import Ctx, PlaceContext
from knowledge.territory.lexicon import BUILTIN_COMMON_WORDS, WordKind
from knowledge.territory.lookup import Resolver
from knowledge.territory.models import LookupResult, Mention
from knowledge.territory.names import EPCI_ACRONYMS, EPCI_TRAILING, EPCI_TYPES
from knowledge.territory.results import chosen_result, postal_result
from knowledge.territory.text import LINKERS, TOKEN_RE, norm_token, normalize, starts_sentence

_CODE_AFTER_NAME = re.compile(r"^\s*[(,]?\s*([0-9]{5}|97[1-6]|[0-9]{2}|2[AaBb])\b")


class Spotter:
    def __init__(self, resolver: Resolver, context: PlaceContext) -> None:
        self.resolver, self.context = resolver, context
        self.places, self.names = resolver.places, resolver.names

    # ------------------------------------------------------------- the sentence
    def find(self, sentence: str, extra: frozenset[str]) -> list[Mention]:
        spans = [(m.start(), m.end()) for m in TOKEN_RE.finditer(sentence)]
        if not spans:
            return []
        raw = [sentence[s:e] for s, e in spans]
        toks = [norm_token(t) for t in raw]
        taken = [False] * len(toks)
        candidates: list[tuple[int, int, LookupResult]] = []  # (first token, last token + 1, result)

        def take(i: int, j: int, res: LookupResult) -> None:
            candidates.append((i, j, res))
            for x in range(i, j):
                taken[x] = True

        for i, j, res in self._codes(sentence, spans, raw, toks):
            take(i, j, res)
        names = sorted(self._names(sentence, spans, raw, toks, taken, extra),
                       key=lambda t: (-(t[1] - t[0]), -t[2], t[0]))  # longest first, no overlap
        for i, j, _, res in names:
            if not any(taken[i:j]):
                take(i, j, res)
        for i, j, res in self._typos(sentence, spans, raw, toks, taken, extra):
            take(i, j, res)
        candidates.sort(key=lambda t: t[0])
        mentions = [Mention(spans[i][0], spans[j - 1][1], sentence[spans[i][0]:spans[j - 1][1]], res)
                    for i, j, res in candidates]
        return self._disambiguate(sentence, mentions)

    def _codes(self, sentence, spans, raw, toks):
        """Postal codes (not amounts) and department numbers in a department context."""
        for i, t in enumerate(toks):
            if not t or not t[0].isdigit():
                continue
            if len(t) == 5 and t.isdigit():
                if self.context.postal_code_here(sentence, spans, toks, i):
                    res = postal_result(self.places, raw[i], t)
                    if res is not None:
                        yield i, i + 1, res
            elif len(t) <= 3 and self.context.department_number_here(sentence, spans, toks, i):
                res = self.resolver.resolve_code(raw[i], t)
                if res is not None and res.kind in ("departement", "region"):
                    yield i, i + 1, res

    def _names(self, sentence, spans, raw, toks, taken, extra):
        """(first token, end token, length in characters, result) of every name n-gram taken as a place."""
        names, resolver = self.names, self.resolver
        for i in range(len(toks)):
            if toks[i] not in self.context.first_tokens or taken[i]:
                continue
            for n in range(min(self.context.max_ngram, len(toks) - i), 0, -1):
                if any(taken[i:i + n]):
                    continue
                key = " ".join(toks[i:i + n])
                if key not in self.context.risk:
                    continue
                if key not in names.exact and key not in names.alias and key not in self.context.epci_keys:
                    # "au Mans", "du Havre": the article is in the contraction
                    if i == 0 or toks[i - 1] not in ("au", "aux", "du", "des"):
                        continue
                typed = self._epci_words(raw, toks, i, i + n)
                if typed is not None and (key in names.epci_core or key in names.epci_city):
                    # "communauté de communes du Frontonnais", "l'agglo de Muret"
                    start, end = typed
                    text = sentence[spans[start][0]:spans[end - 1][1]]
                    res = resolver.epci(text, toks[start:end], explicit_only=False)
                elif self.context.accept(key, raw, toks, i, n, extra, starts_sentence(sentence, spans[i][0])):
                    start, end = i, i + n
                    res = resolver.resolve_name(sentence[spans[i][0]:spans[end - 1][1]], key)
                    if res is None and key in self.context.epci_keys:  # "le Grand Figeac", "Toulouse Métropole"
                        start, end = typed or (i, i + n)
                        res = resolver.epci(sentence[spans[start][0]:spans[end - 1][1]], toks[start:end],
                                            explicit_only=False)
                else:
                    continue
                if res is not None:
                    yield start, end, spans[end - 1][1] - spans[start][0], res

    def _epci_words(self, raw: list[str], toks: list[str], i: int, j: int) -> Optional[tuple[int, int]]:
        """The span with the type words of an intercommunality around tokens [i, j), when
        there are some ("communauté de communes du Frontonnais", "Muretain Agglo"); "CC",
        "CA" only in capitals ("ça" is not a CA)."""
        start = i
        k = i
        while k > 0 and toks[k - 1] in LINKERS:
            k -= 1
        for kind in EPCI_TYPES:
            if k >= len(kind) and tuple(toks[k - len(kind):k]) == kind and (
                    kind not in EPCI_ACRONYMS or raw[k - 1].isupper()):
                start = k - len(kind)
                break
        end = j + 1 if j < len(toks) and toks[j] in EPCI_TRAILING else j
        return (start, end) if (start, end) != (i, j) else None

    def _typos(self, sentence, spans, raw, toks, taken, extra):
        """Typos right after a clear place context ("j'habite Toulouze", "à Murett")."""
        home = self.places.home_region
        for i in range(len(toks)):
            if taken[i] or not toks[i].isalpha() or len(toks[i]) < 4 or toks[i] in self.context.lexicon.stop_fr:
                continue
            ctx = self.context.before(toks, i, area=True)
            if not (ctx == Ctx.STRONG or (ctx != Ctx.NONE and raw[i][:1].isupper())):
                continue
            # an ordinary word alone is not a typo for a place ("à Paris" yes, "à Marché" no)
            word = (toks[i] in BUILTIN_COMMON_WORDS or toks[i] in self.context.common or toks[i] in extra
                    or self.context.lexicon.kind(raw[i]) != WordKind.NOT_A_WORD)
            for n in range(min(4, len(toks) - i), 0, -1):
                if any(taken[i:i + n]) or toks[i + n - 1] in self.context.lexicon.stop_fr or (n == 1 and word):
                    continue
                key = " ".join(toks[i:i + n])
                if len(key) > MAX_FUZZY_CHARS:
                    continue
                res = self.resolver.fuzzy(sentence[spans[i][0]:spans[i + n - 1][1]], key)
                # a typo is only assumed for a place of the home region, unless the
                # context is explicit ("sur le Comminges" is not Comines, Nord)
                if res is not None and res.status == "found" and (
                        (res.kind == "commune" and (ctx == Ctx.STRONG or res.commune.region == home))
                        or (res.kind == "departement" and res.departement.region == home)):
                    yield i, i + n, res
                    for x in range(i, i + n):
                        taken[x] = True
                    break

    # ------------------------------------------------------------- homonyms
    def _disambiguate(self, sentence: str, mentions: list[Mention]) -> list[Mention]:
        """"Revel (38)", "Saint-Denis, La Réunion", "Saint-Jean en Haute-Garonne": a
        department, region or postal code right after an ambiguous commune selects among
        its homonyms."""
        out = list(mentions)
        for idx, m in enumerate(out):
            follow = _CODE_AFTER_NAME.match(sentence[m.end:m.end + 12]) if self._open(m.result) else None
            if follow:
                code = follow.group(1).upper()
                narrowed = self._narrow(m, "cp" if len(code) == 5 else "departement", code.zfill(2))
                if narrowed is not None:
                    out[idx] = narrowed
        for idx in range(len(out) - 1):
            m, nxt = out[idx], out[idx + 1]
            gap = sentence[m.end:nxt.start]
            if not self._open(m.result) or len(gap) > 15 or any(ch in gap for ch in ".!?;"):
                continue
            r2 = nxt.result
            if r2.kind == "departement" and r2.departement is not None:
                narrowed = self._narrow(m, "departement", r2.departement.code)
            elif r2.kind == "region" and r2.region is not None:
                narrowed = self._narrow(m, "region", r2.region.code)
            elif r2.kind == "code_postal" and r2.code_postal:
                narrowed = self._narrow(m, "cp", r2.code_postal)
            else:
                continue
            if narrowed is not None:
                out[idx] = narrowed
        return out

    @staticmethod
    def _open(res: LookupResult) -> bool:
        return res.kind == "commune" and (res.status == "ambiguous" or bool(res.alternatives))

    def _narrow(self, m: Mention, kind: str, code: str) -> Optional[Mention]:
        """The mention's commune(s) in that area: the name's homonyms there (or the communes
        whose name it shortens: "Castelnau (32)"), else the mention's own candidates there."""
        res = m.result
        new = self.resolver.areas.in_area(res.query, normalize(m.text).split(), kind, code)
        if new is None:
            pool = res.candidates if res.status == "ambiguous" else [res.commune] + res.alternatives
            new = chosen_result(self.places, res.query, self.resolver.candidates.inside(pool, kind, code), [],
                                res.match or "exact")
        if new is None or (res.status == "found" and new.status == "found" and new.commune == res.commune):
            return None
        return Mention(m.start, m.end, m.text, new)
