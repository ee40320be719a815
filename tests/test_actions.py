"""Every custom action, run directly with rasa_sdk trackers (no Rasa server)."""
from __future__ import annotations

import asyncio
import json

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import handoff, knowledge_client, orientation, profile_form, replies, session
from actions import vocabulary as voc
from knowledge import db

DOMAIN = {"forms": {"profil_form": {"required_slots": ["statut", "stade", "commune", "besoins", "employeur"]},
                    "contact_form": {"required_slots": handoff.CONTACT_SLOTS}}}


@pytest.fixture(scope="module")
def shared_client(loaded_db):
    return knowledge_client.KnowledgeClient(loaded_db)


@pytest.fixture(autouse=True)
def client(shared_client, monkeypatch):
    """The actions use a knowledge client on a freshly loaded database (built once per module)."""
    monkeypatch.setattr(knowledge_client, "_client", shared_client)
    return shared_client


def make_tracker(slots=None, text="", intent="inform", entities=None, requested=None, loop="profil_form",
                 sender="test-user", new_slots=None):
    """A tracker as Rasa sends it: ``new_slots`` are the values this message set (trailing SlotSet events)."""
    values = {"requested_slot": requested, "echecs_profil": 0.0, **(slots or {}), **(new_slots or {})}
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []}
    events = [{"event": "slot", "name": k, "value": v} for k, v in (slots or {}).items()]
    events += [{"event": "user", "text": text, "parse_data": latest}]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (new_slots or {}).items()]
    return Tracker(sender, values, latest, events, False, None, {"name": loop} if loop else {}, "action_listen")


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker, DOMAIN)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return dispatcher.messages, result


def slots_of(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def ent(name, value):
    return {"entity": name, "value": value}


# vocabulary -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("asso", "association"), ("une assoc loi 1901", "association"), ("SCOP", "cooperative"),
    ("on est une scic", "cooperative"), ("CAE", "cooperative"), ("mairie", "collectivite"),
    ("communauté de communes", "collectivite"), ("SARL agréée ESUS", "entreprise"),
    ("micro-entrepreneur", "entreprise"), ("pas encore de structure", "sans_structure"),
    ("je suis seul", "sans_structure"), ("une fondation", "autre"), ("ça va", None), ("bonjour", None),
    ("cooperative", "cooperative"), ("association", "association"),
])
def test_canonical_statut(text, expected):
    assert voc.canonical_statut(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("j'ai une idée", "idee"), ("on démarre", "creation"), ("en creation", "creation"),
    ("on veut se développer", "developpement"), ("consolider", "consolidation"),
    ("on est en difficulté", "consolidation"), ("essaimer ailleurs", "changement_echelle"),
    ("reprendre l'entreprise en scop", "reprise"), ("bof", None),
])
def test_canonical_stade(text, expected):
    assert voc.canonical_stade(text) == expected


def test_canonical_besoins_keeps_order_and_ignores_noise():
    assert voc.canonical_besoins("un local et du financement") == ["financement", "hebergement"]
    assert voc.canonical_besoins(["financement", "financement"]) == ["financement"]
    assert voc.canonical_besoins("sous forme de rien") == []
    assert voc.canonical_besoins(None) == []


@pytest.mark.parametrize("value,expected", [
    ("true", True), ("false", False), (True, True), ("3 salariés", True), ("que des bénévoles", False),
    ("pas de salarié", False), ("peut-être", None), (None, None),
])
def test_canonical_employeur(value, expected):
    assert voc.canonical_employeur(value) == expected


# profile form -----------------------------------------------------------------------------------

def test_a_short_answer_without_entity_fills_the_requested_slot():
    _msgs, events = run(profile_form.ValidateProfilForm(), make_tracker(text="asso", requested="statut"))
    slots = slots_of(events)
    assert slots["statut"] == "association"
    assert slots["requested_slot"] == "stade"


