"""``action_read_message``: Rasa runs it on every user message (the custom slot mapping of every
profile and contact slot in domain.yml), before any policy predicts.

It is the only place where a message becomes slot values: it calls the pure reader
(``actions.reading.read_message``, or ``actions.handoff.read_contact`` during the call-back
form), and keeps the books the questions need: unusable answers and « je ne sais pas »
counted, a question skipped after two unusable answers, all questions stopped after two
« je ne sais pas », corrections acknowledged (« C'est noté : collectivité. »).
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import handoff
from actions.feedback import comment_events
from actions.knowledge_client import get_client
from actions.reading import looks_like_question, read_message
from actions.tracker import latest_intent, latest_parse, latest_text
from actions.wording import value_label

# Everything the reader may set (the profile, optional facts, and what the commune question shows).
READ_SLOTS = ("statut", "stade", "commune", "departement", "besoins", "employeur", "innovation_sociale",
              "test_activite", "publics", "forme_envisagee", "dispositifs_demandes", "lieu_candidats", "lieu_saisi",
              "lieu_statut")
PROFILE_QUESTIONS = ("statut", "stade", "commune", "besoins", "employeur")
# Questions and digressions: inside the profile form their rules answer, then the form resumes;
# the facts they carry wait in ``lecture_en_attente`` so that the form does not swallow the question.
QUESTION_INTENTS = {"ask_definition", "ask_conditions", "ask_why_not", "ask_contact", "ask_details", "ask_more",
                    "bot_challenge", "ask_capabilities", "ask_human"}
# Intents an answer is sometimes taken for: read again as an answer when it does not look like a question.
MISTAKEN_FOR = (QUESTION_INTENTS - {"bot_challenge", "ask_capabilities", "ask_human"}) | {"out_of_scope", "feedback"}
MAX_FAILURES = 2
MAX_UNKNOWN = 2
ACKNOWLEDGED = ("statut", "stade", "employeur", "commune", "departement")


def bookkeeping(reading, requested: str | None, tracker: Tracker) -> Dict[str, Any]:
    """Failures, unknowns and skipped questions after one answer to ``requested``."""
    failures = int(tracker.get_slot("echecs_profil") or 0)
    unknowns = int(tracker.get_slot("inconnus") or 0)
    skipped = list(tracker.get_slot("questions_passees") or [])
    state = "answered" if reading.answered else "unknown" if reading.unknown else "failed" if reading.failed else "other"
    out: Dict[str, Any] = {}
    if reading.answered or not requested:
        failures = 0
    elif reading.failed:
        failures += 1
        if failures >= MAX_FAILURES:
            skipped.append(requested)
            failures = 0
            state = "skipped"
    if reading.unknown and requested == "commune" and tracker.get_slot("departement"):
        skipped.append("commune")  # the department gives most of the answer: no need to insist
        state = "skipped"
    if reading.unknown and requested:
        unknowns += 1
        if unknowns >= MAX_UNKNOWN:
            # Two « je ne sais pas »: orient now with what is known, and say what would help.
            skipped.extend(q for q in PROFILE_QUESTIONS if q not in skipped)
            state = "skipped"
    out["echecs_profil"] = float(failures)
    out["inconnus"] = float(unknowns)
    if skipped != list(tracker.get_slot("questions_passees") or []):
        out["questions_passees"] = list(dict.fromkeys(skipped))
    out["derniere_lecture"] = {"question": requested, "etat": state,
                               "message": (tracker.latest_message or {}).get("message_id")}
    return out


def answered_as_a_question(tracker: Tracker) -> bool:
    """This message, classified as a question during the profile form, was read as the answer to the
    question asked: the question's own rule then says nothing and the form goes on."""
    last = tracker.get_slot("derniere_lecture") or {}
    return bool((tracker.active_loop or {}).get("name") == "profil_form" and isinstance(last, dict)
                and last.get("etat") == "answered" and last.get("message")
                and last.get("message") == (tracker.latest_message or {}).get("message_id")
                and latest_intent(tracker) in MISTAKEN_FOR)


class ActionReadMessage(Action):
    def name(self) -> Text:
        return "action_read_message"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        loop = (tracker.active_loop or {}).get("name")
        requested = tracker.get_slot("requested_slot")
        comment = comment_events(tracker)  # after a « Non » rating, this message may be its comment
        return comment + self.read(dispatcher, tracker, loop, requested)

    def read(self, dispatcher: CollectingDispatcher, tracker: Tracker, loop, requested) -> List[EventType]:
        if loop == "contact_form" and requested in handoff.CONTACT_SLOTS:
            return [SlotSet(k, v) for k, v in handoff.read_contact(
                latest_text(tracker), latest_intent(tracker), requested).items()]
        if loop != "profil_form" or requested not in PROFILE_QUESTIONS:
            requested = None
        known = {name: tracker.get_slot(name) for name in READ_SLOTS}
        parse = latest_parse(tracker)
        reading = read_message(parse, requested, known, get_client().territories)
        intent = latest_intent(tracker)
        if loop == "profil_form" and intent in MISTAKEN_FOR and requested and not looks_like_question(parse["text"]):
            # Classified as a question but said as an answer: read as one (the question rule then stays quiet).
            as_answer = read_message({**parse, "intent": {"name": "inform"}}, requested, known, get_client().territories)
            if as_answer.answered:
                reading, intent = as_answer, "inform"
        if loop == "profil_form" and intent in QUESTION_INTENTS:
            # The profile facts wait for the question to be answered; a scheme asked for by name is kept now
            # (it asks no question of the form, and the question's answer may not apply the pending facts).
            named = reading.slots.get("dispositifs_demandes")
            pending = {k: v for k, v in reading.slots.items() if k != "dispositifs_demandes"}
            return ([SlotSet("lecture_en_attente", pending)] if pending else []) + \
                ([SlotSet("dispositifs_demandes", named)] if named else [])
        events = [SlotSet(k, v) for k, v in reading.slots.items()]
        for slot, value in reading.corrections.items():
            if slot in ACKNOWLEDGED and slot != requested:
                dispatcher.utter_message(response="utter_correction", valeur=value_label(slot, value, get_client()))
        if loop == "profil_form":
            marks = bookkeeping(reading, requested, tracker)
            if marks.get("derniere_lecture", {}).get("etat") == "skipped" and reading.failed:
                dispatcher.utter_message(response="utter_moving_on")
            events += [SlotSet(k, v) for k, v in marks.items()]
        return events


def pending_events(tracker: Tracker) -> List[EventType]:
    """The facts a question carried during the profile form, applied once it is answered."""
    pending = tracker.get_slot("lecture_en_attente") or {}
    if not isinstance(pending, dict) or not pending:
        return []
    return [SlotSet(k, v) for k, v in pending.items() if k in READ_SLOTS] + [SlotSet("lecture_en_attente", None)]
