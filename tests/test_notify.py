"""The team's e-mail for a new call-back request, received by a real local SMTP server (aiosmtpd)."""
from __future__ import annotations

import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from actions import notify
from actions import handoff, knowledge_client
from tests.test_actions import FULL, fill_contact_form, make_tracker, run


class Inbox:
    def __init__(self):
        self.mails: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.mails.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    box, port = Inbox(), _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


def test_nothing_is_sent_without_smtp_settings():
    assert notify.settings({}) is None and notify.notify_new_request(1, "x", None, env={}) is None


def test_the_team_gets_a_mail_without_personal_data_in_the_subject(smtp):
    box, port = smtp
    env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "NOTIFY_EMAIL": "accueil@exemple.fr",
           "SMTP_FROM": "assistant@exemple.fr", "CONSOLE_URL": "https://ess.exemple.fr/accueil/"}
    thread = notify.notify_new_request(42, "association, en création, à Muret", "site-a", env=env)
    thread.join(10)
    assert len(box.mails) == 1
    mail = box.mails[0]
    assert mail["Subject"] == "Nouvelle demande de rappel n° 42" and mail["To"] == "accueil@exemple.fr"
    body = mail.get_content()
    assert "https://ess.exemple.fr/accueil/demandes/42" in body and "association, en création, à Muret" in body


def test_a_recorded_request_notifies_and_a_dead_mail_server_changes_nothing_for_the_person(smtp, loaded_db, monkeypatch):
    box, port = smtp
    monkeypatch.setattr(knowledge_client, "_client", knowledge_client.KnowledgeClient(loaded_db))
    slots = {**FULL, "contact_consentement": True, "contact_nom": "[masqué]",
             "contact_coordonnees": "[masqué]", "contact_message": "[masqué]"}
    for p, expected in ((port, 1), (_free_port(), 1)):  # the second port has no server: nothing more arrives
        monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SMTP_PORT", str(p))
        monkeypatch.setenv("NOTIFY_EMAIL", "accueil@exemple.fr")
        fill_contact_form("test-user", "Camille Durand", "camille.durand@exemple.org", "Bonjour")
        messages, _ = run(handoff.ActionSaveRequest(), make_tracker(slots=slots, loop=None))
        assert messages[-1]["response"] == "utter_request_saved"
        for t in threading.enumerate():
            if t.name == "notify-request":
                t.join(15)
        assert len(box.mails) == expected
    mail = box.mails[0]
    assert "Camille" not in mail["Subject"] and "camille.durand" not in mail.get_content()
