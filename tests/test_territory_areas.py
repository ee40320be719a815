"""A department, region or postal code written next to a name decides between homonyms."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, code", [
    ("Saint-Paul, La Réunion", "97415"),
    ("Saint-Paul (974)", "97415"),
    ("Saint-Paul dans les Hautes-Pyrénées", "65394"),
    ("Saint-Jean en Haute-Garonne", "31488"),
    ("Villeneuve 31", "31588"),  # the short name of Villeneuve-Tolosane, as alone
    ("Valence dans la Drôme", "26362"),
    ("Valence, Drôme", "26362"),
    ("Valence (82)", "82186"),
    ("Revel (38)", "38334"),
    ("Revel Isère", "38334"),
    ("Saint-Denis 93", "93066"),
    ("Saint-Denis en Île-de-France", "93066"),
    ("Castanet-Tolosan 31320", "31113"),  # a postal code shared by six communes
    ("31320 Auzeville", "31035"),  # and the short name of Auzeville-Tolosane
    ("31320 Castanet", "31113"),
    ("Muret, 31600", "31395"),
    ("je suis à Revel 31250", "31451"),
    ("Bourg 33710", "33067"),  # a name that is also a context word
    ("Notre-Dame-de-Livaye 14340", "14473"),
    ("Aubin 12300", "12013"),  # a postal code La Poste has and Etalab not: its department decides
    ("Cransac 12110", "12083"),  # the former name of Cransac-les-Thermes
])
def test_the_area_picks_the_commune(territories, text, code):
    res = territories.lookup(text)
    assert (res.status, res.kind) == ("found", "commune"), (text, res)
    assert res.commune.code == code


def test_a_department_with_a_name_shared_inside_it_stays_ambiguous(territories):
    res = territories.lookup("Castelnau (32)")  # no commune is just "Castelnau": Castelnau-* of the Gers
    assert res.status == "ambiguous" and res.departement.code == "32"
    assert len(res.candidates) >= 4 and all(c.departement == "32" for c in res.candidates)
    assert all(c.nom.startswith("Castelnau") for c in res.candidates)


def test_a_name_of_a_commune_elsewhere_is_not_forced_into_the_area(territories):
    assert territories.lookup("Châteauneuf-sur-Loire").commune.code == "45082"  # not "Châteauneuf (Loire)"
    assert territories.lookup("Verdun-sur-Garonne").commune.code == "82190"


def mentions(index, sentence):
    return [(m.text, m.result.status, m.result.commune.code if m.result.commune else None,
             m.result.departement.code if m.result.departement else None) for m in index.find_in_text(sentence)]


@pytest.mark.parametrize("sentence, first", [
    ("je suis à Saint-Paul, La Réunion", ("Saint-Paul", "found", "97415", "974")),
    ("on est à Castelnau (32)", ("Castelnau", "ambiguous", None, "32")),
    ("nous sommes à Saint-Jean en Haute-Garonne", ("Saint-Jean", "found", "31488", "31")),
    ("on est à Villeneuve 31", ("Villeneuve", "found", "31588", "31")),
    ("on est à Valence dans la Drôme", ("Valence", "found", "26362", "26")),
    ("une asso de Saint-Denis 93200", ("Saint-Denis", "found", "93066", "93")),
])
def test_in_a_sentence_too(territories, sentence, first):
    assert mentions(territories, sentence)[0] == first
