"""The ``profil_form``: statut, stade, commune (or department), besoins, and
``employeur`` only when it changes the recommendations.

Slots are filled in any order and from any message: DIET entities fill the
contract slots through the domain's mappings, places are found by the knowledge
base in the text, and short answers without entities go through
``actions.vocabulary``. An answer the form cannot use is counted
(``echecs_profil``) instead of rejected, so the question comes back with an
explanation; digressions (a definition, a contact, a bot question) still reject
the form so that their own rules answer and the form resumes.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import understanding
from actions import vocabulary as voc
from actions.knowledge_client import get_client
from actions.understanding import ANSWER_INTENTS

BASE_SLOTS = ["statut", "stade", "commune", "besoins"]
EMPLOYER_STATUSES = {"association", "cooperative", "entreprise", "autre"}


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def latest_entities(tracker: Tracker) -> List[dict]:
    return tracker.latest_message.get("entities") or []


def entity_values(tracker: Tracker, entity: str) -> List[Any]:
    return understanding.entity_values(latest_entities(tracker), entity)


def previous_value(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest user message (what a failed correction must not erase)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
        elif seen_user and event.get("event") in ("restart", "session_started"):
            return None
    return None


def profile_from_tracker(tracker: Tracker, **overrides: Any) -> Dict[str, Any]:
    """The contract profile from the slots, canonicalised (slots set outside the form are not validated)."""
    profile = {
        "statut": voc.canonical_statut(tracker.get_slot("statut")),
        "employeur": voc.canonical_employeur(tracker.get_slot("employeur")),
        "stade": voc.canonical_stade(tracker.get_slot("stade")),
        "commune": tracker.get_slot("commune"),
        "departement": tracker.get_slot("departement"),
        "besoins": voc.canonical_besoins(tracker.get_slot("besoins")),
        "innovation_sociale": voc.canonical_employeur(tracker.get_slot("innovation_sociale")),
        "publics": voc.canonical_publics(tracker.get_slot("publics")),
    }
    profile.update(overrides)
    return profile


def employer_changes_answer(profile: Dict[str, Any]) -> bool:
    """True when saying "employer" or "not employer" would change the recommendations."""
    if profile.get("statut") not in EMPLOYER_STATUSES or profile.get("employeur") is not None:
        return False
    client = get_client()
    with_staff = client.orient({**profile, "employeur": True}).ids
    without = client.orient({**profile, "employeur": False}).ids
    return with_staff != without


class ValidateProfilForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_profil_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        slots = list(BASE_SLOTS)
        departement = tracker.get_slot("departement")
        if tracker.get_slot("commune") is None and departement and (
                departement != "31" or tracker.get_slot("commune_facultative")):
            slots.remove("commune")
        filled = all(tracker.get_slot(s) for s in slots if s != "commune") and bool(
            tracker.get_slot("commune") or departement)
        # Known: validated, never asked. Unknown: asked only when it changes the recommendations.
        if tracker.get_slot("employeur") is not None or (
                filled and employer_changes_answer(profile_from_tracker(tracker))):
            slots.append("employeur")
        return slots

    async def next_requested_slot(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Optional[EventType]:
        """Always decide here (the SDK leaves it to Rasa when the list equals the domain's)."""
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        return SlotSet("requested_slot", next((s for s in required if tracker.slots.get(s) is None), None))

    def _place(self, tracker: Tracker) -> Dict[str, Any]:
        return understanding.place_from_message(
            latest_text(tracker), latest_entities(tracker), latest_intent(tracker),
            tracker.get_slot("requested_slot"), get_client().territories)

    # Short answers without entities ------------------------------------------------------------

    def _answer_text(self, tracker: Tracker, slot: str) -> Optional[str]:
        return understanding.answer_text(latest_text(tracker), latest_intent(tracker),
                                         tracker.get_slot("requested_slot"), slot)

    # A stray word tagged by DIET ("structure") must not hide the words of the message: the extracted
    # value (canonical) replaces what the entity mapping set.

    async def extract_statut(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        value = understanding.message_statut(
            latest_text(tracker), latest_intent(tracker), tracker.get_slot("requested_slot"),
            latest_entities(tracker), voc.canonical_statut(previous_value(tracker, "statut")))
        return {"statut": value} if value else {}

    async def extract_stade(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        value = understanding.message_stade(
            latest_text(tracker), latest_intent(tracker), tracker.get_slot("requested_slot"),
            latest_entities(tracker), voc.canonical_stade(previous_value(tracker, "stade")))
        return {"stade": value} if value else {}

    async def extract_besoins(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        values = understanding.message_besoins(latest_text(tracker), latest_intent(tracker),
                                               tracker.get_slot("requested_slot"),
                                               latest_entities(tracker))
        return {"besoins": values} if values else {}

    async def extract_employeur(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        text = self._answer_text(tracker, "employeur")
        if not text or entity_values(tracker, "employeur") or latest_intent(tracker) in ("affirm", "deny"):
            return {}
        value = voc.canonical_employeur(text)
        return {"employeur": value} if value is not None else {}

    # Validation -------------------------------------------------------------------------------

    # A value that cannot be understood never erases a value understood earlier.

    def validate_statut(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        statut = voc.canonical_statut(str(value)) if value else None
        if statut is None:
            return {"statut": voc.canonical_statut(previous_value(tracker, "statut"))}
        out: Dict[str, Any] = {"statut": statut}
        if statut in ("sans_structure", "collectivite"):
            out["employeur"] = None
        return out

    def validate_stade(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        stade = voc.canonical_stade(str(value)) if value else None
        return {"stade": stade or voc.canonical_stade(previous_value(tracker, "stade"))}

    def validate_besoins(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        besoins = voc.canonical_besoins(value) or voc.canonical_besoins(previous_value(tracker, "besoins"))
        return {"besoins": besoins or None}

    def validate_employeur(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        # "sans salarié" may be tagged as an employer entity: the words of the message decide.
        employeur = False if voc.says_no_employees(latest_text(tracker)) else voc.canonical_employeur(value)
        if employeur is None:
            employeur = voc.canonical_employeur(previous_value(tracker, "employeur"))
        return {"employeur": employeur}

    def validate_commune(self, value: Any, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        if value is None:
            return {"commune": None}
        commune = get_client().territories.commune(str(value))
        if commune is None:
            return {"commune": None}
        return {"commune": commune.code, "departement": commune.departement}

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        # Places come from the knowledge base, not from entities: add them before the SDK extracts and
        # validates, then keep the ones it drops because they are not questions of the form.
        place = [SlotSet(k, v) for k, v in self._place(tracker).items()
                 if v is not None or tracker.get_slot(k) is not None]  # no no-op clears
        if (requested == "commune" and latest_intent(tracker) == "dont_know"
                and tracker.get_slot("departement") == "31" and not tracker.get_slot("commune")):
            place.append(SlotSet("commune_facultative", True))  # in Haute-Garonne the commune helps, not required
        if voc.says_no_employees(latest_text(tracker)):
            place.append(SlotSet("employeur", False))
        elif (tracker.get_slot("employeur") is None and voc.says_employees(latest_text(tracker))
              and understanding.sentence_text(latest_text(tracker), latest_intent(tracker))):
            place.append(SlotSet("employeur", True))
        tracker.add_slots(place)
        events = await super().run(dispatcher, tracker, domain)
        returned = {e["name"] for e in events if e.get("event") == "slot"}
        events = [e for e in place if e["name"] not in returned] + events
        # The tracker already holds the slots extracted from this message; events hold the validated values.
        after = {s: tracker.get_slot(s) for s in BASE_SLOTS + ["employeur", "departement"]}
        for event in events:
            if event.get("event") == "slot" and event["name"] in after:
                after[event["name"]] = event["value"]
        intent = latest_intent(tracker)
        answered = bool(requested) and after.get(requested) is not None
        # A correction of another answer ("non, en fait on est en SCOP") is used, not a failure.
        corrected = any(value is not None and value != previous_value(tracker, slot)
                        for slot, value in after.items() if slot != requested)
        if requested == "commune" and after.get("departement") and not tracker.get_slot("lieu_candidats"):
            answered = answered or any(e.get("name") == "departement" for e in events)
        failures = int(tracker.get_slot("echecs_profil") or 0)
        place_question = any(e.get("name") == "lieu_statut" and e.get("value") for e in events)
        if place_question or any(e.get("name") == "commune_facultative" for e in events):
            pass  # the question shows candidates, or is no longer asked: not a failure
        elif answered and failures:
            events.append(SlotSet("echecs_profil", 0.0))
        elif requested and not answered and not corrected and intent in ANSWER_INTENTS:
            events.append(SlotSet("echecs_profil", float(failures + 1)))
        return events


# Questions ------------------------------------------------------------------------------------

def _payload(intent: str, **entities: Any) -> str:
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"


STATUT_BUTTONS = [
    ("Pas encore de structure", "sans_structure"),
    ("Association", "association"),
    ("Coopérative (SCOP, SCIC, CAE…)", "cooperative"),
    ("Entreprise (dont ESUS)", "entreprise"),
    ("Collectivité", "collectivite"),
    ("Autre (mutuelle, fondation…)", "autre"),
]
STADE_BUTTONS = [
    ("Idée", "idee"),
    ("Création ou test", "creation"),
    ("Développement", "developpement"),
    ("Consolidation", "consolidation"),
    ("Changement d'échelle", "changement_echelle"),
    ("Reprise d'entreprise", "reprise"),
]
BESOIN_BUTTONS = [
    ("Financement", "financement"),
    ("Local, hébergement", "hebergement"),
    ("Accompagnement, conseil", "accompagnement"),
    ("Formation", "formation"),
    ("Questions juridiques", "juridique"),
    ("Emploi, recrutement", "emploi"),
    ("Marchés, clients", "marches"),
    ("Réseau, visibilité", "reseau"),
]


class AskProfileSlot(Action):
    """Ask one question; explain the choices after "je ne sais pas" or two unusable answers."""

    slot = ""
    question = ""
    explanation = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def buttons(self, tracker: Tracker) -> List[Dict[str, str]]:
        return []

    def needs_explanation(self, tracker: Tracker) -> bool:
        return latest_intent(tracker) == "dont_know" or int(tracker.get_slot("echecs_profil") or 0) >= 2

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        failures = int(tracker.get_slot("echecs_profil") or 0)
        if self.needs_explanation(tracker):
            intro = ("Je n'ai pas réussi à utiliser vos dernières réponses. " if failures >= 2
                     and latest_intent(tracker) != "dont_know" else "")
            dispatcher.utter_message(text=intro + self.explanation, buttons=self.buttons(tracker))
        elif failures == 1:
            dispatcher.utter_message(text="Je n'ai pas compris votre réponse. " + self.question,
                                     buttons=self.buttons(tracker))
        else:
            dispatcher.utter_message(text=self.question, buttons=self.buttons(tracker))
        return []


class ActionAskStatut(AskProfileSlot):
    slot = "statut"
    question = "Quel est le statut de votre projet aujourd'hui ?"
    explanation = (
        "Le statut, c'est la forme juridique de votre projet aujourd'hui :\n"
        "- Pas encore de structure : vous êtes seul ou en groupe, rien n'est encore déclaré.\n"
        "- Association : une association loi 1901.\n"
        "- Coopérative : une SCOP, une SCIC, une coopérative d'activité et d'emploi (CAE)…\n"
        "- Entreprise : une société (y compris avec l'agrément ESUS) ou une micro-entreprise.\n"
        "- Collectivité : une commune, une intercommunalité…\n"
        "- Autre : une mutuelle, une fondation…\n"
        "Choisissez la réponse la plus proche."
    )

    def buttons(self, tracker: Tracker) -> List[Dict[str, str]]:
        return [{"title": t, "payload": _payload("inform", statut=v)} for t, v in STATUT_BUTTONS]


class ActionAskStade(AskProfileSlot):
    slot = "stade"
    question = "Où en est votre projet ?"
    explanation = (
        "Voici les étapes possibles :\n"
        "- Idée : vous y réfléchissez, rien n'a encore démarré.\n"
        "- Création ou test : vous créez la structure, testez l'activité ou êtes dans la première année.\n"
        "- Développement : vous grandissez, lancez une nouvelle activité ou recrutez.\n"
        "- Consolidation : vous voulez stabiliser l'activité et les emplois, ou traversez des difficultés.\n"
        "- Changement d'échelle : vous voulez essaimer ou vous étendre à d'autres territoires.\n"
        "- Reprise : reprendre ou transmettre une entreprise, par exemple par ses salariés en SCOP.\n"
        "Choisissez l'étape la plus proche."
    )

    def buttons(self, tracker: Tracker) -> List[Dict[str, str]]:
        return [{"title": t, "payload": _payload("inform", stade=v)} for t, v in STADE_BUTTONS]


class ActionAskBesoins(AskProfileSlot):
    slot = "besoins"
    question = ("De quoi avez-vous besoin ? Vous pouvez en citer plusieurs, par exemple "
                "« un financement et un local ».")
    explanation = (
        "Je peux vous orienter pour ces besoins :\n"
        "- Financement : subvention, prêt, garantie, fonds propres.\n"
        "- Local : bureau, atelier, pépinière, coworking.\n"
        "- Accompagnement : conseil, diagnostic, incubation, test d'activité.\n"
        "- Formation.\n"
        "- Questions juridiques : choix du statut, rédaction des statuts, agrément ESUS.\n"
        "- Emploi : recrutement, emplois partagés, insertion.\n"
        "- Marchés : trouver des clients, accéder aux marchés publics.\n"
        "- Réseau : rencontrer des partenaires, gagner en visibilité.\n"
        "Choisissez-en un ci-dessous, ou écrivez-en plusieurs."
    )

    def buttons(self, tracker: Tracker) -> List[Dict[str, str]]:
        return [{"title": t, "payload": _payload("inform", besoin=v)} for t, v in BESOIN_BUTTONS]


class ActionAskEmployeur(AskProfileSlot):
    slot = "employeur"
    question = ("Votre structure emploie-t-elle des salariés ? Certains dispositifs, comme le DLA, "
                "sont réservés aux structures employeuses.")
    explanation = ("Une structure employeuse a au moins un salarié, même à temps partiel. "
                   "Les bénévoles et les services civiques ne comptent pas. Avez-vous au moins un salarié ?")

    def buttons(self, tracker: Tracker) -> List[Dict[str, str]]:
        return [{"title": "Oui, au moins un salarié", "payload": "/affirm"},
                {"title": "Non, pas de salarié", "payload": "/deny"}]


def _same_place_name(typed: str, nom: str) -> bool:
    """"Saint-Jean" is the name of "Saint-Jean" and the start of "Saint-Jean-Lherm"; "Bruxelles" is not "Brutelles"."""
    typed, nom = voc.fold(typed), voc.fold(nom)
    return bool(typed) and (nom == typed or nom.startswith(typed + " "))


class ActionAskCommune(AskProfileSlot):
    slot = "commune"
    question = "Dans quelle commune se trouve votre projet ? Indiquez son nom ou son code postal."
    explanation = (
        "J'ai besoin de la commune où se trouve votre projet (ou le siège de votre structure) : "
        "certains dispositifs ne couvrent qu'une partie du territoire. Indiquez son nom ou son code postal. "
        "Si vous ne savez pas encore, indiquez simplement votre département, par exemple « Haute-Garonne » ou « 31 »."
    )

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if latest_intent(tracker) == "dont_know":
            return super().run(dispatcher, tracker, domain)
        candidates = tracker.get_slot("lieu_candidats") or []
        typed = (tracker.get_slot("lieu_saisi") or "").strip()
        status = tracker.get_slot("lieu_statut")
        departement = tracker.get_slot("departement")
        buttons = [{"title": f"{c['nom']} ({c.get('departement') or '?'})",
                    "payload": _payload("inform", commune=c["code"])} for c in candidates if c.get("code")]
        if status == "ambigu" and typed.isdigit():
            dispatcher.utter_message(text=f"Le code postal {typed} couvre plusieurs communes. Laquelle ?",
                                     buttons=buttons)
        elif status == "ambigu" and all(_same_place_name(typed, c.get("nom", "")) for c in candidates):
            dispatcher.utter_message(text=f"Plusieurs communes s'appellent « {typed[:60]} ». Laquelle ?",
                                     buttons=buttons)
        elif status == "inconnu" and typed.isdigit():
            dispatcher.utter_message(text=f"Le code postal {typed[:10]} ne correspond à aucune commune française. "
                                          "Vérifiez-le, ou écrivez le nom de la commune.")
        elif status in ("ambigu", "inconnu"):  # "ambigu" here: only close spellings ("Bruxelles")
            text = (f"Je ne trouve pas de commune française nommée « {typed[:60]} ». "
                    + ("Vouliez-vous dire l'une de celles-ci ? " if buttons else "")
                    + "Vous pouvez aussi écrire le code postal. Ce service concerne les projets situés en France.")
            dispatcher.utter_message(text=text, buttons=buttons)
        elif departement == "31" and not tracker.get_slot("commune"):
            dispatcher.utter_message(
                text=("Dans quelle commune de Haute-Garonne ? Certains dispositifs ne couvrent que la métropole "
                      "toulousaine ou le Comminges. Si vous ne savez pas, répondez « je ne sais pas »."))
        else:
            return super().run(dispatcher, tracker, domain)
        return []
