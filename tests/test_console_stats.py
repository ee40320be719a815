"""The statistics page: figures computed from anonymous events and requests, charts drawn as SVG."""
from __future__ import annotations

import datetime as _dt
import re

import requests

from bot.console import charts, stats
from bot.console.models import RequestEvent
from knowledge import events
from knowledge.db import Commune, Departement, Epci, Region
from tests.test_console import PASSWORD, add_request, add_user_cli, db, sign_in, web  # noqa: F401 (fixtures)

NOW = _dt.datetime.utcnow().replace(microsecond=0)  # events are stamped with the real time


def _seed(factory):
    with factory() as s, s.begin():
        s.add(Region(code="76", nom="Occitanie"))
        s.flush()
        s.add(Departement(code="31", nom="Haute-Garonne", region="76"))
        s.flush()
        s.add(Epci(code="243100518", nom="Toulouse Métropole", type="METRO"))
        s.add(Commune(code="31555", type="COM", nom="Toulouse", departement="31", region="76", epci="243100518"))
    for _ in range(3):
        events.record(factory, "conversation", partenaire="site-a")
    events.record(factory, "orientation", profil={"statut": "association", "departement": "31"}, complet=True,
                  dispositifs=["dla", "cress-occitanie"])
    events.record(factory, "orientation", profil={}, complet=False, dispositifs=["dla"])
    events.record(factory, "avis", utile=True, dispositifs=["dla"])
    rating = events.record(factory, "avis", utile=False, dispositifs=["dla", "cress-occitanie"])
    events.add_comment(factory, rating, "rien pour moi, appelez le 06 11 22 33 44")
    first = add_request(factory, cree_le=NOW - _dt.timedelta(hours=30), partenaire="site-a",
                        profil={"commune": "31555", "departement": "31", "stade": "creation",
                                "besoins": ["financement", "accompagnement"]})
    add_request(factory, cree_le=NOW - _dt.timedelta(hours=5), profil={"departement": "31", "besoins": ["financement"]})
    with factory() as s, s.begin():
        s.add(RequestEvent(demande_id=first, le=NOW - _dt.timedelta(hours=26), email="a@x.fr", type="prise"))
        s.add(RequestEvent(demande_id=first, le=NOW - _dt.timedelta(hours=20), email="a@x.fr", type="cloture",
                           motif="oriente"))


def test_figures_of_the_funnel_territories_schemes_delays_and_ratings(db):
    _url, factory = db
    _seed(factory)
    with factory() as s:
        f = stats.compute(s, weeks=4, now=NOW + _dt.timedelta(minutes=1))
    assert dict(f.funnel) == {"Conversations commencées": 3, "Profil complet": 1, "Orientation donnée": 2,
                              "Rappel demandé": 2, "Clôturé avec une orientation": 1}
    assert len(f.weeks) == 4 and sum(n for _, n in f.weeks) == 3
    assert f.top_schemes[0] == {"id": "dla", "nom": "dla", "montres": 2, "utile": 1, "pas_utile": 1}
    assert f.ratings == {"oui": 1, "non": 1, "part": 50}
    assert f.comments[0]["texte"] == "rien pour moi, appelez le [masqué]"
    assert ("Toulouse Métropole", 1) in f.by_epci and ("Haute-Garonne (31)", 2) in f.by_departement
    assert dict(f.by_besoin)["Financement"] == 2 and ("site-a", 1) in f.by_partenaire
    assert f.first_handling_hours == {"mediane": 4.0, "p90": 4.0, "nombre": 1}


def test_the_period_in_the_url_is_bounded():
    assert stats.weeks_param(None) == 12 and stats.weeks_param("abc") == 12
    assert stats.weeks_param("0") == 1 and stats.weeks_param("9999") == 104


def test_charts_are_accessible_svg_with_escaped_labels():
    svg = str(charts.bars("g", "Par partenaire", [("<script>x</script>", 3), ("site-b", 1)]))
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title id=\"g-t\">Par partenaire</title>" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)]
    assert abs(widths[0] - 3 * widths[1]) < 0.5
    assert "Pas encore de données" in str(charts.columns("w", "Semaines", []))


def test_the_statistics_page_needs_a_session_and_shows_the_charts(web):
    server, url, factory = web
    _seed(factory)
    assert requests.get(server.url + "/accueil/statistiques", allow_redirects=False).status_code in (302, 303)
    assert add_user_cli(url, "agent@exemple.fr", PASSWORD).returncode == 0
    browser, _ = sign_in(server.url, "agent@exemple.fr", PASSWORD)
    page = browser.get(server.url + "/accueil/statistiques?semaines=8")
    assert page.status_code == 200 and page.text.count("<svg") >= 8
    assert "Conversations commencées" in page.text and "50 % des avis sont positifs" in page.text
    assert "06 11" not in page.text and 'value="8"' in page.text
    assert "script-src 'none'" in page.headers["Content-Security-Policy"]