def test_several_facts_in_one_message_and_a_place_found_by_the_knowledge_base():
    tracker = make_tracker(
        new_slots={"statut": "association", "employeur": "true", "stade": "consolidation"},
        text="on est une asso employeuse à Muret et on veut consolider",
        entities=[ent("statut", "association"), ent("employeur", "true"), ent("stade", "consolidation")])
    _msgs, events = run(profile_form.ValidateProfilForm(), tracker)
    slots = slots_of(events)
    assert slots["commune"] == "31395" and slots["departement"] == "31"
    assert slots["employeur"] is True
    assert slots["requested_slot"] == "besoins"


def test_a_stray_entity_does_not_hide_the_words_of_the_message():
    # DIET tagged "structure" and "activité" alone: the vocabulary still reads the sentence.
    tracker = make_tracker(
        new_slots={"statut": "structure", "stade": "activité"},
        text="je veux créer mon activité, je n'ai pas encore de structure", intent="request_orientation",
        entities=[ent("statut", "structure"), ent("stade", "activité")])
    _msgs, events = run(profile_form.ValidateProfilForm(), tracker)
    slots = slots_of(events)
    assert slots["statut"] == "sans_structure" and slots["stade"] == "creation"
    assert slots["requested_slot"] == "commune"


def test_ambiguous_postal_code_asks_which_commune():
    tracker = make_tracker(slots={"statut": "association", "stade": "creation"}, text="31290", requested="commune")
    _msgs, events = run(profile_form.ValidateProfilForm(), tracker)
    slots = slots_of(events)
    assert slots["lieu_statut"] == "ambigu" and slots["departement"] == "31"
    assert len(slots["lieu_candidats"]) >= 2
    assert slots.get("echecs_profil") is None  # not a failure
    asked = make_tracker(slots={**slots, "requested_slot": "commune"}, text="31290", requested="commune")
    messages, _ = run(profile_form.ActionAskCommune(), asked)
    assert "couvre plusieurs communes" in messages[0]["text"]
    assert all(b["payload"].startswith('/inform{"commune": "31') for b in messages[0]["buttons"])


def test_unknown_commune_gets_suggestions_and_keeps_what_is_known():
    tracker = make_tracker(slots={"statut": "association", "stade": "creation"}, text="Trifouilly-les-Oies",
                           requested="commune")
    _msgs, events = run(profile_form.ValidateProfilForm(), tracker)
    slots = slots_of(events)
    assert slots["lieu_statut"] == "inconnu"
    assert "statut" not in slots or slots["statut"] == "association"
    asked = make_tracker(slots={"statut": "association", "stade": "creation", **slots}, requested="commune")
    messages, _ = run(profile_form.ActionAskCommune(), asked)
    assert "Je ne trouve pas de commune française nommée « Trifouilly-les-Oies »" in messages[0]["text"]


@pytest.mark.parametrize("typed,expected", [
    ("Montesquieu", "Plusieurs communes s'appellent « Montesquieu »"),  # real homonyms (31, 82, 34...)
    ("Bruxelles", "Je ne trouve pas de commune française nommée « Bruxelles »"),  # only close spellings
])
def test_homonyms_and_close_spellings_are_worded_differently(typed, expected):
    tracker = make_tracker(slots={"statut": "association", "stade": "creation"}, text=typed, requested="commune")
    _msgs, events = run(profile_form.ValidateProfilForm(), tracker)
    slots = slots_of(events)
    assert slots["lieu_statut"] in ("ambigu", "inconnu") and slots["lieu_candidats"]
    asked = make_tracker(slots={"statut": "association", "stade": "creation", **slots}, requested="commune")
    messages, _ = run(profile_form.ActionAskCommune(), asked)
    assert messages[0]["text"].startswith(expected) and messages[0]["buttons"]


def test_a_button_payload_selects_the_commune():
    tracker = make_tracker(slots={"statut": "association", "stade": "creation", "lieu_statut": "ambigu"},
                           text='/inform{"commune": "31582"}', entities=[ent("commune", "31582")], requested="commune")
    _msgs, events = run(profile_form.ValidateProfilForm(), tracker)
    slots = slots_of(events)
    assert slots["commune"] == "31582" and slots["lieu_statut"] is None


