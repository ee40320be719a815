"""socket.io channel of the web widget (``channels.socketio.SocketIOInput`` in credentials.yml).

Same events, options and session persistence as Rasa's own ``socketio`` channel
(``user_uttered`` / ``bot_uttered``, ``session_request`` / ``session_confirm``,
the ``metadata`` key), with these differences:

- only allowed origins may connect: the web server's own origins and every
  partner's (``bot/partners.yml`` and ``PARTNERS_FILE``). Rasa's channel passes
  ``cors_allowed_origins=[]``, which turns python-engineio's origin check off;
- one bot utterance is one ``bot_uttered`` event: text, buttons and ``custom``
  together (Rasa's channel splits text on blank lines and sends each part,
  the buttons and the custom payload as separate events, and crashes on a
  custom payload whose keys are not arguments of ``emit``);
- the partner's territory comes from the configuration, never from the
  browser: ``partenaire`` is honoured only from that partner's origins (or
  from ours: demo page and iframe mode), and its ``commune``/``departement``
  replace whatever the client sent; without a recognised partner, client-sent
  ``commune``/``departement`` are dropped;
- the input rules of ``channels.guard`` (empty, too long, no letters) answer
  in French without reaching the assistant;
- a ``user_uttered`` event is acknowledged as soon as it is received (the
  widget keeps unacknowledged messages and sends them again after a
  reconnection); a message id (``id``) seen recently is not processed twice;
- ``session_request`` really joins the conversation's room (Rasa 3.6 does not
  await ``enter_room`` with python-socketio 5.x).
"""
from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, Optional, Text

import engineio
import rasa.core.channels.channel
import socketio
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput as RasaSocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.partners import Partners, allowed_origins_from_env
from channels.guard import MAX_CHARS, NO_ANSWER, TECHNICAL_ERROR, clean_metadata, refusal

log = logging.getLogger(__name__)

TERRITORY_KEYS = ("partenaire", "commune", "departement")
SEEN_IDS = 2000  # message ids remembered for de-duplication


def valid_id(value: Any) -> bool:
    """A session or message id the client may choose: a non-blank string of at most 100 characters."""
    return isinstance(value, str) and bool(value.strip()) and len(value) <= 100


class _EngineIOServer(engineio.AsyncServer):
    """Checks the Origin of every request, but leaves the CORS headers of polling
    responses to Rasa's Sanic-CORS (``--cors``, the same list): both would add
    ``Access-Control-Allow-Origin`` and browsers refuse a doubled header."""

    def _cors_headers(self, environ):  # noqa: D401 - engineio hook
        return []


class _SocketServer(socketio.AsyncServer):
    def _engineio_server_class(self):
        return _EngineIOServer


class SocketIOOutput(RasaSocketIOOutput):
    """One ``bot_uttered`` event per bot utterance."""

    sent = 0  # utterances sent for the message being handled

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        event = whole_message(message)
        if event:
            self.sent += 1
            await self._send_message(recipient_id, event)


def whole_message(message: Dict[Text, Any]) -> Dict[Text, Any]:
    """The event of one bot utterance: ``text``, ``buttons`` (and Rasa's ``quick_replies``), ``custom``…"""
    event: Dict[Text, Any] = {}
    if message.get("text"):
        event["text"] = message["text"]
    buttons = message.get("buttons") or message.get("quick_replies") or []
    buttons = [{"title": b.get("title"), "payload": b.get("payload")} for b in buttons
               if isinstance(b, dict) and b.get("title") and b.get("payload")]
    if buttons:
        event["buttons"] = buttons
        # The name Rasa's socket.io channel uses, for clients written against it.
        event["quick_replies"] = [{"content_type": "text", **b} for b in buttons]
    for key in ("image", "attachment", "elements", "custom"):
        if message.get(key) is not None:
            event[key] = message[key]
    return event


