"""A restart wipes the whole conversation: it must be asked for in words, never guessed.

The classifier sometimes reads a message about the project (« je démarre », « on se lance tout
juste ») as ``restart``, and Rasa's default rule then forgets everything the person said. This
component, placed after the classifiers, keeps ``restart`` only when the text says it (the words of
``signaux.recommencer`` in knowledge/vocabulary/words.yml) or is the ``/restart`` button; otherwise
the next intent of the ranking is taken.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.vocabulary import fold, vocabulary

GUARDED = "restart"


def asks_to_restart(text: str) -> bool:
    """The ``/restart`` button, or the words of ``signaux.recommencer`` in the one vocabulary."""
    return text.startswith("/") or bool(vocabulary().signal("recommencer").search(fold(text)))


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