def test_dont_know_the_commune_in_haute_garonne_makes_it_optional():
    tracker = make_tracker(slots={"statut": "association", "stade": "creation", "departement": "31"},
                           text="je ne sais pas", intent="dont_know", requested="commune")
    _msgs, events = run(profile_form.ValidateProfilForm(), tracker)
    slots = slots_of(events)
    assert slots["commune_facultative"] is True
    assert slots["requested_slot"] == "besoins"


def test_department_only_outside_haute_garonne_is_enough():
    tracker = make_tracker(slots={"statut": "cooperative", "stade": "developpement"}, text="dans le Tarn",
                           requested="commune")
    _msgs, events = run(profile_form.ValidateProfilForm(), tracker)
    slots = slots_of(events)
    assert slots["departement"] == "81"
    assert slots["requested_slot"] == "besoins"


def test_employer_is_asked_only_when_it_changes_the_answer():
    base = {"stade": "consolidation", "commune": "31395", "departement": "31", "besoins": ["accompagnement"]}
    _msgs, events = run(profile_form.ValidateProfilForm(),
                        make_tracker(slots={**base, "statut": "association"}, text="accompagnement",
                                     requested="besoins", entities=[ent("besoin", "accompagnement")]))
    assert slots_of(events)["requested_slot"] == "employeur"  # the DLA depends on it
    _msgs, events = run(profile_form.ValidateProfilForm(),
                        make_tracker(slots={**base, "statut": "sans_structure"}, text="accompagnement",
                                     requested="besoins", entities=[ent("besoin", "accompagnement")]))
    assert slots_of(events)["requested_slot"] is None  # no structure: never asked


def test_a_correction_replaces_the_status_while_another_question_is_asked():
    tracker = make_tracker(slots={"statut": "association"}, new_slots={"statut": "SCOP"},
                           text="non, en fait on est en SCOP", entities=[ent("statut", "SCOP")], requested="stade")
    _msgs, events = run(profile_form.ValidateProfilForm(), tracker)
    slots = slots_of(events)
    assert slots["statut"] == "cooperative"
    assert slots["requested_slot"] == "stade"
    assert "echecs_profil" not in slots  # a correction is not an unusable answer


def test_repeating_a_known_answer_does_not_answer_the_question():
    tracker = make_tracker(slots={"statut": "association"}, new_slots={"statut": "association"},
                           text="association", entities=[ent("statut", "association")], requested="stade")
    _msgs, events = run(profile_form.ValidateProfilForm(), tracker)
    slots = slots_of(events)
    assert slots["requested_slot"] == "stade" and slots["echecs_profil"] == 1.0


def test_unusable_answers_are_counted_then_explained():
    _msgs, events = run(profile_form.ValidateProfilForm(), make_tracker(text="euh bof", requested="stade"))
    assert slots_of(events)["echecs_profil"] == 1.0
    messages, _ = run(profile_form.ActionAskStade(), make_tracker(text="euh bof", requested="stade",
                                                                  slots={"echecs_profil": 1.0}))
    assert messages[0]["text"].startswith("Je n'ai pas compris votre réponse")
    messages, _ = run(profile_form.ActionAskStade(), make_tracker(text="zut", requested="stade",
                                                                  slots={"echecs_profil": 2.0}))
    assert "Je n'ai pas réussi à utiliser vos dernières réponses" in messages[0]["text"]
    assert "Idée : vous y réfléchissez" in messages[0]["text"]
    assert len(messages[0]["buttons"]) == 6


