"""Orientation and its follow-ups: thin adapters around the knowledge engine.

``action_orient`` answers with the best schemes, why, whom to contact, and the contract's
machine-readable payload. The follow-ups (« plus de détails sur le 2e », « le contact de la
CAE », « d'autres pistes ») work on the schemes just recommended first, then on the whole
catalogue.
"""
from __future__ import annotations

import re
from typing import Callable, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies
from actions.feedback import record_orientation
from actions.knowledge_client import get_client
from actions.read import answered_as_a_question, pending_events
from actions.tracker import entity_values, latest_text, profile_from_tracker
from knowledge.vocabulary import fold, named_schemes

ORDINALS = {
    "premier": 1, "premiere": 1, "1er": 1, "1ere": 1, "un": 1, "1": 1,
    "deuxieme": 2, "second": 2, "seconde": 2, "2e": 2, "2eme": 2, "deux": 2, "2": 2,
    "troisieme": 3, "3e": 3, "3eme": 3, "trois": 3, "3": 3,
    "quatrieme": 4, "4e": 4, "4eme": 4, "quatre": 4, "4": 4,
    "cinquieme": 5, "5e": 5, "5eme": 5, "cinq": 5, "5": 5,
    "dernier": -1, "derniere": -1,
}
MORE = 12  # how many schemes « d'autres pistes » may reach


def find_scheme_in_text(text: str, prefer: List[str]) -> Optional[str]:
    """The catalogue entry a user names, by id, name, acronym or alias (the longest name wins; at equal
    length one just shown, then the last by id)."""
    found = [(end - start, i in prefer, i) for i, start, end in named_schemes(text, min_length=2)]
    return max(found)[2] if found else None


def ordinal_in_text(text: str) -> Optional[int]:
    words = fold(text).split()
    for i, word in enumerate(words):
        if word in ORDINALS:
            # "un" only counts as an ordinal after "le"/"numero" ("le un", "numéro un").
            if word == "un" and (i == 0 or words[i - 1] not in ("le", "numero", "n")):
                continue
            return ORDINALS[word]
    m = re.search(r"\b(?:n|no|numero)\s*([1-5])\b", fold(text))
    return int(m.group(1)) if m else None


def _pick(shown: List[str], n: int) -> Optional[str]:
    index = len(shown) - 1 if n == -1 else n - 1
    return shown[index] if shown and 0 <= index < len(shown) else None


def target_scheme(tracker: Tracker, fallback: bool = True) -> Optional[str]:
    """Which scheme a follow-up is about: a button, a name in the text, an ordinal, the last one."""
    shown: List[str] = tracker.get_slot("recommandations") or []
    for value in entity_values(tracker, "dispositif"):
        n = ordinal_in_text(str(value))
        if n is not None and _pick(shown, n):
            return _pick(shown, n)
        found = find_scheme_in_text(str(value), shown)
        if found:
            return found
    text = latest_text(tracker)
    found = find_scheme_in_text(text, shown)
    if found:
        return found
    n = ordinal_in_text(text)
    if n is not None and _pick(shown, n):
        return _pick(shown, n)
    return tracker.get_slot("dispositif_courant") if fallback else None


class ActionOrient(Action):
    def name(self) -> Text:
        return "action_orient"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        orientation = get_client().orient(profile_from_tracker(tracker))
        text, payload = replies.orientation_message(orientation, domain)
        dispatcher.utter_message(text=text, json_message={"orientation": payload})
        # When little fits exactly, a person may help better: offer to be called back.
        dispatcher.utter_message(response="utter_handoff_offer" if orientation.elargi else "utter_after_orientation")
        if not tracker.get_slot("oriente"):
            dispatcher.utter_message(response="utter_ask_rating")  # once: the first answer is the one rated
        record_orientation(tracker, orientation)
        shown = orientation.shown
        return [SlotSet("recommandations", [r.id for r in shown]), SlotSet("deja_proposes", None),
                SlotSet("oriente", True), SlotSet("dispositif_courant", shown[0].id if shown else None)]


class ActionMoreSchemes(Action):
    """« D'autres pistes » : the next schemes of the same orientation; when there are none, the
    desks of the territory (never « je n'ai pas d'autre piste »)."""

    def name(self) -> Text:
        return "action_more_schemes"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        orientation = get_client().orient(profile_from_tracker(tracker), limit=MORE)
        seen = set(tracker.get_slot("recommandations") or []) | set(tracker.get_slot("deja_proposes") or [])
        rest = [r for r in orientation.recommandations if r.id not in seen][:3]
        start = len(tracker.get_slot("recommandations") or []) + len(tracker.get_slot("deja_proposes") or []) + 1
        text, payload = replies.more_message(rest or orientation.guichets, orientation, domain, start,
                                             desks_only=not rest)
        dispatcher.utter_message(text=text, json_message=payload)
        return [SlotSet("deja_proposes", sorted(set(tracker.get_slot("deja_proposes") or []) | {r.id for r in rest}))]


class SchemeFollowUp(Action):
    """A question about one scheme (details, contact): the scheme in focus, then the reply."""

    action_name = ""
    reply: Callable = staticmethod(replies.details_text)

    def name(self) -> Text:
        return self.action_name

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if answered_as_a_question(tracker):
            return []
        client = get_client()
        scheme_id = target_scheme(tracker)
        scheme = client.scheme(scheme_id) if scheme_id else None
        if scheme is None:
            if not tracker.get_slot("oriente") and not tracker.active_loop.get("name"):
                # « il existe des programmes pour les étudiants ? » before any orientation: no scheme
                # to ask about yet, the orientation is what is asked (the facts said are kept).
                dispatcher.utter_message(response="utter_ask_continue")
                return pending_events(tracker)
            dispatcher.utter_message(response="utter_which_scheme")
            return []
        rec = client.describe(scheme_id, profile_from_tracker(tracker))
        dispatcher.utter_message(text=self.reply(scheme, rec, domain))
        return [SlotSet("dispositif_courant", scheme_id)]


class ActionSchemeDetails(SchemeFollowUp):
    action_name = "action_scheme_details"
    reply = staticmethod(replies.details_text)


class ActionSchemeContact(SchemeFollowUp):
    action_name = "action_scheme_contact"
    reply = staticmethod(replies.contact_text)