class SocketIOInput(RasaSocketIOInput):
    """socket.io channel restricted to the allowed origins; see the module docstring."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.own_origins, self.allowed_origins = allowed_origins_from_env()
        self.partners = Partners.from_env()
        self._origins: Dict[Text, Optional[Text]] = {}
        self._seen: "OrderedDict[str, None]" = OrderedDict()
        self._tasks: set = set()
        log.info("socketio: allowed origins %s", ", ".join(self.allowed_origins))

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return super().get_output_channel()
        return SocketIOOutput(self.sio, self.bot_message_evt)

    # Metadata ----------------------------------------------------------------------------------

    def trusted_metadata(self, metadata: Any, origin: Optional[Text]) -> Dict[Text, Any]:
        """Client metadata without territory, plus the territory of a partner allowed from ``origin``."""
        if isinstance(metadata, str):
            try:
                metadata = json.loads(metadata)
            except ValueError:
                metadata = {}
        metadata = clean_metadata(metadata)
        out = {k: v for k, v in metadata.items() if k not in TERRITORY_KEYS}
        partner = self.partners.get(metadata.get("partenaire"))
        if partner is not None and self.partners.may_use(partner, origin, self.own_origins):
            out.update(partner.metadata())
        elif metadata.get("partenaire") is not None:
            log.info("socketio: partner %r refused from origin %r", metadata.get("partenaire"), origin)
        return out

    def _first_time(self, message_id: Any, sender: Text) -> bool:
        if not valid_id(message_id):
            return True
        key = f"{sender}:{message_id}"
        if key in self._seen:
            return False
        self._seen[key] = None
        while len(self._seen) > SEEN_IDS:
            self._seen.popitem(last=False)
        return True

    # Blueprint ---------------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = _SocketServer(async_mode="sanic", cors_allowed_origins=list(self.allowed_origins))
        socketio_webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if origin and origin not in self.allowed_origins:  # engineio already refuses it
                return False
            if self.jwt_key:
                token = auth.get("token") if isinstance(auth, dict) else None
                payload = (rasa.core.channels.channel.decode_bearer_token(token, self.jwt_key, self.jwt_algorithm)
                           if token else None)
                if not payload:
                    return False
            self._origins[sid] = origin
            log.debug("socketio: %s connected from %s", sid, origin)
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: Text, *_args: Any) -> None:
            self._origins.pop(sid, None)
            log.debug("socketio: %s disconnected", sid)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any = None) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not valid_id(session_id):
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        async def process(message: UserMessage) -> None:
            try:
                await on_new_message(message)
            except Exception:  # noqa: BLE001 - the user gets an answer whatever happens
                log.exception("socketio: message processing failed for %s", message.sender_id)
                await message.output_channel.send_text_message(message.sender_id, TECHNICAL_ERROR)
                return
            if not message.output_channel.sent:
                await message.output_channel.send_text_message(message.sender_id, NO_ANSWER)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any = None) -> Dict[Text, Any]:
            data = data if isinstance(data, dict) else {}
            if self.session_persistence:
                sender = data.get("session_id")
                if not valid_id(sender):
                    log.warning("socketio: message without a valid session_id ignored")
                    return {"recu": False, "erreur": "session_id manquant"}
            else:
                sender = sid
            output = SocketIOOutput(sio, self.bot_message_evt)
            text = data.get("message")
            reply = refusal(text)
            if reply:
                await sio.emit(self.bot_message_evt, {"text": reply}, room=sid, namespace=self.namespace)
                return {"recu": True, "id": data.get("id"), "refuse": True}
            if not self._first_time(data.get("id"), sender):
                return {"recu": True, "id": data.get("id"), "doublon": True}
            metadata = self.trusted_metadata(data.get(self.metadata_key), self._origins.get(sid))
            message = UserMessage(text[:MAX_CHARS], output, sender, input_channel=self.name(), metadata=metadata)
            task = asyncio.ensure_future(process(message))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return {"recu": True, "id": data.get("id")}

        return socketio_webhook
