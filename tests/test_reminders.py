"""Requests that wait too long: a badge in the inbox and a reminder e-mail to the team (real SMTP)."""
from __future__ import annotations

import datetime as _dt

from bot.console import reminders
from bot.console.models import utcnow
from knowledge.db import HandoffRequest
from tests.test_console import PASSWORD, add_request, add_user_cli, db, sign_in, web  # noqa: F401 (fixtures)
from tests.test_notify import smtp  # noqa: F401 (fixture)


def test_late_requests_are_the_new_ones_after_two_days_and_the_stale_ones_after_a_week():
    now = _dt.datetime(2026, 12, 2, 12)
    def row(statut, created_hours, updated_days=None):
        return HandoffRequest(statut=statut, cree_le=now - _dt.timedelta(hours=created_hours),
                              mis_a_jour_le=None if updated_days is None else now - _dt.timedelta(days=updated_days))
    assert reminders.late(row("nouvelle", 49), now) and not reminders.late(row("nouvelle", 47), now)
    assert reminders.late(row("en_cours", 400, 8), now) and not reminders.late(row("en_cours", 400, 2), now)
    assert not reminders.late(row("cloturee", 900, 30), now)


def test_the_team_gets_the_numbers_of_late_requests(db, smtp):
    _url, factory = db
    box, port = smtp
    late = add_request(factory, nom="Camille", email="c@exemple.fr", cree_le=utcnow() - _dt.timedelta(days=3))
    add_request(factory, cree_le=utcnow() - _dt.timedelta(hours=1))
    env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "NOTIFY_EMAIL": "accueil@exemple.fr"}
    with factory() as s:
        assert reminders.send_reminders(s, env) == (1, True)
        assert reminders.send_reminders(s, {}) == (1, False)  # without SMTP: counted, nothing sent
    mail = box.mails[0]
    assert mail["Subject"] == "Rappel : 1 demande de rappel en attente"
    body = mail.get_content()
    assert f"n° {late}, à traiter depuis plus de 2 jours" in body and "Camille" not in body and "c@exemple" not in body


def test_the_inbox_shows_a_late_badge(web):
    server, url, factory = web
    add_request(factory, cree_le=utcnow() - _dt.timedelta(days=3))
    assert add_user_cli(url, "agent@exemple.fr", PASSWORD).returncode == 0
    agent, _ = sign_in(server.url, "agent@exemple.fr", PASSWORD)
    page = agent.get(server.url + "/accueil/")
    assert "en retard" in page.text and "à traiter depuis plus de 2 jours" in page.text
