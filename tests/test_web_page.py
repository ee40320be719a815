"""The web server of ``bot/`` and the socket.io channel, over HTTP and socket.io (no browser).

Allowed origins: the web server's own and the partners' (bot/partners.yml + the stack's PARTNERS_FILE,
which declares ``partner_sites["allowed"]``); ``partner_sites["refused"]`` is on no list.
The browser tests of the widget are in test_widget.py.
"""
from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
import uuid

import pytest

from conftest import Chat

pytestmark = pytest.mark.e2e


def get(url: str, origin: str | None = None) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers={"Origin": origin} if origin else {})
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_web_server_health_and_config(stack):
    status, _, body = get(f"{stack.settings.web_url}health")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, _, body = get(f"{stack.settings.web_url}config.json")
    assert json.loads(body)["rasaUrl"] == stack.settings.rasa_url


def test_demo_page_headers_and_content(stack):
    status, headers, body = get(stack.settings.web_url)
    html = body.decode()
    assert status == 200 and '<html lang="fr">' in html
    assert "Haute-Garonne" in html and "Le Département" in html
    assert '<script src="/widget.js" data-partenaire="haute-garonne"' in html
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'self'" in csp
    assert f"ws://127.0.0.1:{stack.settings.rasa_port}" in csp  # socket.io to the Rasa server


def test_widget_script_is_one_file_with_cors_for_allowed_origins_only(stack, partner_sites):
    url = f"{stack.settings.web_url}widget.js"
    status, headers, body = get(url, partner_sites["allowed"].origin)
    assert status == 200 and headers["Content-Type"].startswith("application/javascript")
    assert headers["Access-Control-Allow-Origin"] == partner_sites["allowed"].origin
    js = body.decode()
    assert "Socket.IO v4.7.5" in js and "ess-assistant" in js and "@ESS_" not in js
    assert stack.settings.rasa_url in js  # the default Rasa URL is filled in
    status, headers, _ = get(url, partner_sites["refused"].origin)
    assert "Access-Control-Allow-Origin" not in headers


def test_widget_configuration_comes_from_the_partner_file(stack, partner_sites):
    url = f"{stack.settings.web_url}widget/config.json?partenaire=test-partenaire"
    allowed = partner_sites["allowed"].origin
    status, headers, body = get(url, allowed)
    config = json.loads(body)
    assert status == 200 and headers["Access-Control-Allow-Origin"] == allowed
    assert config["metadata"] == {"partenaire": "test-partenaire", "commune": "31395", "departement": "31"}
    assert config["partenaire"]["accueil"] == partner_sites["partner"]["accueil"]
    assert config["partenaire"]["couleur"] == "#6a1b4d" and "origines" not in config["partenaire"]
    assert config["rasaUrl"] == stack.settings.rasa_url

    status, headers, body = get(url, partner_sites["refused"].origin)
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    assert "pas autorisé" in json.loads(body)["erreur"]
    # Another partner's page may not borrow this partner's territory.
    status, _, _ = get(f"{stack.settings.web_url}widget/config.json?partenaire=exemple-muret", allowed)
    assert status == 403
    status, _, body = get(f"{stack.settings.web_url}widget/config.json?partenaire=inconnu", allowed)
    assert status == 404 and "pas déclaré" in json.loads(body)["erreur"]
    # The department's own page (same origin as the web server).
    own = stack.settings.web_url.rstrip("/")
    status, _, body = get(f"{stack.settings.web_url}widget/config.json?partenaire=haute-garonne", own)
    assert status == 200 and json.loads(body)["metadata"] == {"partenaire": "haute-garonne", "departement": "31"}


def test_iframe_mode_is_framed_by_the_partner_only(stack, partner_sites):
    status, headers, body = get(f"{stack.settings.web_url}embed?partenaire=test-partenaire")
    assert status == 200
    csp = headers["Content-Security-Policy"]
    ancestors = csp.split("frame-ancestors", 1)[1].split(";")[0].split()
    assert ancestors == ["'self'", partner_sites["allowed"].origin]
    assert "X-Frame-Options" not in headers
    assert 'data-partenaire="test-partenaire" data-mode="integre"' in body.decode()
    status, headers, _ = get(f"{stack.settings.web_url}embed?partenaire=%22%3E%3Cscript%3E")
    assert status == 404 and "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_rasa_cors_and_socketio_accept_allowed_origins_only(stack, partner_sites):
    polling = f"{stack.settings.rasa_url}/socket.io/?EIO=4&transport=polling"
    for origin in (partner_sites["allowed"].origin, stack.settings.web_url.rstrip("/"),
                   "https://www.haute-garonne.fr"):
        status, headers, body = get(polling, origin)
        assert status == 200 and body.startswith(b"0{"), origin
        assert headers.get_all("Access-Control-Allow-Origin") == [origin]  # exactly one header
    status, headers, body = get(polling, partner_sites["refused"].origin)
    assert status == 400 and b"not an accepted origin" in body
    assert "Access-Control-Allow-Origin" not in headers
    # /version needs no API token, so the answer is a plain 200 that CORS decorates
    status, headers, _ = get(f"{stack.settings.rasa_url}/version", partner_sites["allowed"].origin)
    assert status == 200
    assert headers.get("Access-Control-Allow-Origin") == partner_sites["allowed"].origin
    status, headers, _ = get(f"{stack.settings.rasa_url}/version", partner_sites["refused"].origin)
    assert status == 200 and "Access-Control-Allow-Origin" not in headers


# The socket.io channel, from a socket.io client --------------------------------------------------------

