"""Every custom action, run directly with rasa_sdk trackers (no Rasa server), with the real domain."""
from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import handoff, knowledge_client, orientation, profile_form, questions, read, session
from knowledge import db

DOMAIN = yaml.safe_load((Path(__file__).resolve().parent.parent / "domain.yml").read_text(encoding="utf-8"))
FULL = {"statut": "association", "employeur": True, "stade": "consolidation", "commune": "31395",
        "departement": "31", "besoins": ["accompagnement"]}


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
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or [],
              "message_id": "m-latest"}
    events = [{"event": "slot", "name": k, "value": v} for k, v in (slots or {}).items()]
    events += [{"event": "user", "text": text, "parse_data": latest}]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (new_slots or {}).items()]
    return Tracker(sender, values, latest, events, False, None, {"name": loop} if loop else {}, "action_listen")


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker, DOMAIN)
    if asyncio.iscoroutine(result):
        result = wait(result)
    return dispatcher.messages, result


def wait(coroutine):
    """Run a coroutine in a thread of its own: the browser tests keep an event loop running."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def slots_of(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def read_turn(text, slots=None, requested="statut", intent="inform", loop="profil_form", entities=None):
    return run(read.ActionReadMessage(), make_tracker(slots=slots, text=text, intent=intent, requested=requested,
                                                       loop=loop, entities=entities))


# reading a message ---------------------------------------------------------------------------

def test_a_short_answer_fills_the_question_asked_and_resets_the_failures():
    _msgs, events = read_turn("asso", slots={"echecs_profil": 1.0})
    slots = slots_of(events)
    assert slots["statut"] == "association" and slots["echecs_profil"] == 0.0
    assert slots["derniere_lecture"] == {"question": "statut", "etat": "answered", "message": "m-latest"}


def test_an_answer_the_classifier_took_for_a_question_fills_the_slot_and_the_question_rule_stays_quiet():
    text = "être accompagné pour voir si c'est faisable"
    _msgs, events = read_turn(text, requested="besoins", intent="ask_conditions", slots={"statut": "sans_structure"})
    slots = slots_of(events)
    assert slots["besoins"] == ["accompagnement"] and slots["derniere_lecture"]["etat"] == "answered"
    assert "lecture_en_attente" not in slots
    after = make_tracker(slots={"statut": "sans_structure"}, new_slots=slots, text=text, intent="ask_conditions",
                         requested="besoins")
    for action in (questions.ActionAnswerQuestion(), questions.ActionWhyNot(), orientation.ActionSchemeDetails()):
        assert run(action, after) == ([], [])


@pytest.mark.parametrize("intent,response", [("feedback", "utter_feedback_thanks"), ("out_of_scope", "utter_out_of_scope")])
def test_a_digression_gets_its_answer_unless_it_answered_the_question(intent, response):
    text = "me faire connaître et trouver des points de vente"
    _msgs, events = read_turn(text, requested="besoins", intent=intent, slots={"statut": "entreprise"})
    slots = slots_of(events)
    assert slots["besoins"] == ["reseau", "marches"] or slots["besoins"] == ["marches", "reseau"]
    answered = make_tracker(slots={"statut": "entreprise"}, new_slots=slots, text=text, intent=intent, requested="besoins")
    assert run(questions.ActionDigression(), answered) == ([], [])
    off_topic = make_tracker(text="il fait beau aujourd'hui", intent=intent, requested="besoins")
    messages, _ = run(questions.ActionDigression(), off_topic)
    assert [m["response"] for m in messages] == [response]


def test_a_real_question_during_the_form_is_answered():
    text = "c'est quoi une SCIC ?"
    _msgs, events = read_turn(text, requested="besoins", intent="ask_definition", slots={"stade": "idee"})
    assert "besoins" not in slots_of(events) and "derniere_lecture" not in slots_of(events)
    messages, _ = run(questions.ActionAnswerQuestion(),
                      make_tracker(slots={"stade": "idee", "lecture_en_attente": {"statut": "association"}},
                                   text=text, intent="ask_definition", requested="besoins"))
    assert messages and "coopérative" in messages[0]["text"].lower()


def test_several_facts_and_a_place_found_by_the_knowledge_base():
    _msgs, events = read_turn("nous sommes une association employeuse à Muret en consolidation", requested=None,
                              loop=None)
    assert slots_of(events) == {"statut": "association", "employeur": True, "stade": "consolidation",
                                "commune": "31395", "departement": "31"}


def test_an_ambiguous_postal_code_and_an_unknown_commune_are_asked_again():
    _msgs, events = read_turn("31470", slots={"statut": "association"}, requested="commune")
    slots = slots_of(events)
    assert slots["departement"] == "31" and slots["lieu_statut"] == "ambigu" and len(slots["lieu_candidats"]) > 1
    messages, _ = run(profile_form.ActionAskCommune(), make_tracker(slots={**slots}, requested="commune"))
    assert messages[0]["response"] == "utter_place_postcode_ambiguous" and messages[0]["lieu"] == "31470"
    assert messages[0]["buttons"][-1]["payload"] == "/dont_know"
    _msgs, events = read_turn("Bruxelles", slots={"statut": "association"}, requested="commune", intent="out_of_scope")
    slots = slots_of(events)
    messages, _ = run(profile_form.ActionAskCommune(), make_tracker(slots={**slots}, requested="commune"))
    assert messages[0]["response"] in ("utter_place_unknown", "utter_place_unknown_suggestions")
    assert messages[0]["lieu"] == "Bruxelles"


def test_a_correction_is_acknowledged_and_is_not_a_failure():
    messages, events = read_turn("non en fait on est une SCIC", slots={"statut": "association"}, requested="stade")
    slots = slots_of(events)
    assert slots["statut"] == "cooperative" and slots["echecs_profil"] == 0.0
    assert [(m["response"], m["valeur"]) for m in messages] == [("utter_correction", "coopérative")]


def test_two_unusable_answers_move_on_and_two_unknowns_stop_the_questions():
    _msgs, events = read_turn("bof", requested="stade")
    assert slots_of(events)["echecs_profil"] == 1.0
    messages, events = read_turn("bof", slots={"echecs_profil": 1.0}, requested="stade")
    assert slots_of(events)["questions_passees"] == ["stade"] and messages[0]["response"] == "utter_moving_on"
    _msgs, events = read_turn("je ne sais pas", intent="dont_know", slots={"inconnus": 1.0}, requested="besoins")
    assert set(slots_of(events)["questions_passees"]) == set(read.PROFILE_QUESTIONS)
    required = wait(profile_form.ValidateProfilForm().required_slots(
        [], CollectingDispatcher(), make_tracker(slots={"questions_passees": list(read.PROFILE_QUESTIONS)}), DOMAIN))
    assert required == []


def test_a_question_during_the_form_keeps_its_facts_for_after_the_answer():
    _msgs, events = read_turn("on est à Muret, c'est quoi une SCIC ?", intent="ask_definition", requested="stade")
    pending = slots_of(events)["lecture_en_attente"]
    assert pending["commune"] == "31395" and "statut" not in pending
    tracker = make_tracker(slots={"lecture_en_attente": pending}, text="c'est quoi une SCIC ?",
                           intent="ask_definition", requested="stade")
    messages, events = run(questions.ActionAnswerQuestion(), tracker)
    assert messages[0]["text"].startswith("Société coopérative d'intérêt collectif (SCIC)")
    assert "Source : RTES, 2021" in messages[0]["text"]
    assert slots_of(events)["commune"] == "31395" and slots_of(events)["lecture_en_attente"] is None


def test_consent_in_a_sentence_is_consent_and_a_name_is_a_name():
    _msgs, events = read_turn("oui je suis d'accord pour que vous gardiez mes infos", requested="contact_consentement",
                              loop="contact_form", intent="inform")
    assert slots_of(events) == {"contact_consentement": True}
    _msgs, events = read_turn("je ne suis pas d'accord", requested="contact_consentement", loop="contact_form")
    assert slots_of(events) == {"contact_consentement": False}
    _msgs, events = read_turn("Marie Dupont", requested="contact_nom", loop="contact_form", intent="inform")
    assert slots_of(events) == {"contact_nom": "Marie Dupont"}


# the profile form -----------------------------------------------------------------------------

def test_the_commune_is_asked_only_where_it_changes_the_answer(client):
    ask = profile_form.questions_to_ask
    assert "commune" in ask(make_tracker(slots={"statut": "association", "departement": "31"}))
    assert "commune" not in ask(make_tracker(slots={"statut": "association", "departement": "69"}))
    assert "commune" in ask(make_tracker(slots={"statut": "association"}))


def test_the_employer_question_only_when_it_changes_the_answer():
    ask = profile_form.questions_to_ask
    assert "employeur" in ask(make_tracker(slots={**FULL, "employeur": None}))
    assert "employeur" not in ask(make_tracker(slots={**FULL, "employeur": None, "statut": "sans_structure"}))
    assert "employeur" not in ask(make_tracker(slots={**FULL, "employeur": None, "statut": "collectivite"}))


def test_an_answer_that_fills_nothing_does_not_reject_the_form_but_a_question_does():
    tracker = make_tracker(text="je ne sais pas", intent="dont_know", requested="stade",
                           new_slots={"derniere_lecture": {"question": "stade", "etat": "unknown"}})
    _msgs, events = run(profile_form.ValidateProfilForm(), tracker)
    assert any(e["name"] == "derniere_lecture" for e in events)
    question = make_tracker(text="c'est quoi une SCIC ?", intent="ask_definition", requested="stade",
                            new_slots={"lecture_en_attente": {"commune": "31395"}})
    _msgs, events = run(profile_form.ValidateProfilForm(), question)
    assert events == []


@pytest.mark.parametrize("action", [profile_form.ActionAskStatut, profile_form.ActionAskStade,
                                    profile_form.ActionAskBesoins, profile_form.ActionAskEmployeur,
                                    profile_form.ActionAskCommune])
def test_each_question_is_asked_then_explained_with_its_buttons(action):
    ask = action()
    first, _ = run(ask, make_tracker(requested=ask.slot))
    assert first[0]["response"] == f"utter_ask_{ask.slot}"
    for state, intro in (("failed", "Je n'ai pas compris votre réponse. "), ("unknown", "")):
        lecture = {"derniere_lecture": {"question": ask.slot, "etat": state}}
        explained, _ = run(ask, make_tracker(slots=lecture, requested=ask.slot))
        assert explained[0]["response"] == f"utter_explain_{ask.slot}" and explained[0]["intro"] == intro
    buttons = DOMAIN["responses"][f"utter_ask_{ask.slot}"][0]["buttons"]
    assert buttons[-1]["payload"] == "/dont_know"
    assert DOMAIN["responses"][f"utter_explain_{ask.slot}"][0]["buttons"] == buttons


# orientation and follow-ups -----------------------------------------------------------------------

def test_orient_replies_with_names_reasons_contacts_and_the_contract_payload():
    messages, events = run(orientation.ActionOrient(), make_tracker(slots=FULL, loop=None))
    text, payload = messages[0]["text"], messages[0]["custom"]["orientation"]
    assert payload["profil"] == FULL
    ids = [d["id"] for d in payload["dispositifs"]]
    assert ids[0] == "dla" and "offre-ingenierie-porteurs-cd31" in ids
    for item in payload["dispositifs"]:
        assert item["nom"] in text and item["pourquoi"] and item["sources"]
        assert all(":" in s and s.startswith("00") for s in item["sources"])
    assert len(text) < 1600 and text.count("\n\n") <= 7
    assert slots_of(events)["recommandations"] == ids and slots_of(events)["oriente"] is True
    assert messages[1]["response"] == "utter_after_orientation"


def test_details_by_ordinal_contact_by_name_and_conditions_with_sources():
    shown = {"recommandations": ["dla", "activ-asso"], "dispositif_courant": "dla", **FULL}
    messages, _ = run(orientation.ActionSchemeDetails(), make_tracker(slots=shown, text="plus de détails sur le 2"))
    assert messages[0]["text"].startswith("Activ'Asso")
    messages, _ = run(orientation.ActionSchemeContact(), make_tracker(slots=shown, text="le contact du DLA"))
    assert "www.info-dla.fr" in messages[0]["text"]
    messages, _ = run(questions.ActionAnswerQuestion(),
                      make_tracker(slots=shown, text="c'est combien le contrat d'apport associatif ?",
                                   intent="ask_conditions", loop=None))
    assert "Montant : " in messages[0]["text"] and "Source : Région Occitanie, 2018" in messages[0]["text"]
    messages, _ = run(questions.ActionAnswerQuestion(),
                      make_tracker(slots=shown, text="ça coûte quelque chose ?", intent="ask_conditions", loop=None))
    assert messages[0]["text"].startswith("Dispositif Local d'Accompagnement (DLA) :")  # the scheme in focus


def test_a_difference_between_two_legal_forms_and_an_unknown_word():
    messages, _ = run(questions.ActionAnswerQuestion(),
                      make_tracker(text="quelle différence entre une SCOP et une SCIC ?", intent="ask_definition",
                                   loop=None))
    assert "SCOP" in messages[0]["text"] and "SCIC" in messages[0]["text"] and "Source" in messages[0]["text"]
    assert messages[1]["response"] == "utter_ask_continue"  # then the orientation is offered
    messages, _ = run(questions.ActionAnswerQuestion(), make_tracker(text="c'est quoi un blorptz ?",
                                                                      intent="ask_definition", loop=None))
    assert messages[0]["response"] == "utter_unknown_notion"


def test_why_not_gives_the_engines_real_reason_with_its_source():
    volunteers = {**FULL, "employeur": False, "oriente": True, "recommandations": ["activ-asso"]}
    messages, _ = run(questions.ActionWhyNot(), make_tracker(slots=volunteers, text="et le DLA ?",
                                                             intent="ask_why_not", loop=None))
    assert "Je ne vous ai pas proposé Dispositif Local d'Accompagnement (DLA)" in messages[0]["text"]
    assert "au moins un salarié" in messages[0]["text"] and "Source :" in messages[0]["text"]
    shown = {**FULL, "oriente": True, "recommandations": ["dla"]}
    messages, _ = run(questions.ActionWhyNot(), make_tracker(slots=shown, text="pourquoi pas le DLA ?",
                                                             intent="ask_why_not", loop=None))
    assert messages[0]["response"] == "utter_why_not_shown" and messages[0]["rang"] == 1


def test_more_schemes_gives_new_ones_then_the_desks_never_nothing():
    first, events = run(orientation.ActionOrient(), make_tracker(slots=FULL, loop=None))
    shown = slots_of(events)["recommandations"]
    more, events = run(orientation.ActionMoreSchemes(), make_tracker(slots={**FULL, "recommandations": shown},
                                                                      loop=None))
    new = [d["id"] for d in more[0]["custom"]["dispositifs"]]
    assert new and not set(new) & set(shown)
    seen = slots_of(events)["deja_proposes"]
    for _ in range(6):
        more, events = run(orientation.ActionMoreSchemes(),
                           make_tracker(slots={**FULL, "recommandations": shown, "deja_proposes": seen}, loop=None))
        seen = slots_of(events)["deja_proposes"]
    assert more[0]["text"] and more[0]["custom"]["dispositifs"]  # the desks, at the end


def test_when_little_fits_exactly_a_call_back_is_offered():
    slots = {"statut": "autre", "stade": "reprise", "commune": "2A004", "departement": "2A", "besoins": ["marches"]}
    messages, _ = run(orientation.ActionOrient(), make_tracker(slots=slots, loop=None))
    assert messages[0]["custom"]["orientation"]["dispositifs"]
    assert messages[1]["response"] in ("utter_handoff_offer", "utter_after_orientation")
    assert messages[-1]["response"] == "utter_ask_rating"  # the first orientation is rated once


# hand-over -------------------------------------------------------------------------------------

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
    messages, events = run(handoff.ActionSaveRequest(),
                           make_tracker(slots={"contact_consentement": False}, loop=None, sender="refused"))
    assert messages[0]["response"] == "utter_contact_not_saved"
    with client.requests_session() as s:
        assert s.scalars(select(db.HandoffRequest).where(db.HandoffRequest.conversation_id == "refused")).all() == []


def test_cancelling_in_the_middle_stores_nothing():
    tracker = make_tracker(slots={"contact_consentement": True}, text="annuler", requested="contact_nom",
                           loop="contact_form")
    _msgs, events = run(handoff.ValidateContactForm(), tracker)
    slots = slots_of(events)
    assert slots["contact_consentement"] is False and slots["requested_slot"] is None


@pytest.mark.parametrize("requested", ["contact_consentement", "contact_nom"])
def test_not_knowing_in_the_call_back_form_stops_it_instead_of_asking_again(requested):
    tracker = make_tracker(slots={}, text="je ne sais pas", intent="dont_know", requested=requested,
                           loop="contact_form")
    _msgs, events = run(handoff.ValidateContactForm(), tracker)
    slots = slots_of(events)
    assert slots["contact_consentement"] is False and slots["requested_slot"] is None
    assert handoff.read_contact("je ne sais pas", "dont_know", requested) == {}


def fill_contact_form(sender, name, coordinates, message):
    """The answers of the call-back form as the validation receives them, one turn each."""
    form = handoff.ValidateContactForm()
    for slot, value in (("contact_nom", name), ("contact_coordonnees", coordinates), ("contact_message", message)):
        tracker = make_tracker(slots={"contact_consentement": True}, text=value, requested=slot,
                               loop="contact_form", sender=sender)
        assert getattr(form, f"validate_{slot}")(value, CollectingDispatcher(), tracker, DOMAIN)[slot]


def test_a_consented_request_records_what_the_person_was_shown(client):
    fill_contact_form("conv-42", "Marie Dupont", "marie.dupont@exemple.fr", "Rappelez-moi svp <b>vite</b>")
    with client.requests_session() as s:
        draft = s.get(db.ContactDraft, "conv-42")
        assert (draft.nom, draft.coordonnees) == ("Marie Dupont", "marie.dupont@exemple.fr")
    # the stored conversation gives back only marks for these answers (bot/masking.py)
    slots = {**FULL, "contact_consentement": True, "contact_nom": "[masqué]", "recommandations": ["dla", "cress"],
             "contact_coordonnees": "[masqué]", "contact_message": "[masqué]", "partenaire": "site-test"}
    messages, events = run(handoff.ActionSaveRequest(), make_tracker(slots=slots, loop=None, sender="conv-42"))
    assert messages[0]["response"] == "utter_request_saved" and messages[0]["moyen"] == "par e-mail"
    assert all(slots_of(events)[s] is None for s in handoff.CONTACT_SLOTS)  # personal slots forgotten
    with client.requests_session() as s:
        row = s.scalars(select(db.HandoffRequest).where(db.HandoffRequest.conversation_id == "conv-42")).one()
        assert s.get(db.ContactDraft, "conv-42") is None  # the draft goes with the recorded request
    assert row.nom == "Marie Dupont" and row.message == "Rappelez-moi svp vite"
    assert row.email == "marie.dupont@exemple.fr" and row.telephone is None
    assert row.consentement and "Acceptez-vous" in row.consentement_texte
    assert row.profil["statut"] == "association" and [r["id"] for r in row.recommandations] == ["dla", "cress"]
    assert row.partenaire == "site-test" and row.statut == "nouvelle"


def test_a_request_without_its_draft_is_said_not_recorded_and_a_cancel_drops_the_draft(client):
    slots = {**FULL, "contact_consentement": True, "contact_nom": "[masqué]", "contact_coordonnees": "[masqué]",
             "contact_message": "[masqué]"}
    messages, _ = run(handoff.ActionSaveRequest(), make_tracker(slots=slots, loop=None, sender="sans-brouillon"))
    assert messages[0]["response"] == "utter_contact_failed"
    fill_contact_form("annule", "Paul Martin", "06 12 34 56 78", "Merci")
    run(handoff.ValidateContactForm(), make_tracker(slots={"contact_consentement": True, "contact_nom": "[masqué]"},
                                                    text="annuler", requested="contact_coordonnees",
                                                    loop="contact_form", sender="annule"))
    with client.requests_session() as s:
        assert s.get(db.ContactDraft, "annule") is None
        assert s.scalars(select(db.HandoffRequest).where(db.HandoffRequest.conversation_id.in_(
            ["annule", "sans-brouillon"]))).all() == []


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


def test_a_typed_yes_answers_the_offer_just_made():
    def offered(name):
        tracker = make_tracker(text="oui", intent="affirm", loop=None)
        tracker.events.insert(len(tracker.events) - 1, {"event": "bot", "text": "…", "metadata": {"utter_action": name}})
        return tracker
    _msgs, events = run(questions.ActionYesNo(), offered("utter_ask_continue"))
    assert events == [{"event": "followup", "timestamp": None, "name": "profil_form"}]
    _msgs, events = run(questions.ActionYesNo(), offered("utter_handoff_offer"))
    assert events[0]["name"] == "contact_form"
    messages, events = run(questions.ActionYesNo(), make_tracker(text="oui", intent="affirm", loop=None))
    assert events == [] and messages[0]["response"] == "utter_anything_else"


def test_details_asked_before_any_orientation_offer_the_orientation():
    question = "il existe des programmes pour les étudiants qui veulent entreprendre ?"
    messages, _ = run(orientation.ActionSchemeDetails(),
                      make_tracker(slots={"statut": "sans_structure"}, text=question, intent="ask_details", loop=None))
    assert [m["response"] for m in messages] == ["utter_ask_continue"]
    messages, _ = run(orientation.ActionSchemeDetails(),
                      make_tracker(slots={"oriente": True, "recommandations": ["dla"]}, text=question,
                                   intent="ask_details", loop=None))
    assert [m["response"] for m in messages] == ["utter_which_scheme"]  # after one: which of them
