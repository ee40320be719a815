"""The staff console in a real browser, on the whole running stack.

A person leaves a call-back request in the assistant (REST channel, real Rasa and action
servers); an agent invited with ``add-user`` signs in with Chromium, finds it in « À traiter »,
reads the conversation with the personal data masked, claims it and closes it with a reason.
Screenshots go to test-artifacts/ to be looked at.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "mot-de-passe-de-l-accueil"


def leave_a_request(chat) -> int:
    chat.say("Bonjour, nous sommes une association à Muret, en création, on cherche un financement")
    for answer in ["non, pas de salariés", "financement"]:
        if chat.slots().get("requested_slot"):
            chat.say(answer)
    chat.say("je veux être rappelé")
    chat.say("oui")
    chat.say("Camille Durand")
    chat.say("camille.durand@exemple.org")
    chat.say("Je voudrais savoir quel financement demander en premier")
    number = chat.slots()["demande_enregistree"]
    assert number, "the request was not recorded"
    return int(number)


def test_an_agent_finds_reads_claims_and_closes_a_request(stack, chat, browser):
    number = leave_a_request(chat)
    done = subprocess.run([sys.executable, "-m", "bot.console", "add-user", "agent.e2e@exemple.fr",
                           "--database-url", stack.settings.database_url], input=PASSWORD + "\n",
                          text=True, capture_output=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0 or "existe déjà" in done.stderr, done.stderr
    base = f"http://127.0.0.1:{stack.settings.web_port}"
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{base}/accueil/")
        assert page.url.endswith("/accueil/connexion")
        page.get_by_label("Adresse e-mail").fill("agent.e2e@exemple.fr")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{base}/accueil/")
        row = page.locator("table.demandes tbody tr", has_text=f"n° {number}")
        assert row.count() == 1 and "Association" in row.inner_text()
        page.screenshot(path=str(ARTIFACTS / "console-demandes.png"), full_page=True)
        page.get_by_role("link", name=f"n° {number}", exact=True).click()
        transcript = page.locator("ol.transcription")
        text = transcript.inner_text()
        assert "association à Muret" in text and "Assistant" in text
        assert "camille.durand@exemple.org" not in text and "Durand" not in text and "[masqué]" in text
        assert "camille.durand@exemple.org" in page.locator("section", has_text="Qui rappeler").inner_text()
        page.get_by_role("button", name="Prendre en charge").click()
        assert "Pris en charge par agent.e2e@exemple.fr" in page.inner_text("main")
        page.get_by_label("Motif").select_option("oriente")
        page.get_by_label("Précision").fill("France Active Occitanie")
        page.get_by_role("button", name="Clôturer", exact=True).click()
        assert "Clôturée" in page.inner_text("h1")
        assert "clôturée (Orienté vers une structure) : « France Active Occitanie »" in page.inner_text("ol.historique")
        page.screenshot(path=str(ARTIFACTS / "console-demande.png"), full_page=True)
        page.goto(f"{base}/accueil/?onglet=cloturees")
        assert page.locator("table.demandes tbody tr", has_text=f"n° {number}").count() == 1
        api = page.request.get(f"{base}/accueil/api/demandes?statut=cloturee").json()
        assert number in [d["id"] for d in api["demandes"]]
    finally:
        context.close()
