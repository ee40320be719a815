"""The ``profil_form``: which profile question comes next, and how it is asked.

Messages are read by ``action_read_message`` (actions/read.py) before the form runs, so the
form only keeps the books: the questions that still change the answer come from the engine
(``open_questions``, once per turn), minus the ones skipped after two unusable answers or two
« je ne sais pas ». A question or a digression rejects the form, so that its own rule answers
it; the form then resumes. Every sentence is a response of domain.yml.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.knowledge_client import get_client
from actions.read import PROFILE_QUESTIONS
from actions.reading.places import ANSWER_INTENTS
from actions.tracker import latest_intent, profile_from_tracker
from knowledge.vocabulary import fold

FORM_ANSWERS = ANSWER_INTENTS | {"dont_know", "nonsense"}
PLACE_SLOTS = {"commune", "departement", "lieu_statut", "lieu_candidats"}


def questions_to_ask(tracker: Tracker) -> List[str]:
    """The profile questions still open, in the order they are asked."""
    skipped = set(tracker.get_slot("questions_passees") or [])
    open_ = get_client().open_questions(profile_from_tracker(tracker))
    return [q for q in PROFILE_QUESTIONS if q in open_ and q not in skipped]


class ValidateProfilForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_profil_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        return questions_to_ask(tracker)

    async def next_requested_slot(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Optional[EventType]:
        """Always decide here (the SDK leaves it to Rasa when the list equals the domain's)."""
        required = questions_to_ask(tracker)
        return SlotSet("requested_slot", required[0] if required else None)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        set_now = set(tracker.slots_to_validate())
        if latest_intent(tracker) not in FORM_ANSWERS and not set_now & (set(PROFILE_QUESTIONS) | PLACE_SLOTS):
            return []  # not an answer: the form is rejected, the intent's own rule answers, the form resumes
        events = await super().run(dispatcher, tracker, domain)
        # An answer that fills nothing (« je ne sais pas », an unusable answer) is still an answer: the
        # books kept by action_read_message say so, and the form asks again, explained, or moves on.
        return events + [SlotSet("derniere_lecture", tracker.get_slot("derniere_lecture"))]


# Questions ------------------------------------------------------------------------------------

def _payload(intent: str, **entities: Any) -> str:
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"


DONT_KNOW_BUTTON = {"title": "Je ne sais pas", "payload": "/dont_know"}


class AskProfileSlot(Action):
    """Ask one question (``utter_ask_<slot>``); after an unusable answer or « je ne sais pas »,
    explain it (``utter_explain_<slot>``), with the choices as buttons."""

    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def last_state(self, tracker: Tracker) -> Optional[str]:
        lecture = tracker.get_slot("derniere_lecture") or {}
        return lecture.get("etat") if isinstance(lecture, dict) and lecture.get("question") == self.slot else None

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = self.last_state(tracker)
        if state in ("failed", "unknown"):
            intro = "" if state == "unknown" else "Je n'ai pas compris votre réponse. "
            dispatcher.utter_message(response=f"utter_explain_{self.slot}", intro=intro)
        else:
            dispatcher.utter_message(response=f"utter_ask_{self.slot}")
        return []


class ActionAskStatut(AskProfileSlot):
    slot = "statut"


class ActionAskStade(AskProfileSlot):
    slot = "stade"


class ActionAskBesoins(AskProfileSlot):
    slot = "besoins"


class ActionAskEmployeur(AskProfileSlot):
    slot = "employeur"


def _same_place_name(typed: str, nom: str) -> bool:
    """"Saint-Jean" is the name of "Saint-Jean" and the start of "Saint-Jean-Lherm"; "Bruxelles" is not "Brutelles"."""
    typed, nom = fold(typed), fold(nom)
    return bool(typed) and (nom == typed or nom.startswith(typed + " "))


class ActionAskCommune(AskProfileSlot):
    slot = "commune"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        candidates = tracker.get_slot("lieu_candidats") or []
        typed = (tracker.get_slot("lieu_saisi") or "").strip()[:60]
        status = tracker.get_slot("lieu_statut")
        departement = tracker.get_slot("departement")
        buttons = [{"title": f"{c['nom']} ({c.get('departement') or '?'})",
                    "payload": _payload("inform", commune=c["code"])} for c in candidates if c.get("code")]
        buttons.append(DONT_KNOW_BUTTON)
        if self.last_state(tracker) == "unknown":
            return super().run(dispatcher, tracker, domain)
        if status == "ambigu" and typed.isdigit():
            dispatcher.utter_message(response="utter_place_postcode_ambiguous", lieu=typed, buttons=buttons)
        elif status == "ambigu" and all(_same_place_name(typed, c.get("nom", "")) for c in candidates):
            dispatcher.utter_message(response="utter_place_homonyms", lieu=typed, buttons=buttons)
        elif status == "inconnu" and typed.isdigit():
            dispatcher.utter_message(response="utter_place_postcode_unknown", lieu=typed, buttons=[DONT_KNOW_BUTTON])
        elif status in ("ambigu", "inconnu"):  # "ambigu" here: only close spellings ("Bruxelles")
            response = "utter_place_unknown_suggestions" if len(buttons) > 1 else "utter_place_unknown"
            dispatcher.utter_message(response=response, lieu=typed, buttons=buttons)
        elif departement and not tracker.get_slot("commune"):
            dep = get_client().territories.departement(departement)
            dispatcher.utter_message(response="utter_ask_commune_in_departement",
                                     departement_nom=dep.nom if dep else departement)
        else:
            return super().run(dispatcher, tracker, domain)
        return []
