"""Anonymous statistics: the first orientation and the user's rating are recorded, nothing personal."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from actions import feedback, knowledge_client, orientation, read, session
from knowledge import events as stats
from tests.test_actions import FULL, make_tracker, run, slots_of


@pytest.fixture
def client(loaded_db, monkeypatch):
    client = knowledge_client.KnowledgeClient(loaded_db)
    monkeypatch.setattr(knowledge_client, "_client", client)
    return client


def _events(client, kind=None):
    with client.requests_session() as s:
        query = select(stats.ServiceEvent).order_by(stats.ServiceEvent.id)
        rows = list(s.scalars(query.where(stats.ServiceEvent.type == kind) if kind else query))
    return rows


def test_the_first_orientation_is_recorded_without_the_commune_and_asks_for_a_rating(client):
    before = len(_events(client, "orientation"))
    msgs, events = run(orientation.ActionOrient(), make_tracker(slots={**FULL, "partenaire": "site-a"}, loop=None))
    rows = _events(client, "orientation")
    assert len(rows) == before + 1
    row = rows[-1]
    assert row.partenaire == "site-a" and row.complet is True
    assert "commune" not in row.profil and row.profil["epci"] and row.profil["departement"] == "31"
    assert row.dispositifs == slots_of(events)["recommandations"]
    assert any(m.get("response") == "utter_ask_rating" for m in msgs)
    # a second orientation (after a correction) is neither recorded nor rated again
    msgs, _ = run(orientation.ActionOrient(), make_tracker(slots={**FULL, "oriente": True}, loop=None))
    assert len(_events(client, "orientation")) == before + 1
    assert not any(m.get("response") == "utter_ask_rating" for m in msgs)


def _rate(value, slots=None):
    entities = [{"entity": "avis", "value": value}]
    return run(feedback.ActionRecordFeedback(), make_tracker(
        slots={"recommandations": ["dla", "cress-occitanie"], **FULL, **(slots or {})}, intent="feedback",
        text=f'/feedback{{"avis": "{value}"}}', entities=entities, loop=None))


def test_a_yes_is_stored_with_the_schemes_shown(client):
    msgs, events = _rate("oui")
    row = _events(client, "avis")[-1]
    assert row.utile is True and row.dispositifs == ["dla", "cress-occitanie"] and row.commentaire is None
    assert msgs[0]["response"] == "utter_feedback_thanks" and slots_of(events) == {"avis_donne": True}
    # once per conversation: a second click only thanks
    count = len(_events(client, "avis"))
    msgs, events = _rate("non", {"avis_donne": True})
    assert len(_events(client, "avis")) == count and events == []


def test_a_no_asks_for_a_comment_and_the_next_message_is_kept_masked(client):
    msgs, events = _rate("non")
    assert msgs[0]["response"] == "utter_rating_ask_comment"
    pending = slots_of(events)["avis_en_attente"]
    text = "il manquait une aide pour un local, écrivez-moi à jean.dupont@example.org ou au 06 12 34 56 78"
    _msgs, events = run(read.ActionReadMessage(), make_tracker(
        slots={**FULL, "avis_en_attente": pending}, text=text, intent="feedback", loop=None))
    assert slots_of(events)["avis_en_attente"] is None
    row = _events(client, "avis")[-1]
    assert row.utile is False and row.commentaire.startswith("il manquait une aide pour un local")
    assert "example.org" not in row.commentaire and "56 78" not in row.commentaire and "[masqué]" in row.commentaire


def test_a_question_after_a_no_is_not_taken_for_a_comment(client):
    _msgs, events = _rate("non")
    pending = slots_of(events)["avis_en_attente"]
    _msgs, events = run(read.ActionReadMessage(), make_tracker(
        slots={**FULL, "avis_en_attente": pending}, text="c'est quoi le DLA ?", intent="ask_definition", loop=None))
    assert slots_of(events)["avis_en_attente"] is None
    assert _events(client, "avis")[-1].commentaire is None


def test_a_session_start_counts_a_conversation_and_nothing_else(client):
    before = len(_events(client, "conversation"))
    tracker = make_tracker(slots={"session_started_metadata": {"partenaire": "site-b"}}, loop=None)
    run(session.ActionSessionStart(), tracker)
    rows = _events(client, "conversation")
    assert len(rows) == before + 1 and rows[-1].partenaire == "site-b" and rows[-1].profil == {}


def test_recording_never_breaks_the_conversation():
    def broken():
        raise RuntimeError("database down")
    assert stats.record(broken, "avis", utile=True) is None
    assert stats.add_comment(broken, 1, "un commentaire") is False
