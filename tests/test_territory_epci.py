"""Intercommunalities (EPCI): a place said as an intercommunality resolves to the EPCI and
its department (the department of most of its members), never to a homonym commune."""
from __future__ import annotations

from collections import Counter

import pytest

GRAND_FIGEAC, COEUR_DE_GARONNE, TOULOUSE_METROPOLE = "200067361", "200068815", "243100518"
SICOVAL, MURETAIN, FRONTONNAIS, VOLVESTRE = "243100633", "200068641", "200034957", "200066819"


@pytest.mark.parametrize("text, code, dep", [
    ("le Grand Figeac", GRAND_FIGEAC, "46"),
    ("Grand-Figeac", GRAND_FIGEAC, "46"),
    ("CC Grand-Figeac", GRAND_FIGEAC, "46"),
    ("communauté de communes du Grand Figeac", GRAND_FIGEAC, "46"),
    ("communauté de communes Cœur de Garonne", COEUR_DE_GARONNE, "31"),
    ("CC Coeur de Garonne", COEUR_DE_GARONNE, "31"),
    ("Cœur de Garonne", COEUR_DE_GARONNE, "31"),
    ("Cœur de Garone", COEUR_DE_GARONNE, "31"),  # a typo
    ("Toulouse Métropole", TOULOUSE_METROPOLE, "31"),
    ("la métropole de Toulouse", TOULOUSE_METROPOLE, "31"),
    ("le Sicoval", SICOVAL, "31"),
    ("Sicoval", SICOVAL, "31"),
    ("CA du Sicoval", SICOVAL, "31"),
    ("communauté d'agglomération du Sicoval", SICOVAL, "31"),
    ("CA du Muretain", MURETAIN, "31"),
    ("le Muretain", MURETAIN, "31"),
    ("Muretain Agglo", MURETAIN, "31"),
    ("l'agglo du Muretain", MURETAIN, "31"),
    ("l'agglo de Muret", MURETAIN, "31"),  # its largest commune, with the type words
    ("CC du Frontonnais", FRONTONNAIS, "31"),
    ("le Frontonnais", FRONTONNAIS, "31"),
    ("communauté de communes du Volvestre", VOLVESTRE, "31"),
    ("je suis dans le Volvestre", VOLVESTRE, "31"),
    ("Bordeaux Métropole", "243300316", "33"),
    ("Métropole de Lyon", "200046977", "69"),
    ("Montpellier Métropole", "243400017", "34"),
    ("agglo de Tulle", "241927201", "19"),
])
def test_lookup_of_an_intercommunality(territories, text, code, dep):
    res = territories.lookup(text)
    assert (res.status, res.kind) == ("found", "epci"), (text, res)
    assert res.epci.code == code, (text, res.epci)
    assert res.departement.code == dep and res.epci.departement == dep
    assert res.region.code == territories.departement(dep).region
    assert res.commune is None and res.candidates == []


@pytest.mark.parametrize("text, code", [
    ("Figeac", "46102"), ("Toulouse", "31555"), ("Muret", "31395"), ("Tulle", "19272"), ("Gaillac", "81099"),
])
def test_a_commune_named_like_an_intercommunality_stays_the_commune(territories, text, code):
    res = territories.lookup(text)
    assert (res.status, res.kind, res.commune.code) == ("found", "commune", code)


def test_ordinary_words_are_not_intercommunalities(territories):
    assert territories.lookup("sud").status == "unknown"  # "CA du Sud" (La Réunion) needs its type words
    assert territories.lookup("CA du Sud").kind == "epci"
    for text in ("ça", "ça va", "cc", "agglo", "la métropole", "communauté de communes", "sude"):
        assert territories.lookup(text).kind != "epci", text
    assert territories.lookup("ça Toulouse").commune.code == "31555"


def test_every_official_name_resolves_to_its_intercommunality(territories):
    epcis = territories.places.epcis
    wrong = []
    for epci in epcis.values():
        res = territories.lookup(epci.nom)
        if res.kind != "epci" or res.epci.nom != epci.nom:  # two "CC des Quatre Rivières"
            wrong.append((epci.nom, res.kind, res.commune and res.commune.nom))
    assert wrong == []


def test_the_department_of_an_intercommunality_is_that_of_most_of_its_members(territories):
    for epci in territories.places.epcis.values():
        deps = Counter(territories.commune(c).departement for c in epci.membres)
        if deps:
            assert deps[epci.departement] == max(deps.values()), epci
    assert territories.epci(GRAND_FIGEAC).departement == "46"  # members in the Lot and the Aveyron


def places(index, sentence):
    out = []
    for m in index.find_in_text(sentence):
        r = m.result
        out.append((m.text, r.kind, r.epci.code if r.epci else r.commune.code if r.commune else
                    r.departement.code if r.departement else None))
    return out


@pytest.mark.parametrize("sentence, expected", [
    ("on est une asso du Sicoval", [("Sicoval", "epci", SICOVAL)]),
    ("nous sommes dans le Grand Figeac", [("Grand Figeac", "epci", GRAND_FIGEAC)]),
    ("une SCIC de la communauté de communes Cœur de Garonne",
     [("communauté de communes Cœur de Garonne", "epci", COEUR_DE_GARONNE)]),
    ("on est sur Toulouse Métropole", [("Toulouse Métropole", "epci", TOULOUSE_METROPOLE)]),
    ("CA du Muretain, à Muret", [("CA du Muretain", "epci", MURETAIN), ("Muret", "commune", "31395")]),
    ("la CC du Frontonnais nous aide", [("CC du Frontonnais", "epci", FRONTONNAIS)]),
    ("on travaille avec la métropole de Toulouse", [("métropole de Toulouse", "epci", TOULOUSE_METROPOLE)]),
    ("je suis au Sicoval à Labège", [("Sicoval", "epci", SICOVAL), ("Labège", "commune", "31254")]),
    ("Ça va bien, on est à Muret", [("Muret", "commune", "31395")]),
    ("ça, Toulouse, c'est grand", [("Toulouse", "commune", "31555")]),  # "ça" is not a CA
    ("la CA de Toulouse", [("CA de Toulouse", "epci", TOULOUSE_METROPOLE)]),
    ("je vis à Tulle", [("Tulle", "commune", "19272")]),
    ("on est plutôt dans le sud", []),
])
def test_find_in_text_finds_intercommunalities(territories, sentence, expected):
    assert places(territories, sentence) == expected
