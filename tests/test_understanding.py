"""From a parsed message to profile slots (actions/understanding.py), as the form does it."""
from __future__ import annotations

import pytest

from actions.understanding import place_from_message, slots_from_message


def parse(text, intent="inform", entities=None):
    return {"text": text, "intent": {"name": intent}, "entities": entities or []}


@pytest.mark.parametrize("text,intent,requested,expected", [
    # entities missed by DIET: strong status words and stage words are read in the sentence
    ("association employeuse à Montpellier en consolidation", "inform", None,
     {"statut": "association", "stade": "consolidation", "commune": "34172", "departement": "34", "employeur": True}),
    ("je n'ai pas encore de structure, juste une idée", "inform", None, {"statut": "sans_structure", "stade": "idee"}),
    # a risky word is read only as a direct answer
    ("dans quelle commune ?", "inform", None, {}),
    ("seul", "inform", "statut", {"statut": "sans_structure"}),
    # "je ne sais pas" is never an answer, even when it contains a stage word
    ("aucune idée", "dont_know", "stade", {}),
    # places: the commune rather than the town it is near, rather than its department
    ("on est à côté de Toulouse, à Cugnaux", "inform", None, {"commune": "31157", "departement": "31"}),
    ("Foix en Ariège", "inform", "commune", {"commune": "09122", "departement": "09"}),
    ("dans le 31", "inform", "commune", {"departement": "31"}),
    ("31290", "inform", "commune", {"departement": "31"}),
    # asked for a commune, a bare name read as another intent is still a place answer
    ("Muret", "out_of_scope", "commune", {"commune": "31395", "departement": "31"}),
    # a foreign sentence sets nothing, even if a word looks like a commune
    ("Sono a Delle, vorrei aiuto", "other_language", None, {}),
    # employees: the words of the message decide
    ("nous sommes une association sans salarié", "inform", None, {"statut": "association", "employeur": False}),
    ("oui", "affirm", "employeur", {"employeur": True}),
    ("non", "deny", "employeur", {"employeur": False}),
    ("un local et du financement", "inform", "besoins", {"besoins": ["financement", "hebergement"]}),
    # needs in a statement: unambiguous need words only
    ("il nous faudrait un atelier et des conseils", "inform", None, {"besoins": ["hebergement", "accompagnement"]}),
    ("nous sommes une entreprise d'insertion sans statut ESUS", "inform", None, {"statut": "entreprise"}),
    ("c'est quoi un prêt d'honneur ?", "ask_definition", None, {}),
])
def test_slots_from_message(territories, text, intent, requested, expected):
    assert slots_from_message(parse(text, intent), territories, requested) == expected


def test_known_values_are_not_overwritten_by_words_in_a_sentence(territories):
    got = slots_from_message(parse("on travaille avec une association du quartier"), territories,
                             known={"statut": "cooperative"})
    assert "statut" not in got


def test_entities_win_over_words(territories):
    got = slots_from_message(parse("on est une scop", entities=[{"entity": "statut", "value": "cooperative"}]),
                             territories)
    assert got == {"statut": "cooperative"}


def test_a_stray_need_entity_does_not_hide_the_need_words(territories):
    got = slots_from_message(parse("il me faudrait un atelier", entities=[{"entity": "besoin", "value": "me"}]),
                             territories)
    assert got == {"besoins": ["hebergement"]}


def test_entity_needs_and_need_words_add_up(territories):
    got = slots_from_message(parse("on cherche un financement et un lieu pour s'installer",
                                   entities=[{"entity": "besoin", "value": "financement"}]), territories)
    assert got == {"besoins": ["financement", "hebergement"]}


def test_a_bare_foreign_name_read_as_feedback_still_gets_the_place_question(territories):
    got = place_from_message("Bruxelles", [], "feedback", "commune", territories)
    assert got["lieu_saisi"] == "Bruxelles" and got["lieu_statut"] in ("ambigu", "inconnu")
    assert place_from_message("Bruxelles", [], "feedback", None, territories) == {}
    assert place_from_message("c'est nul, pourquoi Bruxelles ?", [], "feedback", "commune", territories) == {}
