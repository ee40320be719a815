"""Questions the sources answer, first message or not: what a word or a scheme is, how two differ,
what a scheme costs or requires, and why a scheme was not proposed.

Answered from the glossary and the catalogue, with their sources; then, if no orientation
was given yet and no question is pending, the offer to orient.
"""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies
from actions.knowledge_client import get_client
from actions.orientation import MORE, find_scheme_in_text, target_scheme
from actions.read import answered_as_a_question, pending_events
from actions.tracker import latest_intent, latest_text, profile_from_tracker
from actions.wording import say


def _after_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Facts the question carried are kept; the orientation is offered if it was not given yet."""
    events = pending_events(tracker)
    if not tracker.active_loop.get("name") and not tracker.get_slot("oriente"):
        dispatcher.utter_message(response="utter_ask_continue")
    return events


class ActionAnswerQuestion(Action):
    """« C'est quoi une SCIC ? », « différence entre SCOP et SCIC ? », « quel montant ? »."""

    def name(self) -> Text:
        return "action_answer_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if answered_as_a_question(tracker):
            return []
        client = get_client()
        text = latest_text(tracker)
        shown = tracker.get_slot("recommandations") or []
        notions = client.glossary.find(text)
        named = find_scheme_in_text(text, shown)
        events: List[EventType] = []
        if latest_intent(tracker) == "ask_conditions" and (named or not notions):
            scheme_id = named or target_scheme(tracker)
            scheme = client.scheme(scheme_id) if scheme_id else None
            if scheme is None:
                dispatcher.utter_message(response="utter_which_scheme")
                return pending_events(tracker)
            dispatcher.utter_message(text=replies.conditions_text(scheme, domain))
            events.append(SlotSet("dispositif_courant", scheme_id))
        elif len(notions) >= 2:
            dispatcher.utter_message(text=replies.notion_text(notions[0], client.catalogue, notions[1]))
        elif named and (not notions or notions[0]["id"] == named):
            scheme = client.scheme(named)
            message = f"{scheme['nom']} : {scheme['description']['texte']}"
            if scheme["etat"]["valeur"] != "en_place":
                message += "\nÀ savoir : " + scheme["etat"]["texte"]
            dispatcher.utter_message(text=message + "\n" + replies.sources_line(scheme["description"]["sources"]))
            events.append(SlotSet("dispositif_courant", named))
        elif notions:
            dispatcher.utter_message(text=replies.notion_text(notions[0], client.catalogue))
        else:
            dispatcher.utter_message(response="utter_unknown_notion")
        return events + _after_answer(dispatcher, tracker)


class ActionWhyNot(Action):
    """« Et le DLA ? », « pourquoi pas un incubateur ? »: the engine's real reason, with its source."""

    def name(self) -> Text:
        return "action_why_not"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if answered_as_a_question(tracker):
            return []
        client = get_client()
        scheme_id = target_scheme(tracker, fallback=False)
        scheme = client.scheme(scheme_id) if scheme_id else None
        if scheme is None:
            dispatcher.utter_message(response="utter_which_scheme")
            return pending_events(tracker)
        if not tracker.get_slot("oriente"):
            dispatcher.utter_message(response="utter_why_not_no_profile", nom=scheme["nom"])
            return [SlotSet("dispositif_courant", scheme_id)] + _after_answer(dispatcher, tracker)
        orientation = client.orient(profile_from_tracker(tracker), limit=MORE)
        explanation = client.explain(scheme_id, orientation)
        if explanation.etat == "shown":
            dispatcher.utter_message(response="utter_why_not_shown", nom=scheme["nom"], rang=explanation.rang)
        elif explanation.etat == "excluded":
            text = say(domain, "utter_why_not_excluded", nom=scheme["nom"], raison=explanation.raison)
            source = replies.sources_line(explanation.sources)
            dispatcher.utter_message(text=text + ("\n" + source if source else ""))
        else:
            dispatcher.utter_message(response="utter_why_not_ranked", nom=scheme["nom"])
        return [SlotSet("dispositif_courant", scheme_id)] + pending_events(tracker)


OFFERS = {"utter_ask_continue": "profil_form", "utter_handoff_offer": "contact_form"}


def last_offer(tracker: Tracker) -> str | None:
    """The offer the assistant made just before (to orient, to be called back), if any."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users > 1:
                break  # only what was said between the previous message and this one
        elif event.get("event") == "bot" and users == 1:
            name = (event.get("metadata") or {}).get("utter_action")
            if name in OFFERS:
                return name
    return None


class ActionYesNo(Action):
    """A bare « oui » or « non » outside any question: the answer to the offer just made (to orient,
    to be called back), typed instead of clicked; otherwise, what the assistant can do next."""

    def name(self) -> Text:
        return "action_yes_no"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        offer = last_offer(tracker)
        if offer and latest_intent(tracker) == "affirm":
            return [FollowupAction(OFFERS[offer])]
        dispatcher.utter_message(response="utter_anything_else")
        return []


class ActionDigression(Action):
    """Off-topic or feedback during the questions: its short answer, unless the message was in fact
    the answer to the question asked (« me faire connaître et trouver des points de vente »)."""

    RESPONSES = {"out_of_scope": "utter_out_of_scope", "feedback": "utter_feedback_thanks"}

    def name(self) -> Text:
        return "action_digression"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if answered_as_a_question(tracker):
            return []
        dispatcher.utter_message(response=self.RESPONSES.get(latest_intent(tracker), "utter_out_of_scope"))
        return []
