"""REST channel at ``/webhooks/rest/webhook`` (the contract's URL).

Same protocol as Rasa's own ``rest`` channel, with two differences:
- one bot utterance is one message: text, buttons and ``custom`` payload
  together (Rasa's collector splits them, and splits text on blank lines);
- bad requests never reach Rasa: a body that is not JSON or has no sender gets
  a 400 with a French explanation, an empty or over-long text gets a French reply.
"""
from __future__ import annotations

import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.partners import Partners
from channels.guard import NO_ANSWER, TECHNICAL_ERROR, clean_metadata, refusal

log = logging.getLogger(__name__)


class WholeMessageCollector(CollectingOutputChannel):
    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        keys = ("text", "buttons", "image", "attachment", "custom")
        item = {"recipient_id": recipient_id, **{k: message[k] for k in keys if message.get(k) is not None}}
        if message.get("quick_replies") and "buttons" not in item:
            item["buttons"] = message["quick_replies"]
        if len(item) > 1:
            await self._persist_message(item)


def _error(text: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": text}, status=status)


class RestInput(InputChannel):
    """A partner's back-end sends its ``partenaire`` id in the metadata: its defaults from
    bot/partners.yml (commune, department) are applied as for the widget, without overriding what
    the request says itself."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partners = Partners.from_env()

    def metadata_of(self, body: dict) -> dict:
        metadata = clean_metadata(body.get("metadata"))
        partner = self.partners.get(metadata.get("partenaire"))
        if partner is not None:
            metadata = {**partner.metadata(), **metadata}
        return metadata

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("ess_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:  # noqa: BLE001 - sanic raises on malformed JSON
                body = None
            if not isinstance(body, dict):
                return _error("Le corps de la requête doit être un objet JSON : "
                              "{\"sender\": \"…\", \"message\": \"…\"}.")
            sender = body.get("sender")
            if not isinstance(sender, (str, int)) or not str(sender).strip() or len(str(sender)) > 200:
                return _error("Le champ « sender » (identifiant de la conversation) est obligatoire.")
            sender = str(sender)
            text = body.get("message")
            reply = refusal(text)
            if reply:
                return response.json([{"recipient_id": sender, "text": reply}])
            collector = WholeMessageCollector()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                                 metadata=self.metadata_of(body)))
            except CancelledError:
                log.error("rest: message processing timed out for %s", sender)
            except Exception:  # noqa: BLE001 - the user gets an answer whatever happens
                log.exception("rest: message processing failed for %s", sender)
                collector.messages.append({"recipient_id": sender, "text": TECHNICAL_ERROR})
            if not collector.messages:
                collector.messages.append({"recipient_id": sender, "text": NO_ANSWER})
            return response.json(collector.messages)

        return webhook
