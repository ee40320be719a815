"""A restart wipes the whole conversation: it must be asked for in words, never guessed.

The classifier sometimes reads a message about the project (« je démarre », « on se lance tout
juste ») as ``restart``, and Rasa's default rule then forgets everything the person said. This
component, placed after the classifiers, keeps ``restart`` only when the text says it (recommencer,
depuis le début, à zéro, effacer, nouvelle demande...) or is the ``/restart`` button; otherwise
the next intent of the ranking is taken.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

GUARDED = "restart"
ASKS_TO_RESTART = re.compile(
    r"\b(recommenc|redemarr|reinitialis|reset|restart|efface|annul|oubli|supprim)|\braz\b"
    r"|\b(depuis|du|au|a) (le )?(debut|depart|zero)\b(?! (du|de|d) )"
    r"|\bnouvel(le)? (conversation|demande|recherche|discussion|projet)\b"
    r"|\bre ?fai(re|s|t|sons) (tout|le questionnaire|les questions)\b"
    r"|\b(tout reprendre|reprend(s|re|ons)? tout)\b"
    r"|\brepar(s|t|tir|tons) (de|a) (zero|rien)\b")


def fold(text: str) -> str:
    """Lower case, no accents, apostrophes and hyphens as spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s'’\-]+", " ", text)


def asks_to_restart(text: str) -> bool:
    return text.startswith("/") or bool(ASKS_TO_RESTART.search(fold(text)))


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
            if intent.get(INTENT_NAME_KEY) != GUARDED or asks_to_restart(text):
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != GUARDED]
            replacement = ranking[0] if ranking else {INTENT_NAME_KEY: "nlu_fallback", "confidence": 0.0}
            message.set(INTENT, dict(replacement), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
