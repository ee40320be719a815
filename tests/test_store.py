"""Storage of the knowledge base: load (idempotent, counted), search (CLI, text and JSON),
DATABASE_URL, and the same on PostgreSQL when ``TEST_POSTGRES_URL`` is set.

Start a throwaway PostgreSQL server with ``scripts/postgres_test_server.sh``:

    export TEST_POSTGRES_URL="$(bash scripts/postgres_test_server.sh start)"
    .venv/bin/python -m pytest tests/test_store.py
    bash scripts/postgres_test_server.sh stop
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, select, text

from knowledge import db, store
from knowledge.catalogue import load_catalogue
from knowledge.engine import orient
from knowledge.territory_load import read_etalab

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")

CONTRACT_SLOTS = {"statut", "employeur", "stade", "commune", "departement", "besoins"}
OPTIONAL_SLOTS = {"innovation_sociale", "publics"}
SOURCE_REF = re.compile(r"^00[0-4]_[0-9a-f]{16}\.txt:\d+(-\d+)?$")
COUNTS_LINE = re.compile(r"\((\d+) dispositifs, (\d+) regions, (\d+) departements, (\d+) epci, (\d+) communes\)")


def run_cli(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "knowledge", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env=full_env)


@pytest.fixture(scope="module")
def expected_counts() -> dict[str, int]:
    """What a full load must hold, derived from the inputs (never hard-coded)."""
    rows = read_etalab()
    return {
        "dispositifs": len(load_catalogue()[0]),
        "regions": len(rows["regions"]),
        "departements": len(rows["departements"]),
        "epci": len(rows["epci"]),
        "communes": sum(1 for c in rows["communes"] if c["type"] == "commune-actuelle"),
    }


def test_expected_counts_are_plausible(expected_counts):
    assert expected_counts["dispositifs"] == len(list((ROOT / "knowledge" / "catalogue").glob("*.yml")))
    assert expected_counts["regions"] >= 18 and expected_counts["departements"] >= 101
    assert expected_counts["epci"] > 1000 and expected_counts["communes"] > 30000


# --------------------------------------------------------------------------- load


def _meta(url: str) -> dict[str, str]:
    with store.session_for(url) as session:
        return {m.key: m.value for m in session.scalars(select(db.Meta))}


def test_load_is_idempotent_and_counts_are_right(tmp_path, expected_counts, monkeypatch):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    first = store.load_all(url)
    assert first.changed is True
    assert first.counts == expected_counts
    loaded_at = _meta(url)["loaded_at"]

    # The second call skips the work: it must not even touch the territories.
    def no_reload(*_args, **_kwargs):  # pragma: no cover - only runs on a regression
        raise AssertionError("an unchanged load must not reload the territories")

    monkeypatch.setattr(store, "load_territories", no_reload)
    second = store.load_all(url)
    assert second.changed is False
    assert second.counts == expected_counts
    assert _meta(url)["loaded_at"] == loaded_at
    monkeypatch.undo()

    forced = store.load_all(url, force=True)
    assert forced.changed is True and forced.counts == expected_counts

    # what is stored is exactly the validated catalogue
    catalogue = load_catalogue()[0]
    from_db = store.load_catalogue_from_db(url)
    assert list(from_db.schemes) == list(catalogue.schemes)  # same order (file name)
    assert from_db.schemes == catalogue.schemes
    assert from_db.files == catalogue.files


def test_territories_from_the_database_match_the_etalab_data(loaded_db, territories):
    from_db = store.load_territories_from_db(loaded_db)
    for query in ("Muret", "Toulouze", "31600", "Ramonville", "Hérault", "2A", "974", "Saint-Gaudens"):
        a, b = from_db.lookup(query), territories.lookup(query)
        assert (a.status, a.kind) == (b.status, b.kind), query
        assert (a.commune and a.commune.code) == (b.commune and b.commune.code), query
        assert (a.departement and a.departement.code) == (b.departement and b.departement.code), query
    muret = from_db.commune("31395")
    assert muret.epci == "200068641" and muret.departement == "31" and muret.region == "76"
    assert "31069" in from_db.epci("243100518").membres  # Blagnac in Toulouse Métropole


def test_cli_load_prints_counts_and_is_idempotent(tmp_path, expected_counts):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    first = run_cli("--database-url", url, "load")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("knowledge: loaded ("), first.stdout
    second = run_cli("--database-url", url, "load")
    assert second.returncode == 0, second.stderr
    assert "already up to date" in second.stdout
    for result in (first, second):
        counts = [int(x) for x in COUNTS_LINE.search(result.stdout).groups()]
        assert counts == [expected_counts[k] for k in ("dispositifs", "regions", "departements", "epci",
                                                        "communes")]


def test_database_url_environment_variable(tmp_path, monkeypatch):
    path = tmp_path / "from-env.db"
    result = run_cli("load", env={"DATABASE_URL": f"sqlite:///{path}"})
    assert result.returncode == 0, result.stderr
    assert path.is_file() and path.stat().st_size > 0
    monkeypatch.setenv("DATABASE_URL", "sqlite:////somewhere/else.db")
    assert db.database_url() == "sqlite:////somewhere/else.db"
    monkeypatch.delenv("DATABASE_URL")
    assert db.database_url() == f"sqlite:///{ROOT / 'var' / 'ess.db'}"


# --------------------------------------------------------------------------- search


def test_search_with_lieu_names_recommendations(loaded_db):
    result = run_cli("--database-url", loaded_db, "search", "--statut", "association", "--employeur", "oui",
                     "--stade", "consolidation", "--lieu", "Muret", "--besoins", "accompagnement")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Lieu   : Muret / CA Le Muretain Agglo / Haute-Garonne / Occitanie" in out
    assert '"commune": "31395"' in out
    assert re.search(r"^1\. Dispositif Local d'Accompagnement \(DLA\) \(dla\)", out, re.M), out
    assert "(activ-asso)" in out or "activ-asso" in out.split("Autres pistes :")[-1]
    assert "[guichet]" in out and "(offre-ingenierie-porteurs-cd31)" in out
    assert "Sources : " in out and "Pourquoi : " in out
    assert "(parcours-adress)" not in out  # Muret is outside Toulouse Métropole


def test_search_with_a_misspelt_lieu_and_a_postal_code(loaded_db):
    typo = run_cli("--database-url", loaded_db, "search", "--statut", "sans_structure", "--stade", "idee",
                   "--lieu", "Toulouze", "--besoins", "accompagnement")
    assert typo.returncode == 0, typo.stderr
    assert "Lieu   : Toulouse / Toulouse Métropole" in typo.stdout
    assert "(parcours-adress)" in typo.stdout
    postal = run_cli("--database-url", loaded_db, "search", "--statut", "sans_structure", "--lieu", "31600",
                     "--besoins", "accompagnement", "--explain")
    assert postal.returncode == 0, postal.stderr
    assert "! lieu « 31600 » : ambiguous" in postal.stdout and "Muret (31)" in postal.stdout
    assert '"departement": "31"' in postal.stdout and '"commune"' not in postal.stdout.split("\n")[1]
    assert "Exclus :" in postal.stdout
    assert "- dla : il est réservé aux structures qui ont au moins un salarié" in postal.stdout


def test_search_outside_haute_garonne(loaded_db):
    result = run_cli("--database-url", loaded_db, "search", "--statut", "association", "--lieu", "Hérault",
                     "--besoins", "accompagnement", "--stade", "creation")
    assert result.returncode == 0, result.stderr
    assert "Lieu   : Hérault / Occitanie" in result.stdout
    assert "(cress-occitanie)" in result.stdout
    assert "cd31" not in result.stdout


def _search_json(url: str, *args: str) -> dict:
    result = run_cli("--database-url", url, "search", "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_search_json_matches_the_contract(loaded_db, catalogue, territories):
    payload = _search_json(loaded_db, "--statut", "association", "--employeur", "oui", "--stade",
                           "consolidation", "--lieu", "Muret", "--besoins", "accompagnement")
    assert {"profil", "dispositifs"} <= set(payload)
    profil = payload["profil"]
    assert set(profil) <= CONTRACT_SLOTS | OPTIONAL_SLOTS
    assert profil == {"statut": "association", "employeur": True, "stade": "consolidation",
                      "commune": "31395", "departement": "31", "besoins": ["accompagnement"]}
    dispositifs = payload["dispositifs"]
    assert dispositifs and dispositifs[0]["id"] == "dla"
    for item in dispositifs:
        assert isinstance(item["id"], str) and catalogue.get(item["id"]) is not None
        assert item["nom"] == catalogue.get(item["id"])["nom"]
        assert isinstance(item["pourquoi"], str) and item["pourquoi"]
        assert isinstance(item["contacts"], list)
        for contact in item["contacts"]:
            assert isinstance(contact["nom"], str)
            assert any(isinstance(contact.get(k), str) for k in ("site", "email", "telephone", "adresse"))
        assert item["sources"] and all(SOURCE_REF.match(s) for s in item["sources"])
    # best first: specific schemes by score, then the desks
    flags = [d["guichet"] for d in dispositifs]
    assert flags == sorted(flags)
    # same answer as the engine called directly
    direct = orient(profil, catalogue, territories)
    assert [d["id"] for d in dispositifs] == [r.id for r in direct.shown]


def test_search_json_profile_and_empty_database(loaded_db, tmp_path):
    payload = _search_json(loaded_db, "--json", json.dumps({"statut": "collectivite", "commune": "31396",
                                                            "besoins": ["financement"]}))
    ids = [d["id"] for d in payload["dispositifs"]]
    desks = [d["id"] for d in payload["dispositifs"] if d["guichet"]]
    assert "fonds-aides-communes-epci-cd31" in ids and desks[0] == "plateforme-appui-territoires-cd31"
    garbage = _search_json(loaded_db, "--json", json.dumps({"statut": 12, "besoins": "argent", "commune": []}))
    assert garbage["dispositifs"] and garbage["dispositifs"][-1]["guichet"]
    bad = run_cli("--database-url", loaded_db, "search", "--json", "[1, 2]")
    assert bad.returncode != 0 and "JSON object" in bad.stderr
    empty = run_cli("--database-url", f"sqlite:///{tmp_path / 'empty.db'}", "search", "--lieu", "Muret")
    assert empty.returncode == 1 and "empty" in empty.stderr


def test_handoff_request_roundtrip_on_sqlite(loaded_db):
    _handoff_roundtrip(loaded_db)


def _handoff_roundtrip(url: str) -> None:
    conversation = f"test-{uuid.uuid4().hex}"
    with store.requests_session(url) as session, session.begin():
        session.add(db.HandoffRequest(conversation_id=conversation, nom="Camille Test", email="camille@example.org",
                                      consentement=True, consentement_texte="J'accepte d'être recontactée.",
                                      profil={"statut": "association", "besoins": ["financement"]},
                                      recommandations=["dla", "france-active-occitanie"], motif="demande"))
        session.add(db.HandoffRequest(conversation_id=conversation, consentement=False, profil={},
                                      recommandations=[], motif="aucun_resultat",
                                      cree_le=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=400)))
    with store.requests_session(url) as session:
        rows = session.scalars(select(db.HandoffRequest).where(db.HandoffRequest.conversation_id == conversation)
                               .order_by(db.HandoffRequest.id)).all()
        assert len(rows) == 2
        assert rows[0].profil == {"statut": "association", "besoins": ["financement"]}
        assert rows[0].recommandations == ["dla", "france-active-occitanie"]
        assert rows[0].statut == "nouvelle" and rows[0].cree_le is not None and rows[0].consentement is True
    deleted = store.purge_requests(url, 365)
    assert deleted >= 1
    with store.requests_session(url) as session, session.begin():
        left = session.scalars(select(db.HandoffRequest).where(db.HandoffRequest.conversation_id == conversation)).all()
        assert [r.motif for r in left] == ["demande"]
        session.execute(delete(db.HandoffRequest).where(db.HandoffRequest.conversation_id == conversation))


# --------------------------------------------------------------------------- PostgreSQL


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_POSTGRES_URL not set (see scripts/postgres_test_server.sh)")
def test_postgresql_load_search_and_handoff(expected_counts, catalogue):
    url = POSTGRES_URL
    engine = create_engine(url, future=True)
    with engine.connect() as conn:
        assert conn.dialect.name == "postgresql"
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
    engine.dispose()

    first = store.load_all(url, force=True)
    assert first.changed is True and first.counts == expected_counts
    again = store.load_all(url)
    assert again.changed is False and again.counts == expected_counts

    from_db = store.load_catalogue_from_db(url)
    assert from_db.schemes == catalogue.schemes  # JSON survives the round trip through PostgreSQL
    territories = store.load_territories_from_db(url)
    found = territories.lookup("Muret")
    assert found.status == "found" and found.commune.code == "31395"
    result = orient({"statut": "association", "employeur": True, "stade": "consolidation", "commune": "31395",
                     "besoins": ["accompagnement"]}, from_db, territories)
    assert result.ids[0] == "dla"
    assert [r.id for r in result.guichets][0] == "offre-ingenierie-porteurs-cd31"

    cli = run_cli("--database-url", url, "search", "--format", "json", "--statut", "sans_structure",
                  "--stade", "idee", "--lieu", "Blagnac", "--besoins", "accompagnement")
    assert cli.returncode == 0, cli.stderr
    payload = json.loads(cli.stdout)
    assert payload["profil"]["commune"] == "31069"
    assert "parcours-adress" in [d["id"] for d in payload["dispositifs"]]
    loaded = run_cli("--database-url", url, "load")
    assert loaded.returncode == 0 and "already up to date" in loaded.stdout, loaded.stdout + loaded.stderr

    _handoff_roundtrip(url)
