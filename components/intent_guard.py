"""Intents with heavy consequences must be said in words, never guessed.

- ``restart`` wipes the whole conversation: the classifier sometimes reads « je démarre » as one.
  Kept only when the text says it (``signaux.recommencer`` in knowledge/vocabulary/words.yml).
- ``ask_human`` opens the call-back form: « personne, juste moi » (nobody) is no such request.
  Kept only with the words of ``signaux.humain``.
For these two, otherwise the next intent of the ranking is taken; buttons (``/intent``) are kept.
- ``nlu_fallback`` or ``out_of_scope`` on a short question of definition that names a scheme or a
  notion of the glossary (« on m'a parlé des coopératives jeunesse de services, c'est quoi ? ») is
  ``ask_definition``: the question is answered, not refused.
- ``out_of_scope`` on a long message full of the words of a project (« je travaille dans…, je
  voudrais créer une conciergerie… ») becomes ``inform`` (the ranking is left as it is): the
  reader then takes what it says.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.vocabulary import fold, named_schemes, vocabulary

GUARDED = {"restart": "recommencer", "ask_human": "humain"}
PROFILE_KINDS = ("statut", "stade", "besoins", "persona")


def asks_to_restart(text: str) -> bool:
    """The ``/restart`` button, or the words of ``signaux.recommencer`` in the one vocabulary."""
    return said(text, "restart")


def said(text: str, intent: str) -> bool:
    return text.startswith("/") or bool(vocabulary().signal(GUARDED[intent]).search(fold(text)))


DEFINITION = re.compile(r"\b(c est quoi|cest quoi|c koi|qu est ce qu|ca veut dire|ca signifie|kesako|kezako|"
                        r"definition|difference entre|c est qui)\b")


def asks_a_definition(text: str) -> bool:
    """A short question of definition about something the assistant knows (a scheme, a notion)."""
    if len(text) > 160 or not DEFINITION.search(fold(text)):
        return False
    return bool(named_schemes(text) or _glossary().find(text))


@functools.lru_cache(maxsize=1)
def _glossary():
    from knowledge.glossary import load_glossary  # read once, for the few messages that ask

    return load_glossary()[0]


def tells_a_project(text: str) -> bool:
    """A long message with at least three words of a profile (status, stage, need, who one is)."""
    return len(text) > 120 and sum(m.kind in PROFILE_KINDS for m in vocabulary().matches(text)) >= 3


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntentGuard(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "IntentGuard":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            text = message.get(TEXT) or ""
            name = intent.get(INTENT_NAME_KEY)
            if name in ("nlu_fallback", "out_of_scope") and not text.startswith("/") and asks_a_definition(text):
                message.set(INTENT, {INTENT_NAME_KEY: "ask_definition", "confidence": intent.get("confidence", 0.0)},
                            add_to_output=True)
                continue
            if name == "out_of_scope" and not text.startswith("/") and tells_a_project(text):
                message.set(INTENT, {INTENT_NAME_KEY: "inform", "confidence": intent.get("confidence", 0.0)},
                            add_to_output=True)
                continue
            if name not in GUARDED or said(text, name):
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
            replacement = ranking[0] if ranking else {INTENT_NAME_KEY: "nlu_fallback", "confidence": 0.0}
            message.set(INTENT, dict(replacement), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
