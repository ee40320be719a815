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


def orient_and_rate(chat) -> None:
    """A person is oriented, then answers « Non » to « Cette réponse vous a-t-elle aidé ? » and comments."""
    messages = chat.say("nous sommes une association à Muret, en consolidation, on cherche un accompagnement")
    for _ in range(4):
        if any("aidé" in (m.get("text") or "") for m in messages):
            break
        offers = any(b.get("payload") == "/request_orientation" for m in messages for b in m.get("buttons") or [])
        messages = chat.say("oui, 5 salariés" if chat.slots().get("requested_slot") or not offers
                            else "/request_orientation")
    rating = [m for m in messages if "aidé" in (m.get("text") or "")]
    assert rating and [b["payload"] for b in rating[0]["buttons"]] == ['/feedback{"avis": "oui"}',
                                                                        '/feedback{"avis": "non"}']
    reply = chat.say('/feedback{"avis": "non"}')
    assert "ce qui vous a manqué" in reply[0]["text"]
    chat.say("il me manquait un contact près de chez moi, joignable au 06 98 76 54 32")


def test_an_agent_finds_reads_claims_and_closes_a_request(stack, chat, browser, new_chat):
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
        tablet(page, "console-demandes-tablette.png")
        page.get_by_role("link", name=f"n° {number}", exact=True).click()
        transcript = page.locator("ol.transcription")
        text = transcript.inner_text()
        assert "association à Muret" in text and "Assistant" in text
        assert "camille.durand@exemple.org" not in text and "Durand" not in text and "[masqué]" in text
        assert "camille.durand@exemple.org" in page.locator("section", has_text="Qui rappeler").inner_text()
        page.get_by_role("button", name="Prendre en charge").click()
        assert "Pris en charge par agent.e2e@exemple.fr" in page.inner_text("main")
        page.get_by_label("Commentaire interne").fill("Messagerie : rappeler jeudi matin")
        page.get_by_role("button", name="Ajouter le commentaire").click()
        assert "commentaire : « Messagerie : rappeler jeudi matin »" in page.inner_text("ol.historique")
        tablet(page, "console-demande-tablette.png")
        page.get_by_label("Motif").select_option("oriente")
        page.get_by_label("Précision").fill("France Active Occitanie")
        page.get_by_role("button", name="Clôturer", exact=True).click()
        assert "Clôturée" in page.inner_text("h1")
        assert "clôturée (Orienté vers une structure) : « France Active Occitanie »" in page.inner_text("ol.historique")
        page.screenshot(path=str(ARTIFACTS / "console-demande.png"), full_page=True)
        page.goto(f"{base}/accueil/?onglet=cloturees")
        assert page.locator("table.demandes tbody tr", has_text=f"n° {number}").count() == 1
        with page.expect_download() as download:
            page.get_by_role("link", name="Exporter ces demandes").click()
        exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert exported.startswith("numero;cree_le;statut") and f"\n{number};" in exported
        assert "camille.durand@exemple.org" not in exported  # an « accueil » agent exports no coordinates
        api = page.request.get(f"{base}/accueil/api/demandes?statut=cloturee").json()
        assert number in [d["id"] for d in api["demandes"]]
        orient_and_rate(new_chat())
        page.get_by_role("link", name="Statistiques").click()
        assert page.locator("svg.graphique").count() >= 8
        funnel = page.locator("section", has_text="Du premier message").inner_text()
        assert "Clôturé avec une orientation" in funnel
        assert "des avis sont positifs" in page.inner_text("main")
        assert "il me manquait un contact" in page.inner_text("main") and "54 32" not in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "console-statistiques.png"), full_page=True)
        tablet(page, "console-statistiques-tablette.png")
        orient_by_phone(page, base)
    finally:
        context.close()


def tablet(page, name: str) -> None:
    """A screenshot of the page in a tablet-sized window, then back to the desktop size."""
    page.set_viewport_size({"width": 820, "height": 1180})
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 820, f"{name}: wider than the tablet"
    page.set_viewport_size({"width": 1280, "height": 900})


def orient_by_phone(page, base: str) -> None:
    """An agent orients a caller from Muret by phone with the form, then saves it as a request."""
    page.get_by_role("link", name="Orienter par téléphone").click()
    page.get_by_label("Statut").select_option("association")
    page.get_by_label("Salariés").select_option("oui")
    page.get_by_label("Stade").select_option("consolidation")
    page.get_by_label("Commune, code postal ou département").fill("Muret")
    page.get_by_label("Accompagnement").check()
    page.get_by_role("button", name="Voir les dispositifs").click()
    results = page.locator("section", has_text="Dispositifs pour ce profil")
    assert "Muret" in results.inner_text() and "DLA" in results.locator("ol.dispositifs").inner_text()
    assert page.locator("details.exclus li").count() > 0
    page.screenshot(path=str(ARTIFACTS / "console-telephone.png"), full_page=True)
    tablet(page, "console-telephone-tablette.png")
    page.get_by_label("Nom de la personne").fill("Dominique Appelant")
    page.get_by_label("E-mail ou téléphone").fill("06 10 20 30 40")
    page.get_by_label("La personne accepte").check()
    page.get_by_role("button", name="Enregistrer la demande").click()
    page.wait_for_url(f"{base}/accueil/demandes/*")
    assert "Pris en charge par agent.e2e@exemple.fr" in page.inner_text("main")
    assert "06 10 20 30 40" in page.locator("section", has_text="Qui rappeler").inner_text()
