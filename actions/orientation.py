"""Orientation and its follow-ups: thin adapters around the knowledge engine.

``action_orient`` answers with the best schemes, why, whom to contact, and the
contract's machine-readable payload. The follow-ups ("plus de détails sur le
2e", "le contact de la CAE", "autre chose ?", "c'est quoi le DLA ?") work on the
schemes just recommended first, then on the whole catalogue.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import replies
from actions.knowledge_client import get_client
from actions.profile_form import entity_values, latest_text, profile_from_tracker
from actions.vocabulary import fold

ORDINALS = {
    "premier": 1, "premiere": 1, "1er": 1, "1ere": 1, "un": 1, "1": 1,
    "deuxieme": 2, "second": 2, "seconde": 2, "2e": 2, "2eme": 2, "deux": 2, "2": 2,
    "troisieme": 3, "3e": 3, "3eme": 3, "trois": 3, "3": 3,
    "quatrieme": 4, "4e": 4, "4eme": 4, "quatre": 4, "4": 4,
    "cinquieme": 5, "5e": 5, "5eme": 5, "cinq": 5, "5": 5,
    "dernier": -1, "derniere": -1,
}


def scheme_names() -> Dict[str, str]:
    return {s["id"]: s["nom"] for s in get_client().catalogue}


def find_scheme_in_text(text: str, prefer: List[str]) -> Optional[str]:
    """The catalogue entry a user names, by id, name, acronym or alias (longest match wins)."""
    folded = f" {fold(text)} "
    best: tuple[int, int, str] | None = None
    for scheme in get_client().catalogue:
        names = [scheme["nom"], scheme.get("acronyme") or "", *scheme.get("alias", [])]
        for name in names:
            key = fold(name)
            if len(key) < 2 or f" {key} " not in folded:
                continue
            rank = (len(key), 1 if scheme["id"] in prefer else 0, scheme["id"])
            if best is None or rank > best:
                best = rank
    return best[2] if best else None


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


def target_scheme(tracker: Tracker) -> Optional[str]:
    """Which scheme a follow-up is about: an entity, a name in the text, an ordinal, the last one."""
    shown: List[str] = tracker.get_slot("recommandations") or []
    for value in entity_values(tracker, "dispositif"):
        n = ordinal_in_text(str(value))
        if n is not None and shown and -1 <= n - 1 < len(shown):
            return shown[-1] if n == -1 else shown[n - 1]
        found = find_scheme_in_text(str(value), shown)
        if found:
            return found
    text = latest_text(tracker)
    found = find_scheme_in_text(text, shown)
    if found:
        return found
    n = ordinal_in_text(text)
    if n is not None and shown:
        index = len(shown) - 1 if n == -1 else n - 1
        if 0 <= index < len(shown):
            return shown[index]
    return tracker.get_slot("dispositif_courant")


class ActionOrient(Action):
    def name(self) -> Text:
        return "action_orient"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        client = get_client()
        orientation = client.orient(profile_from_tracker(tracker))
        shown = replies.selected(orientation)
        text = replies.orientation_text(orientation, scheme_names())
        payload = orientation.as_payload()
        payload["dispositifs"] = [r.as_payload() for r in shown] + [
            r.as_payload() for r in orientation.recommandations if r not in shown]
        dispatcher.utter_message(text=text, json_message={"orientation": payload})
        # When nothing fits exactly, a person may help better: offer to be called back.
        dispatcher.utter_message(response="utter_handoff_offer" if orientation.elargi else "utter_after_orientation")
        return [SlotSet("recommandations", [r.id for r in shown]),
                SlotSet("oriente", True),
                SlotSet("dispositif_courant", shown[0].id if shown else None)]


class ActionMoreSchemes(Action):
    """'Autre chose ?': the next schemes of the same orientation."""

    def name(self) -> Text:
        return "action_more_schemes"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        orientation = get_client().orient(profile_from_tracker(tracker), limit=12)
        already = set(tracker.get_slot("recommandations") or [])
        seen_more = set(tracker.get_slot("deja_proposes") or [])
        rest = [r for r in orientation.recommandations if r.id not in (already | seen_more) and not r.guichet]
        if not rest:
            dispatcher.utter_message(response="utter_no_more_schemes")
            return []
        names = scheme_names()
        lines = ["Voici d'autres pistes, moins proches de votre demande :"]
        for rec in rest[:3]:
            lines.append("")
            lines.append(f"- {rec.nom}")
            lines.append(rec.pourquoi)
            for warning in rec.avertissements[:1]:
                lines.append("Attention : " + warning)
            lines.append(replies.contact_line(rec.contacts, rec.a_qui_demander, names))
        dispatcher.utter_message(text="\n".join(lines),
                                 json_message={"dispositifs": [r.as_payload() for r in rest[:3]]})
        return [SlotSet("deja_proposes", sorted(seen_more | {r.id for r in rest[:3]}))]


class ActionSchemeDetails(Action):
    def name(self) -> Text:
        return "action_scheme_details"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        scheme_id = target_scheme(tracker)
        scheme = get_client().scheme(scheme_id) if scheme_id else None
        if scheme is None:
            dispatcher.utter_message(response="utter_which_scheme")
            return []
        dispatcher.utter_message(text=replies.details_text(scheme, scheme_names()))
        return [SlotSet("dispositif_courant", scheme_id)]


class ActionSchemeContact(Action):
    def name(self) -> Text:
        return "action_scheme_contact"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        scheme_id = target_scheme(tracker)
        scheme = get_client().scheme(scheme_id) if scheme_id else None
        if scheme is None:
            dispatcher.utter_message(response="utter_which_scheme")
            return []
        dispatcher.utter_message(text=replies.contact_text(scheme, scheme_names()))
        return [SlotSet("dispositif_courant", scheme_id)]


class ActionExplainScheme(Action):
    """'C'est quoi le DLA ?': a definition, whatever the conversation is doing."""

    def name(self) -> Text:
        return "action_explain_scheme"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        shown = tracker.get_slot("recommandations") or []
        scheme_id = None
        for value in entity_values(tracker, "dispositif"):
            scheme_id = find_scheme_in_text(str(value), shown)
            if scheme_id:
                break
        scheme_id = scheme_id or find_scheme_in_text(latest_text(tracker), shown)
        scheme = get_client().scheme(scheme_id) if scheme_id else None
        if scheme is None:
            dispatcher.utter_message(response="utter_unknown_scheme")
            return []
        text = f"{scheme['nom']} : {scheme['description']['texte']}"
        if scheme["etat"]["valeur"] != "en_place":
            text += "\nÀ savoir : " + scheme["etat"]["texte"]
        dispatcher.utter_message(text=text)
        return [SlotSet("dispositif_courant", scheme_id)]

