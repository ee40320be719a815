"""The typo search: the partition pre-filter plus rapidfuzz's OSA distance finds what
comparing the query with every key would find: every key within k Levenshtein edits and
one transposition away, with its OSA distance. (A transposition plus another edit, OSA 2
but Levenshtein 3, may break three segments and be missed, as before rapidfuzz.)"""
from __future__ import annotations

import random

import pytest
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from knowledge.territory.fuzzy import SuggestionIndex, TypoIndex, typo_budget


@pytest.fixture(scope="module")
def keys(territories):
    return sorted(territories._resolver.names.place_keys())  # noqa: SLF001 - the index's own keys


@pytest.fixture(scope="module")
def typos(keys):
    return TypoIndex(keys)


def _edit(rnd: random.Random, key: str, edits: int) -> str:
    for _ in range(edits):
        i = rnd.randrange(len(key))
        op = rnd.choice(["swap", "drop", "replace", "insert"])
        if op == "swap" and i + 1 < len(key):
            key = key[:i] + key[i + 1] + key[i] + key[i + 2:]
        elif op == "drop" and len(key) > 1:
            key = key[:i] + key[i + 1:]
        elif op == "insert":
            key = key[:i] + rnd.choice("aeiourst ") + key[i:]
        else:
            key = key[:i] + rnd.choice("aeiourstl") + key[i + 1:]
    return key


def test_the_pre_filter_loses_nothing(keys, typos):
    rnd = random.Random(31)
    queries = [_edit(rnd, rnd.choice(keys), rnd.choice([1, 1, 2])) for _ in range(120)]
    queries += ["toulouze", "tolouse", "toulosue", "murett", "villefranche de lauraguais", "saint mihcel"]
    for query in queries:
        k = typo_budget(query)
        if not k:
            continue
        within_osa = {key: d for key, d, _ in process.extract(query, keys, scorer=OSA.distance,
                                                              score_cutoff=k, limit=None)}
        within_levenshtein = {key for key, _, _ in process.extract(query, keys, scorer=Levenshtein.distance,
                                                                   score_cutoff=k, limit=None)}
        got = {key: d for d, key in typos.near(query, k, limit=10_000)}
        assert within_levenshtein <= set(got), query
        assert all(within_osa.get(key) == d for key, d in got.items()), query


def test_one_transposition_is_one_edit(typos):
    assert (1, "toulouse") in typos.near("toulosue", 1)
    assert (1, "tournefeuille") in typos.near("tournefeulile", 2)


def test_closest_first(typos):
    found = typos.near("toulouze", 1)
    assert found[0] == (1, "toulouse")
    assert [d for d, _ in found] == sorted(d for d, _ in found)


@pytest.mark.parametrize("key, budget", [("eu", 0), ("muret", 1), ("colomiers", 1), ("tournefeuille", 2),
                                         ("saint orens", 1), ("saint orens de gameville", 2), ("abc", 0)])
def test_typo_budget(key, budget):
    assert typo_budget(key) == budget


def test_suggestions_rank_by_shared_trigrams():
    index = SuggestionIndex(["colomiers", "muret", "toulouse"])
    assert index.similar("colomiersville")[0][1] == "colomiers"
    assert index.similar("zzzz") == []
