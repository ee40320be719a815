"""Hand-over to a person: the ``contact_form`` and the request it records.

Consent comes first: the user is told what will be stored and why before
giving anything. Without consent nothing personal is collected or stored. With
it, name, e-mail or phone (validated), a short message, the profile and the
recommendations are recorded for reception staff.
"""
from __future__ import annotations

import datetime as _dt
import logging
import html
import re
import unicodedata
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.knowledge_client import get_client
from actions import contact_draft, notify
from actions.notify import notify_new_request
from actions.tracker import latest_intent, latest_text, profile_from_tracker
from actions.wording import say
from knowledge.vocabulary import fold
from knowledge.db import HandoffRequest

log = logging.getLogger(__name__)

CONTACT_SLOTS = ["contact_consentement", "contact_nom", "contact_coordonnees", "contact_message"]
CANCEL_WORDS = {"annuler", "annule", "stop", "arreter", "arrete", "laisse tomber", "laissez tomber",
                "non merci", "je ne veux plus", "j abandonne", "abandonner", "finalement non"}
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")
PHONE_CHARS_RE = re.compile(r"^[0-9 +().\-]+$")


def clean_text(value: Any, limit: int) -> str:
    """Plain text: no control characters, no markup, bounded length."""
    text = unicodedata.normalize("NFC", str(value or ""))
    text = "".join(ch for ch in text if ch.isprintable() or ch in "\n")
    text = re.sub(r"<[^>]*>", " ", text)
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()[:limit]


def parse_contact(value: Any) -> tuple[Optional[str], Optional[str], Optional[str]]:
    """(email, phone, problem) from what the user typed."""
    text = clean_text(value, 200)
    compact = text.replace(" ", "")
    if "@" in text:
        if EMAIL_RE.match(compact):
            return compact.lower(), None, None
        return None, None, "Cette adresse e-mail ne semble pas valide (exemple : prenom.nom@exemple.fr)."
    if any(ch.isdigit() for ch in text):
        if not PHONE_CHARS_RE.match(text):
            return None, None, ("Un numéro de téléphone ne contient que des chiffres "
                                "(exemple : 06 12 34 56 78).")
        digits = re.sub(r"\D", "", text)
        if text.strip().startswith("+"):
            if 8 <= len(digits) <= 15:
                return None, "+" + digits, None
        elif len(digits) == 10 and digits.startswith("0"):
            return None, " ".join(digits[i:i + 2] for i in range(0, 10, 2)), None
        return None, None, "Ce numéro ne semble pas complet : un numéro français a 10 chiffres (exemple : 06 12 34 56 78)."
    if "." in text and " " not in text.strip():
        return None, None, "Il manque le « @ » dans cette adresse e-mail (exemple : prenom.nom@exemple.fr)."
    return None, None, "Indiquez une adresse e-mail (avec un « @ ») ou un numéro de téléphone."


CONSENT_YES_PHRASES = ("pas de probleme", "pas de souci", "pas de soucis", "aucun probleme", "aucun souci",
                       "sans probleme", "sans souci")
CONSENT_NO = ("non", "refuse", "pas d accord", "je ne veux pas", "jamais", "hors de question", "surtout pas",
              "je prefere pas", "je prefere ne pas", "pas question", "je ne souhaite pas", "je n accepte pas",
              "ne pas enregistrer", "no")
CONSENT_YES = ("oui", "d accord", "ok", "okay", "j accepte", "accepte", "bien sur", "volontiers", "allez y",
               "ca me va", "c est bon", "parfait", "entendu", "je consens", "yes", "ouais", "evidemment",
               "avec plaisir", "vas y", "allons y", "go", "tout a fait", "absolument", "bien entendu",
               "je suis d accord", "ca marche", "sans probleme", "oui oui", "je veux bien", "valide", "je valide")


def _has(folded: str, phrases) -> bool:
    return any(f" {p} " in f" {folded} " for p in phrases)


def consent_from(text: str, intent: str | None) -> bool | None:
    """Consent said in any words (« oui je suis d'accord pour que vous gardiez mes infos »), or None."""
    folded = fold(text)
    if text.startswith("/"):
        return {"affirm": True, "deny": False}.get(intent or "")
    if _has(folded, CONSENT_YES_PHRASES):
        return True
    if _has(folded, CONSENT_NO):
        return False
    if _has(folded, CONSENT_YES):
        return True
    return {"affirm": True, "deny": False}.get(intent or "")


def read_contact(text: str, intent: str | None, requested: str) -> Dict[str, Any]:
    """Slot values of the call-back form from what was typed: consent in a sentence is consent, a
    name is a name whatever the NLU thought of it. Validation (e-mail, phone) comes after."""
    if not text or fold(text) in CANCEL_WORDS or intent in CANCEL_INTENTS:
        return {}
    if requested == "contact_consentement":
        consent = consent_from(text, intent)
        return {} if consent is None else {"contact_consentement": consent}
    if text.startswith("/") or text.rstrip().endswith("?"):
        return {}  # a button of another question, or a question: its own rule answers it
    return {requested: text}


