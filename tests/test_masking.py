"""Personal data kept out of the stored conversations (``bot/masking.py``), on the real SQL store.

The whole path (a call-back left through the Rasa server, then the database read) is tested in
test_persistence_e2e.py.
"""
from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

from bot.masking import MASK, mask_event, masked_events  # noqa: E402
from bot.tracker_store import PersistentTrackerStore  # noqa: E402
from tests.test_tracker_store import run  # noqa: E402


def user(text, entities=()):
    words = [{"t": w.lower(), "l": w.lower()} for w in text.split()]  # as components/syntax.py adds them
    return {"event": "user", "text": text, "parse_data": {
        "text": text, "intent": {"name": "inform"}, "entities": list(entities), "syntax": words,
        "text_tokens": [[0, len(text)]]}}


@pytest.mark.parametrize("requested", ["contact_nom", "contact_coordonnees", "contact_message"])
def test_an_answer_to_a_personal_question_is_masked_whole(requested):
    event = user("Jeanne Rivière, à Muret", [{"entity": "commune", "value": "Muret"}])
    masked = mask_event(event, requested)
    assert masked["text"] == MASK and masked["parse_data"]["text"] == MASK
    assert masked["parse_data"]["entities"] == [] and masked["parse_data"]["intent"] == {"name": "inform"}
    assert set(masked["parse_data"]) == {"text", "intent", "entities"}  # no token nor syntax of the words
    assert event["text"] == "Jeanne Rivière, à Muret"  # the event in memory is left as it is


@pytest.mark.parametrize("text, kept", [
    ("écrivez-moi à jeanne.riviere@exemple.fr svp", "écrivez-moi à"),
    ("mon numéro : 06 12 34 56 78, le matin", "le matin"),
    ("appelez le +33 (0)5 61 00 00 00", "appelez le"),
])
def test_an_email_or_phone_typed_anywhere_else_is_masked_and_the_rest_kept(text, kept):
    masked = mask_event(user(text), "statut")
    assert kept in masked["text"] and MASK in masked["text"]
    assert "@" not in masked["text"] and "56 78" not in masked["text"] and "61 00" not in masked["text"]
    assert "@" not in json.dumps(masked) and "56" not in json.dumps(masked["parse_data"])


def test_ordinary_messages_and_other_slots_are_stored_as_they_are():
    assert mask_event(user("une association de 3 salariés à Muret (31600)"), "statut")["text"] == \
        "une association de 3 salariés à Muret (31600)"
    assert mask_event({"event": "slot", "name": "commune", "value": "31395"}, None)["value"] == "31395"
    assert mask_event({"event": "slot", "name": "contact_nom", "value": "Jeanne"}, None)["value"] == MASK
    assert mask_event({"event": "slot", "name": "contact_nom", "value": None}, None)["value"] is None
    assert mask_event({"event": "slot", "name": "contact_consentement", "value": True}, None)["value"] is True


def test_the_question_being_answered_is_known_from_the_events_before():
    events = [user("bonjour"), {"event": "slot", "name": "requested_slot", "value": "contact_nom"},
              user("Jeanne Rivière"), {"event": "slot", "name": "requested_slot", "value": "contact_consentement"},
              user("oui d'accord")]
    texts = [e["text"] for e in masked_events(events) if e["event"] == "user"]
    assert texts == ["bonjour", MASK, "oui d'accord"]
    assert [e["text"] for e in masked_events(events, start=2) if e["event"] == "user"] == [MASK, "oui d'accord"]


def test_the_store_keeps_no_personal_data_and_the_form_goes_on_from_the_marks(tmp_path):
    domain = Domain.load(str(ROOT / "domain.yml"))
    path = tmp_path / "conversations.db"
    store = PersistentTrackerStore(domain=domain, host=f"sqlite:///{path}")
    tracker = DialogueStateTracker.from_events("c-1", [
        ActionExecuted("action_listen"), UserUttered("nous sommes une association à Muret"),
        SlotSet("statut", "association"), ActiveLoop("contact_form"), SlotSet("contact_consentement", True),
        SlotSet("requested_slot", "contact_nom"), ActionExecuted("action_listen")], domain.slots)
    run(store.save(tracker))
    # the next turns, as the Rasa server adds them: each saved at the end of its turn
    for slot, typed, following in (("contact_nom", "Jeanne Rivière", "contact_coordonnees"),
                                   ("contact_coordonnees", "jeanne.riviere@exemple.fr", "contact_message"),
                                   ("contact_message", "Rappelez-moi au 06 12 34 56 78", None)):
        tracker = run(store.retrieve("c-1"))
        for event in (UserUttered(typed, parse_data={"text": typed, "intent": {"name": "inform"}}),
                      SlotSet(slot, typed), SlotSet("requested_slot", following), ActionExecuted("action_listen")):
            tracker.update(event)
        assert tracker.get_slot(slot) == typed  # this turn's actions see the value; the store will not
        run(store.save(tracker))
    with sqlite3.connect(path) as db:
        stored = " ".join(json.dumps(json.loads(row[0]), ensure_ascii=False)
                          for row in db.execute("SELECT data FROM events"))
    for personal in ("Jeanne", "Rivière", "riviere", "@exemple.fr", "06 12 34 56 78", "0612345678"):
        assert personal not in stored
    assert "nous sommes une association à Muret" in stored  # what is not personal is kept
    again = run(store.retrieve("c-1"))
    assert again.get_slot("statut") == "association" and again.get_slot("contact_consentement") is True
    assert [again.get_slot(s) for s in ("contact_nom", "contact_coordonnees", "contact_message")] == [MASK] * 3
