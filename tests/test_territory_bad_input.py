"""Awkward input: old and merged communes, overseas, the edges of Haute-Garonne, emoji,
very long text, a postal code alone. No exception, and a sensible answer."""
from __future__ import annotations

import time

import pytest

from knowledge.territory import LookupResult


def offered(res) -> set[str]:
    return {c.code for c in ([res.commune] if res.commune else []) + res.alternatives + res.candidates}


def test_every_old_or_merged_commune_resolves_to_its_current_commune(territories):
    """Communes déléguées and associées of the Etalab data, by name and by INSEE code."""
    olds = [c for c in territories.places.subs if c["type"] in ("commune-deleguee", "commune-associee")]
    assert len(olds) > 2000
    wrong = [(c["nom"], c["parent"]) for c in olds if c["parent"] not in offered(territories.lookup(c["nom"]))]
    assert wrong == []
    assert all(territories.commune(c["code"]).code == c["parent"] for c in olds)


@pytest.mark.parametrize("text, code", [
    ("Lunax", "31412"),  # commune déléguée of Péguilhan
    ("Argut-Dessus", "31085"),  # commune associée of Boutx
    ("Conques", "12218"),  # Conques-en-Rouergue
])
def test_old_names(territories, text, code):
    res = territories.lookup(text)
    assert (res.status, res.commune.code, res.match) == ("found", code, "ancien_nom")
    assert res.departement.code == res.commune.departement


@pytest.mark.parametrize("text, code", [
    ("Cransac", "12083"),  # renamed Cransac-les-Thermes in 2024; Etalab keeps no trace of the old name
    ("Miquelon", "97501"),  # Miquelon-Langlade
    ("MONTIGNY MORNAY VIL S VING", "21433"),  # La Poste's 32 characters
])
def test_the_start_of_a_name_is_offered_to_confirm(territories, text, code):
    res = territories.lookup(text)
    assert (res.status, res.match, [c.code for c in res.candidates]) == ("ambiguous", "abrege", [code])
    assert territories.lookup(f"{text} {territories.commune(code).codes_postaux[0]}").commune.code == code


@pytest.mark.parametrize("text", ["Allemagne", "nan", "c'est bon", "des sous", "argent"])
def test_ordinary_words_and_countries_are_not_taken_for_communes(territories, text):
    res = territories.lookup(text)
    assert res.status != "found" or res.match == "fuzzy", res  # at most a typo suggestion, never silently
    assert not (res.status == "found" and res.match == "abrege")


@pytest.mark.parametrize("text, code, dep", [
    ("Mamoudzou", "97611", "976"), ("Cayenne", "97302", "973"), ("Les Abymes", "97101", "971"),
    ("Le Lamentin", "97213", "972"), ("Saint-Pierre 974", "97416", "974"), ("Saint-Paul, La Réunion", "97415", "974"),
    ("Nouméa", "98818", "988"), ("Papeete", "98735", "987"), ("Miquelon-Langlade", "97501", "975"),
    ("97133", "97701", "977"), ("97200", "97209", "972"),
])
def test_overseas(territories, text, code, dep):
    res = territories.lookup(text)
    assert res.status == "found" and res.commune.code == code and res.departement.code == dep


def test_overseas_postal_code_shared_by_two_communes_keeps_the_department(territories):
    res = territories.lookup("97600")
    assert res.status == "ambiguous" and res.departement.code == "976" and "97611" in offered(res)


@pytest.mark.parametrize("text, code, others", [
    ("Revel", "31451", {"38334"}),  # Lauragais, on the Tarn border; homonym in the Isère
    ("Saint-Gaudens", "31483", set()),  # Comminges, towards the Pyrenees
    ("Saint-Gaudens 31800", "31483", set()),
    ("Revel 31250", "31451", set()),
])
def test_edges_of_haute_garonne(territories, text, code, others):
    res = territories.lookup(text)
    assert (res.status, res.commune.code, res.departement.code) == ("found", code, "31")
    assert {c.code for c in res.alternatives} == others


def test_revel_of_the_isere_is_still_reachable(territories):
    assert territories.lookup("Revel (38)").commune.code == "38334"
    assert territories.lookup("Revel, Isère").commune.code == "38334"


@pytest.mark.parametrize("text, code", [
    ("😀 Muret 😀", "31395"), ("Muret 🏠", "31395"), ("Toulouse🏠", "31555"), ("🌳🌳 Ramonville", "31446"),
])
def test_emoji_around_a_name(territories, text, code):
    assert territories.lookup(text).commune.code == code


def test_emoji_in_a_sentence(territories):
    (mention,) = territories.find_in_text("Bonjour 👋 on est une asso à Muret 🙂 !")
    assert mention.text == "Muret" and mention.result.commune.code == "31395"
    assert territories.find_in_text("😀" * 50) == []


def test_two_thousand_characters(territories):
    start = time.perf_counter()
    for text in ("x" * 2000, "é" * 2000, "😀" * 2000, "Muret " * 333, "a b " * 500, "9" * 2000,
                 "bla " * 499 + "Muret"):
        res = territories.lookup(text)
        assert isinstance(res, LookupResult)
    assert territories.lookup("Muret " * 333).commune.code == "31395"
    long_sentence = ("Nous sommes une association qui travaille dans le quartier depuis longtemps. " * 26
                     + "Nous sommes à Muret.")
    assert len(long_sentence) > 2000
    assert [m.result.commune.code for m in territories.find_in_text(long_sentence)] == ["31395"]
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("text, status, dep, first", [
    ("31000", "found", "31", "31555"),
    ("31 000", "found", "31", "31555"),
    ("31600", "ambiguous", "31", "31395"),  # Muret and seven smaller communes
    ("75001", "found", "75", "75056"),  # an arrondissement: the city
    ("20000", "found", "2A", "2A004"),
    ("97400", "found", "974", "97411"),
])
def test_a_postal_code_alone(territories, text, status, dep, first):
    res = territories.lookup(text)
    assert (res.status, res.kind, res.departement.code) == (status, "code_postal", dep)
    assert (res.commune or res.candidates[0]).code == first
    assert res.code_postal == text.replace(" ", "")


def test_an_unknown_postal_code(territories):
    for text in ("99999", "00000", "31999"):
        res = territories.lookup(text)
        assert res.status == "unknown" and res.commune is None and res.candidates == []