def test_dont_know_gets_the_explanation_with_buttons():
    messages, _ = run(profile_form.ActionAskStatut(), make_tracker(text="je ne sais pas", intent="dont_know",
                                                                   requested="statut"))
    assert "forme juridique" in messages[0]["text"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert '/inform{"statut": "sans_structure"}' in payloads


def test_a_digression_is_not_counted_as_a_failure():
    tracker = make_tracker(text="c'est quoi le DLA ?", intent="ask_definition", requested="stade",
                           entities=[ent("dispositif", "DLA")])
    _msgs, events = run(profile_form.ValidateProfilForm(), tracker)
    assert "echecs_profil" not in slots_of(events)


# orientation -------------------------------------------------------------------------------------

FULL = {"statut": "association", "employeur": True, "stade": "consolidation", "commune": "31395",
        "departement": "31", "besoins": ["accompagnement"]}


def test_orient_replies_with_names_reasons_contacts_and_the_contract_payload():
    messages, events = run(orientation.ActionOrient(), make_tracker(slots=FULL, loop=None))
    main = messages[0]
    payload = main["custom"]["orientation"]
    assert payload["profil"] == FULL
    ids = [d["id"] for d in payload["dispositifs"]]
    assert ids[0] == "dla"
    for d in payload["dispositifs"][:4]:
        assert d["nom"] in main["text"] and d["pourquoi"] and d["sources"]
        assert set(d) >= {"id", "nom", "pourquoi", "contacts", "sources"}
    assert "Contact : " in main["text"]
    assert slots_of(events)["recommandations"][0] == "dla"


def test_details_by_ordinal_and_contact_by_name():
    shown = ["dla", "activ-asso", "mouvement-associatif-occitanie"]
    messages, events = run(orientation.ActionSchemeDetails(),
                           make_tracker(slots={"recommandations": shown}, text="plus de détails sur le 2e",
                                        intent="ask_details", loop=None))
    assert messages[0]["text"].startswith("Activ'Asso")
    assert slots_of(events)["dispositif_courant"] == "activ-asso"
    messages, _ = run(orientation.ActionSchemeContact(),
                      make_tracker(slots={"recommandations": shown}, text="le contact de la CAE",
                                   intent="ask_contact", loop=None))
    assert "Coopératives d'activité et d'emploi" in messages[0]["text"]
    assert "sans doute plus à jour" in messages[0]["text"]  # the 2012 contacts are said to be old


def test_definition_of_a_named_scheme_and_of_an_unknown_one():
    messages, _ = run(orientation.ActionExplainScheme(),
                      make_tracker(text="c'est quoi le DLA ?", intent="ask_definition", loop=None))
    assert "dispositif public et gratuit" in messages[0]["text"]
    messages, _ = run(orientation.ActionExplainScheme(),
                      make_tracker(text="c'est quoi le machin truc ?", intent="ask_definition", loop=None))
    assert messages[0]["response"] == "utter_unknown_scheme"


def test_announced_schemes_are_said_to_be_announced():
    messages, _ = run(orientation.ActionExplainScheme(),
                      make_tracker(text="c'est quoi Théogone ?", intent="ask_definition", loop=None))
    assert "À savoir" in messages[0]["text"]


def test_more_schemes_gives_new_ones_then_says_when_there_are_none():
    tracker = make_tracker(slots={**FULL, "recommandations": ["dla", "activ-asso"]}, intent="ask_more", loop=None)
    messages, events = run(orientation.ActionMoreSchemes(), tracker)
    more = slots_of(events)["deja_proposes"]
    assert more and "dla" not in more
    assert "d'autres pistes" in messages[0]["text"]


def test_ordinals_are_read_in_french():
    assert orientation.ordinal_in_text("le deuxième") == 2
    assert orientation.ordinal_in_text("plus de détails sur le 3") == 3
    assert orientation.ordinal_in_text("un local") is None
    assert orientation.ordinal_in_text("le dernier") == -1


# hand-over ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed,email,phone,problem", [
    ("marie.dupont@exemple.fr", "marie.dupont@exemple.fr", None, None),
    ("Marie.Dupont@Exemple.FR ", "marie.dupont@exemple.fr", None, None),
    ("marie.dupont.exemple.fr", None, None, "Il manque le « @ »"),
    ("marie@", None, None, "ne semble pas valide"),
    ("06 12 34 56 78", None, "06 12 34 56 78", None),
    ("+33 6 12 34 56 78", None, "+33612345678", None),
    ("06 12 AB 56 78", None, None, "que des chiffres"),
    ("0612", None, None, "10 chiffres"),
    ("je sais pas", None, None, "adresse e-mail"),
])
def test_contact_details_are_validated(typed, email, phone, problem):
    got_email, got_phone, got_problem = handoff.parse_contact(typed)
    assert (got_email, got_phone) == (email, phone)
    assert (problem is None and got_problem is None) or (problem and problem in got_problem)


