"""Anonymous statistics of the service: the first orientation, and the user's rating of it.

``action_record_feedback`` takes the « Oui » / « Non » buttons shown under the first orientation
(``utter_ask_rating``); after « Non » the next typed message is kept as an optional comment
(``comment_events``, called by the reader of messages). Nothing here is personal
(``knowledge/events.py``).
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.knowledge_client import get_client
from actions.tracker import entity_values, latest_intent, latest_text
from knowledge import events as stats

COMMENT_INTENTS = {"feedback", "nlu_fallback"}


def record_orientation(tracker: Tracker, orientation) -> None:
    """The first orientation of a conversation, as an anonymous event (later ones are corrections)."""
    if tracker.get_slot("oriente"):
        return
    profile = orientation.profil.as_contract()
    stats.record(get_client().requests_session, "orientation", partenaire=tracker.get_slot("partenaire"),
                 profil=stats.anonymous_profile(profile, orientation.place), complet=stats.is_complete(profile),
                 dispositifs=[r.id for r in orientation.shown])


def comment_events(tracker: Tracker) -> List[EventType]:
    """After « Non », the next typed message is the comment (unless it is a question or a button)."""
    pending = tracker.get_slot("avis_en_attente")
    if pending is None:
        return []
    text = latest_text(tracker)
    # Only a message read as feedback (« il manquait… ») is the comment: one that tells the profile or asks
    # something goes on as usual and is not stored.
    if not text.startswith("/") and latest_intent(tracker) in COMMENT_INTENTS and len(text.split()) >= 2:
        stats.add_comment(get_client().requests_session, int(pending), text)
    return [SlotSet("avis_en_attente", None)]


class ActionRecordFeedback(Action):
    def name(self) -> Text:
        return "action_record_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        values = [str(v).lower() for v in entity_values(tracker, "avis")]
        if not values or values[0] not in ("oui", "non") or tracker.get_slot("avis_donne"):
            dispatcher.utter_message(response="utter_feedback_thanks")
            return []
        useful = values[0] == "oui"
        profile: Dict[str, Any] = {k: tracker.get_slot(k) for k in ("statut", "stade", "employeur", "departement",
                                                                      "besoins")}
        event_id = stats.record(get_client().requests_session, "avis", partenaire=tracker.get_slot("partenaire"),
                                profil=stats.anonymous_profile(profile), utile=useful,
                                dispositifs=[i for i in tracker.get_slot("recommandations") or [] if isinstance(i, str)])
        events: List[EventType] = [SlotSet("avis_donne", True)]
        if useful or event_id is None:
            dispatcher.utter_message(response="utter_feedback_thanks")
        else:
            dispatcher.utter_message(response="utter_rating_ask_comment")
            events.append(SlotSet("avis_en_attente", float(event_id)))
        return events