# « je ne sais pas » to « may we keep your details? » or « your name? » is no consent: the form stops
# (nothing recorded, said so) instead of asking again and again.
CANCEL_INTENTS = ("restart", "goodbye", "dont_know")


def keep_aside(tracker: Tracker, slot: str, value: str) -> None:
    """The answer goes to the draft: the stored conversation only keeps a mark of it."""
    try:
        contact_draft.keep(get_client().requests_session, tracker.sender_id, slot, value)
    except Exception:  # noqa: BLE001 - the request will say it could not be recorded
        log.warning("contact draft of a conversation not written", exc_info=True)


def drop_draft(tracker: Tracker) -> None:
    try:
        contact_draft.drop(get_client().requests_session, tracker.sender_id)
    except Exception:  # noqa: BLE001 - the retention command deletes it after a day
        log.warning("contact draft of a conversation not deleted", exc_info=True)


def wants_to_cancel(tracker: Tracker) -> bool:
    text = fold(latest_text(tracker))
    return text in CANCEL_WORDS or latest_intent(tracker) in CANCEL_INTENTS


class ValidateContactForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_contact_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        if tracker.get_slot("contact_consentement") is False:
            return []
        return list(CONTACT_SLOTS)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("requested_slot") in CONTACT_SLOTS and wants_to_cancel(tracker):
            drop_draft(tracker)
            return [SlotSet("contact_consentement", False), SlotSet("contact_nom", None),
                    SlotSet("contact_coordonnees", None), SlotSet("contact_message", None),
                    SlotSet("requested_slot", None)]
        return await super().run(dispatcher, tracker, domain)

    def validate_contact_consentement(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        if isinstance(value, bool):
            return {"contact_consentement": value}
        return {"contact_consentement": None}

    def validate_contact_nom(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        name = clean_text(value, 80)
        letters = sum(ch.isalpha() for ch in name)
        if letters < 2 or "@" in name or sum(ch.isdigit() for ch in name) > 0:
            dispatcher.utter_message(response="utter_contact_name_invalid")
            return {"contact_nom": None}
        keep_aside(tracker, "contact_nom", name)
        return {"contact_nom": name}

    def validate_contact_coordonnees(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        email, phone, problem = parse_contact(value)
        if problem:
            dispatcher.utter_message(text=problem)
            return {"contact_coordonnees": None}
        keep_aside(tracker, "contact_coordonnees", email or phone)
        return {"contact_coordonnees": email or phone}

    def validate_contact_message(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        message = clean_text(value, 1000)
        if not message:
            return {"contact_message": None}
        keep_aside(tracker, "contact_message", message)
        return {"contact_message": message}


class ActionSaveRequest(Action):
    """Record the request (only with consent) from the draft of the form, confirm, and forget both."""

    def name(self) -> Text:
        return "action_save_request"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        forget = [SlotSet(s, None) for s in CONTACT_SLOTS]
        if tracker.get_slot("contact_consentement") is not True or not tracker.get_slot("contact_coordonnees"):
            drop_draft(tracker)
            dispatcher.utter_message(response="utter_contact_not_saved")
            return forget
        client = get_client()
        try:
            answers = contact_draft.read(client.requests_session, tracker.sender_id)
        except Exception:  # noqa: BLE001 - the user must know it failed
            answers = {}
        if not answers.get("contact_coordonnees"):
            drop_draft(tracker)
            dispatcher.utter_message(response="utter_contact_failed")
            return forget
        email, phone, _problem = parse_contact(answers["contact_coordonnees"])
        oriented = client.orient(profile_from_tracker(tracker))
        profile = oriented.profil
        # What the person was shown, not a new search: the staff call back about that answer.
        shown = [i for i in tracker.get_slot("recommandations") or [] if client.scheme(i)]
        request = HandoffRequest(
            conversation_id=tracker.sender_id,
            partenaire=tracker.get_slot("partenaire"),
            nom=answers.get("contact_nom"),
            email=email,
            telephone=phone,
            message=answers.get("contact_message"),
            consentement=True,
            consentement_texte=say(domain, "utter_ask_contact_consentement"),
            profil=profile.as_contract(),
            recommandations=[{"id": i, "nom": client.scheme(i)["nom"]} for i in shown],
            motif="demande" if shown else "aucun_resultat",
            cree_le=_dt.datetime.now(_dt.timezone.utc),
        )
        try:
            with client.requests_session() as session, session.begin():
                session.add(request)
                session.flush()
                number = request.id
                contact_draft.remove(session, tracker.sender_id)
        except Exception:  # noqa: BLE001 - the user must know it failed
            dispatcher.utter_message(response="utter_contact_failed")
            return forget
        try:  # the request is saved: a mail problem must not hide it from the person
            notify_new_request(number, notify.summary(profile), tracker.get_slot("partenaire"))
        except Exception:  # noqa: BLE001
            log.warning("notification of request %s not sent", number, exc_info=True)
        dispatcher.utter_message(response="utter_request_saved", numero=number,
                                 moyen="par e-mail" if email else "par téléphone")
        return forget + [SlotSet("demande_enregistree", number)]