def test_contact_form_rejects_bad_coordinates_with_a_french_message():
    tracker = make_tracker(slots={"contact_consentement": True, "contact_nom": "Marie Dupont"},
                           new_slots={"contact_coordonnees": "06 12 AB 56 78"},
                           text="06 12 AB 56 78", requested="contact_coordonnees", loop="contact_form")
    messages, events = run(handoff.ValidateContactForm(), tracker)
    assert slots_of(events)["contact_coordonnees"] is None
    assert "chiffres" in messages[0]["text"]


def test_refused_consent_ends_the_form_and_stores_nothing(client):
    tracker = make_tracker(slots={"contact_consentement": False}, intent="deny", requested="contact_consentement",
                           loop="contact_form")
    _msgs, events = run(handoff.ValidateContactForm(), tracker)
    assert slots_of(events)["requested_slot"] is None
    messages, events = run(handoff.ActionSaveRequest(), make_tracker(slots={"contact_consentement": False}, loop=None))
    assert messages[0]["response"] == "utter_contact_not_saved"
    with client.requests_session() as s:
        assert s.scalars(select(db.HandoffRequest).where(db.HandoffRequest.conversation_id == "refused")).all() == []


def test_cancelling_in_the_middle_stores_nothing():
    tracker = make_tracker(slots={"contact_consentement": True}, text="annuler", requested="contact_nom",
                           loop="contact_form")
    _msgs, events = run(handoff.ValidateContactForm(), tracker)
    slots = slots_of(events)
    assert slots["contact_consentement"] is False and slots["requested_slot"] is None


def test_a_consented_request_is_recorded_with_profile_and_recommendations(client):
    slots = {**FULL, "contact_consentement": True, "contact_nom": "Marie Dupont",
             "contact_coordonnees": "marie.dupont@exemple.fr", "contact_message": "Rappelez-moi svp <b>vite</b>",
             "partenaire": "site-test"}
    messages, events = run(handoff.ActionSaveRequest(), make_tracker(slots=slots, loop=None, sender="conv-42"))
    assert "C'est enregistré (demande n°" in messages[0]["text"]
    assert all(slots_of(events)[s] is None for s in handoff.CONTACT_SLOTS)  # personal slots forgotten
    with client.requests_session() as s:
        row = s.scalars(select(db.HandoffRequest).where(db.HandoffRequest.conversation_id == "conv-42")).one()
    assert row.email == "marie.dupont@exemple.fr" and row.telephone is None
    assert row.consentement and "Acceptez-vous" in row.consentement_texte
    assert row.profil["statut"] == "association" and row.recommandations[0]["id"] == "dla"
    assert row.partenaire == "site-test" and row.statut == "nouvelle"
    assert row.message == "Rappelez-moi svp <b>vite</b>"


def test_consent_question_says_what_is_stored_and_why():
    messages, _ = run(handoff.ActionAskContactConsentement(), make_tracker(loop="contact_form"))
    text = messages[0]["text"]
    for words in ("nom", "e-mail", "téléphone", "uniquement à traiter votre demande", "supprimées", "Acceptez-vous"):
        assert words in text
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]


# session ------------------------------------------------------------------------------------------

def test_metadata_prefills_only_valid_values():
    slots = session.slots_from_metadata({"partenaire": "mairie-muret", "commune": "31395", "statut": "association",
                                         "stade": "n'importe quoi", "besoins": ["financement", "pizza"],
                                         "employeur": "oui"})
    assert slots == {"partenaire": "mairie-muret", "commune": "31395", "departement": "31",
                     "statut": "association", "besoins": ["financement"]}
    assert session.slots_from_metadata({"commune": "99999"}) == {}
    assert session.slots_from_metadata("not a dict") == {}
    assert session.slots_from_metadata({"departement": "81"}) == {"departement": "81"}


def test_session_start_applies_metadata():
    tracker = make_tracker(slots={"session_started_metadata": {"departement": "31"}}, loop=None)
    _msgs, events = run(session.ActionSessionStart(), tracker)
    assert events[0]["event"] == "session_started"
    assert slots_of(events) == {"departement": "31"}
    assert events[-1]["event"] == "action" and events[-1]["name"] == "action_listen"


# replies -----------------------------------------------------------------------------------------