class SocketChat:
    """A conversation over the socket.io channel, as the widget holds it."""

    def __init__(self, stack, origin: str):
        import socketio

        self.stack, self.origin = stack, origin
        self.session = uuid.uuid4().hex
        self.events: list[dict] = []
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("bot_uttered", self.events.append)
        self.confirmed = asyncio.Event()
        self.sio.on("session_confirm", lambda _sid: self.confirmed.set())

    async def __aenter__(self):
        await self.sio.connect(self.stack.settings.rasa_url, headers={"Origin": self.origin},
                               transports=["polling"], socketio_path="/socket.io", wait_timeout=20)
        await self.sio.emit("session_request", {"session_id": self.session})
        await asyncio.wait_for(self.confirmed.wait(), 20)
        return self

    async def __aexit__(self, *exc):
        # abort=True: do not wait for the pending long-poll request (up to the ping interval, 25 s).
        await self.sio.eio.disconnect(abort=True)

    async def say(self, text: str, metadata: dict | None = None, until: str | None = "", msg_id: str | None = None):
        """Send ``text``; wait for a bot event containing ``until`` ("" = any event, None = none)."""
        before = len(self.events)
        ack = await self.sio.call("user_uttered", {"message": text, "session_id": self.session,
                                                   "metadata": metadata or {}, "id": msg_id or uuid.uuid4().hex},
                                  timeout=20)
        deadline = time.monotonic() + 30
        while until is not None and not any(until in e.get("text", "") for e in self.events[before:]):
            assert time.monotonic() < deadline, (until, self.events[before:])
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.3)
        return ack, self.events[before:]


def run_async(main) -> None:
    """asyncio.run(main()) in its own thread: Playwright's sync API may hold this thread's event loop."""
    import threading

    errors: list[BaseException] = []

    def target():
        try:
            asyncio.run(main())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=300)
    assert not thread.is_alive(), "socket.io test did not finish"
    if errors:
        raise errors[0]


def tracker_slots(stack, session: str) -> dict:
    return Chat(stack.settings, sender=session).slots()


def test_socketio_partner_territory_comes_from_the_configuration(stack, partner_sites):
    allowed = partner_sites["allowed"].origin

    async def run():
        # A known partner from its own site: the configured commune wins over the one sent.
        async with SocketChat(stack, allowed) as c:
            ack, events = await c.say("Bonjour", {"partenaire": "test-partenaire", "commune": "31555"},
                                      until="Quel est le statut")
            assert ack["recu"] is True
            slots = tracker_slots(stack, c.session)
            assert (slots["commune"], slots["departement"], slots["partenaire"]) == ("31395", "31", "test-partenaire")
            # One event per bot utterance: the question comes with its buttons.
            question = [e for e in events if "Quel est le statut" in e.get("text", "")]
            assert len(question) == 1 and question[0]["buttons"]
            assert question[0]["quick_replies"][0]["content_type"] == "text"
        # An unknown partner id: no territory is taken from the client.
        async with SocketChat(stack, allowed) as c:
            await c.say("Bonjour", {"partenaire": "inconnu", "commune": "31555", "departement": "31"},
                        until="Quel est le statut")
            slots = tracker_slots(stack, c.session)
            assert slots["commune"] is None and slots["departement"] is None and slots.get("partenaire") is None
        # Another partner's id from this site: refused too.
        async with SocketChat(stack, allowed) as c:
            await c.say("Bonjour", {"partenaire": "exemple-muret"}, until="Quel est le statut")
            slots = tracker_slots(stack, c.session)
            assert slots["commune"] is None and slots.get("partenaire") is None

    run_async(run)


def test_socketio_orientation_is_one_event_with_text_buttons_and_payload(stack, partner_sites):
    async def run():
        async with SocketChat(stack, partner_sites["allowed"].origin) as c:
            profile = {"partenaire": "test-partenaire", "statut": "association", "stade": "creation",
                       "besoins": ["financement"]}
            _, events = await c.say("/request_orientation", profile, until="Que souhaitez-vous faire")
            orientation = [e for e in events if "orientation" in (e.get("custom") or {})]
            assert len(orientation) == 1
            event = orientation[0]
            assert event["text"].startswith("Voici ce que je vous conseille")
            assert "\n\n" in event["text"]  # not split into several events
            first = event["custom"]["orientation"]["dispositifs"][0]
            assert first["nom"] in event["text"] and first["pourquoi"]

    run_async(run)


def test_socketio_refuses_bad_input_and_duplicates(stack, partner_sites):
    async def run():
        async with SocketChat(stack, stack.settings.web_url.rstrip("/")) as c:
            ack, events = await c.say("   ", until="vide")
            assert ack["recu"] is True and ack.get("refuse") is True
            ack, events = await c.say("x" * 1001, until="trop long")
            assert "1000 caractères" in events[0]["text"]
            msg_id = uuid.uuid4().hex
            await c.say("nous sommes une association", until="", msg_id=msg_id)
            ack, _ = await c.say("nous sommes une association", until=None, msg_id=msg_id)
            assert ack.get("doublon") is True
            events = Chat(stack.settings, sender=c.session).tracker()["events"]
            assert [e["text"] for e in events if e["event"] == "user"] == ["nous sommes une association"]

    run_async(run)


def test_socketio_connection_from_a_refused_origin_fails(stack, partner_sites):
    import socketio

    async def run():
        client = socketio.AsyncClient(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await client.connect(stack.settings.rasa_url, headers={"Origin": partner_sites["refused"].origin},
                                 transports=["polling"], wait_timeout=10)
        await client.disconnect()

    run_async(run)
