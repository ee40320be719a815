"""Typo tolerance: names within one or two edits of a query, and suggestions for the rest.

The distance is ``rapidfuzz.distance.OSA`` (Levenshtein plus adjacent transpositions,
with a cut-off). Comparing a query with every one of the ~37,000 name keys is too
slow for the 2 ms budget of a lookup (rapidfuzz's ``process.extract`` over all keys:
19 ms median; over the keys of the right lengths only: 2.4 ms median, 3.9 ms p95), so
a partition ("pigeonhole") filter picks the few keys worth comparing (about eight per
query): a key cut into P segments and within k edits of the query keeps at least
P - k segments intact, each found in the query at most k characters away from its
place. The filter counts intact segments with numpy bit masks. It is exact for
Levenshtein edits; a transposition, one OSA edit, may break two segments, so single
transpositions are looked up directly, and a transposition plus another edit may be
missed (as with the hand-written distance this replaces).

Suggestions for an unknown name rank commune keys by their share of trigrams
(Dice coefficient); the caller orders equal scores by its own preference.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable

import numpy as np
from rapidfuzz.distance import OSA

# P = 4 for the one-typo search of short names, P = 6 for the two-typo search of
# longer ones (so that "saint ..." names sharing their first segments are not all candidates).
_PARTS = {1: 4, 2: 6}
_MIN_LENGTH = {4: 4, 6: 8}
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
MAX_SEGMENTED_LENGTH = 120


def typo_budget(key: str) -> int:
    """Edits allowed in a name: none below 4 letters, 1 up to 10, 2 beyond."""
    n = len(key.replace(" ", ""))
    if n < 4:
        return 0
    return 1 if n <= 10 else 2


def _segments(length: int, parts: int) -> list[tuple[int, int]]:
    base, extra = divmod(length, parts)
    out, pos = [], 0
    for i in range(parts):
        size = base + (1 if i >= parts - extra else 0)
        out.append((pos, size))
        pos += size
    return out


class TypoIndex:
    """Keys within 1 or 2 OSA edits of a query."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys: list[str] = sorted(set(keys))
        self._key_set = frozenset(self.keys)
        self._index: dict[int, dict[tuple[int, int, str], np.ndarray]] = {}
        self._layout: dict[int, dict[int, list[tuple[int, int]]]] = {}
        for parts, min_len in _MIN_LENGTH.items():
            layout = {n: _segments(n, parts) for n in range(min_len, MAX_SEGMENTED_LENGTH + 1)}
            index: dict[tuple[int, int, str], list[int]] = defaultdict(list)
            for kid, key in enumerate(self.keys):
                if len(key) in layout:
                    for i, (pos, size) in enumerate(layout[len(key)]):
                        index[(len(key), i, key[pos:pos + size])].append(kid)
            self._index[parts] = {k: np.array(v, dtype=np.int32) for k, v in index.items()}
            self._layout[parts] = layout

    def near(self, key: str, k: int, limit: int = 50) -> list[tuple[int, str]]:
        """(distance, key) of the keys within ``k`` edits of ``key`` (k = 1 or 2), closest first."""
        n = len(key)
        if k not in _PARTS or n < 3:
            return []
        found: dict[str, int] = {}
        for kid in self._candidates(key, k):
            cand = self.keys[kid]
            d = OSA.distance(key, cand, score_cutoff=k)
            if d <= k:
                found[cand] = d
        # one transposition ("Toulosue") breaks two segments: look the swaps up
        for i in range(n - 1):
            if key[i] != key[i + 1]:
                swapped = key[:i] + key[i + 1] + key[i] + key[i + 2:]
                if swapped in self._key_set and swapped not in found:
                    found[swapped] = 1
        return sorted((d, cand) for cand, d in found.items())[:limit]

    def _candidates(self, key: str, k: int) -> list[int]:
        parts = _PARTS[k]
        index, layout = self._index[parts], self._layout[parts]
        n = len(key)
        hits: list[list[np.ndarray]] = [[] for _ in range(parts)]  # keys with segment i intact
        for length in range(n - k, n + k + 1):
            segs = layout.get(length)
            if segs is None:
                continue
            # an intact segment moved by d needs |d| + |delta - d| <= k edits
            delta = n - length
            d_lo, d_hi = -((k - delta) // 2), (k + delta) // 2
            for i, (pos, size) in enumerate(segs):
                for s in range(max(0, pos + d_lo), min(n - size, pos + d_hi) + 1):
                    found = index.get((length, i, key[s:s + size]))
                    if found is not None:
                        hits[i].append(found)
        masks = np.zeros(len(self.keys), dtype=np.uint8)
        for i, arrays in enumerate(hits):
            if arrays:
                masks[np.concatenate(arrays) if len(arrays) > 1 else arrays[0]] |= 1 << i
        return np.nonzero(_POPCOUNT[masks] >= parts - k)[0].tolist()


def trigrams(key: str) -> list[str]:
    padded = f"  {key} "
    return [padded[i:i + 3] for i in range(len(padded) - 2)]


class SuggestionIndex:
    """Keys sharing many trigrams with a query (for "did you mean ...?")."""

    MAX_POSTINGS = 4000  # a trigram in more keys than this says nothing

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = list(keys)
        grams: dict[str, list[int]] = defaultdict(list)
        for kid, key in enumerate(self.keys):
            for g in set(trigrams(key)):
                grams[g].append(kid)
        self._grams = dict(grams)

    def similar(self, key: str, top: int = 40, min_dice: float = 0.3) -> list[tuple[float, str]]:
        """(Dice coefficient rounded to 0.1, key), best first."""
        grams = set(trigrams(key))
        counts: Counter[int] = Counter()
        for g in grams:
            postings = self._grams.get(g)
            if postings and len(postings) <= self.MAX_POSTINGS:
                counts.update(postings)
        out = []
        for kid, common in counts.most_common(top):
            cand = self.keys[kid]
            dice = 2 * common / (len(grams) + len(set(trigrams(cand))))
            if dice >= min_dice:
                out.append((round(dice, 1), cand))
        return out