def test_details_text_marks_old_and_announced_information(client):
    text = replies.details_text(client.scheme("theogone"), {})
    assert "À savoir" in text and "Source : Département de la Haute-Garonne, 2020" in text
    text = replies.contact_text(client.scheme("cress-occitanie"), {"region-occitanie-service-ess": "Service ESS"})
    assert "information de 2012, sans doute plus à jour" in text


def test_a_value_that_cannot_be_understood_keeps_the_earlier_one():
    tracker = make_tracker(new_slots={"statut": "faisabilité"}, text="une étude de faisabilité",
                           entities=[ent("statut", "faisabilité")], requested="besoins")
    tracker.events.insert(0, {"event": "slot", "name": "statut", "value": "association"})
    _msgs, events = run(profile_form.ValidateProfilForm(), tracker)
    assert slots_of(events)["statut"] == "association"


def test_no_employees_said_in_words_wins_over_a_tagged_entity():
    tracker = make_tracker(new_slots={"statut": "association", "employeur": "true"},
                           text="nous sommes une association sans salarié à Toulouse",
                           entities=[ent("statut", "association"), ent("employeur", "salarié")])
    _msgs, events = run(profile_form.ValidateProfilForm(), tracker)
    assert slots_of(events)["employeur"] is False
    assert voc.says_no_employees("que des bénévoles") and not voc.says_no_employees("non, on a 3 salariés")


def test_when_nothing_fits_exactly_a_call_back_is_offered():
    slots = {"statut": "autre", "stade": "reprise", "commune": "2A004", "departement": "2A", "besoins": ["marches"]}
    messages, _ = run(orientation.ActionOrient(), make_tracker(slots=slots, loop=None))
    assert messages[0]["custom"]["orientation"]["elargi"] is True
    assert messages[1]["response"] == "utter_handoff_offer"
    messages, _ = run(orientation.ActionOrient(), make_tracker(slots=FULL, loop=None))
    assert messages[1]["response"] == "utter_after_orientation"


@pytest.mark.parametrize("action", [profile_form.ActionAskStatut, profile_form.ActionAskStade,
                                    profile_form.ActionAskBesoins, profile_form.ActionAskEmployeur])
def test_each_question_is_asked_then_repeated_then_explained(action):
    ask = action()
    first, _ = run(ask, make_tracker(requested=ask.slot))
    assert first[0]["text"] == ask.question
    again, _ = run(ask, make_tracker(slots={"echecs_profil": 1.0}, requested=ask.slot))
    assert again[0]["text"] == "Je n'ai pas compris votre réponse. " + ask.question
    explained, _ = run(ask, make_tracker(slots={"echecs_profil": 2.0}, requested=ask.slot))
    assert explained[0]["text"].startswith("Je n'ai pas réussi à utiliser vos dernières réponses. ")
    assert ask.explanation in explained[0]["text"] and explained[0]["buttons"]


def test_need_and_employer_buttons_carry_values_the_form_understands():
    needs, _ = run(profile_form.ActionAskBesoins(), make_tracker(requested="besoins"))
    values = [json.loads(b["payload"].split("/inform", 1)[1])["besoin"] for b in needs[0]["buttons"]]
    assert values and all(voc.canonical_besoins(v) == [v] for v in values)
    employer, _ = run(profile_form.ActionAskEmployeur(), make_tracker(requested="employeur"))
    assert [b["payload"] for b in employer[0]["buttons"]] == ["/affirm", "/deny"]
    assert "DLA" in employer[0]["text"]


def test_a_postal_code_that_does_not_exist_is_said_so():
    tracker = make_tracker(slots={"statut": "association", "stade": "creation"}, text="31999", requested="commune")
    _msgs, events = run(profile_form.ValidateProfilForm(), tracker)
    slots = slots_of(events)
    assert slots["lieu_statut"] == "inconnu" and slots["requested_slot"] == "commune"
    asked = make_tracker(slots={"statut": "association", "stade": "creation", **slots}, requested="commune")
    messages, _ = run(profile_form.ActionAskCommune(), asked)
    assert messages[0]["text"].startswith("Le code postal 31999 ne correspond à aucune commune française.")
