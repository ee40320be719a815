"""The chat widget in a real browser: Debian's Chromium driven by Playwright, real servers (``stack``).

The demonstration page (GET / of bot/) carries the widget; partner pages are static sites on other
localhost ports (``partner_sites`` in conftest.py): ``allowed`` is declared in the stack's
PARTNERS_FILE with a commune, ``refused`` is not.
"""
from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.partners import contrast_ratio
from conftest import Chat

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
LAUNCHER = "Une question sur votre projet ESS ?"
EVIL = "<img src=x onerror=alert(1)>"
TIMEOUT = 30_000


# Helpers ----------------------------------------------------------------------------------------------

class Widget:
    """The widget of one page, seen as a user sees it (roles and labels), plus its state attribute."""

    def __init__(self, page, partner: str = "haute-garonne"):
        self.page = page
        self.partner = partner
        self.host = page.locator("#ess-assistant")
        self.launcher = page.get_by_role("button", name=LAUNCHER)
        self.input = page.get_by_label("Votre message")
        self.bots = page.locator(".ess-bot")
        self.users = page.locator(".ess-user")
        self.notice = page.locator(".ess-notice")

    def state(self) -> str:
        return self.host.get_attribute("data-etat")

    def wait_state(self, state: str, timeout: float = TIMEOUT) -> None:
        self.page.wait_for_function(
            "s => document.querySelector('#ess-assistant')?.getAttribute('data-etat') === s", arg=state,
            timeout=timeout)

    def open(self) -> None:
        self.launcher.click()
        self.input.wait_for(state="visible")
        self.wait_state("connecte")

    def wait_bot(self, contains: str, timeout: float = TIMEOUT):
        """The last bot message containing ``contains``, once it is there and the bot stopped typing."""
        found = self.bots.filter(has_text=contains).last
        found.wait_for(timeout=timeout)
        self.page.locator(".ess-typing").wait_for(state="hidden", timeout=timeout)
        return found

    def wait_new_bot(self, before: int) -> None:
        self.page.wait_for_function(
            "n => document.querySelector('#ess-assistant').shadowRoot.querySelectorAll('.ess-bot').length > n",
            arg=before, timeout=TIMEOUT)
        self.page.locator(".ess-typing").wait_for(state="hidden", timeout=TIMEOUT)

    def say(self, text: str, expect: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_bot(expect)

    def session_id(self) -> str:
        raw = self.page.evaluate("k => sessionStorage.getItem(k)", f"ess-assistant:{self.partner}:session")
        return json.loads(raw)

    def active(self) -> dict:
        """What has the keyboard focus, inside the widget's shadow root if it is there."""
        return self.page.evaluate("""() => {
            let el = document.activeElement;
            while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
            const style = el ? getComputedStyle(el) : null;
            return el ? {tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim(),
                         label: el.getAttribute('aria-label') || '', cls: el.className || '',
                         outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth)} : {};
        }""")


@pytest.fixture
def new_page(browser):
    """Pages in fresh browser contexts (empty sessionStorage), with console errors and dialogs recorded."""
    contexts = []

    def make(width: int = 1280, height: int = 800, **options):
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR", **options)
        contexts.append(ctx)
        page = ctx.new_page()
        page.errors, page.dialogs = [], []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.set_default_timeout(TIMEOUT)
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def partner_page(site, stack, name: str, partner: str = "test-partenaire", extra: str = "") -> str:
    return site.page(name, f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Site partenaire</title><link rel="icon" href="data:,"></head><body><h1>Site partenaire de test</h1>
<p><a href="#">Un lien du site</a></p>
<script src="{stack.settings.web_url}widget.js" data-partenaire="{partner}" {extra} defer></script>
</body></html>""")


def slots_of(stack, session_id: str, **expected) -> dict:
    """The tracker's slots, once they have the expected values (the tracker is saved after the replies)."""
    deadline = time.monotonic() + 15
    while True:
        slots = Chat(stack.settings, sender=session_id).slots()
        if all(slots.get(k) == v for k, v in expected.items()) or time.monotonic() > deadline:
            return slots
        time.sleep(0.2)


def requested_slots(stack, session_id: str) -> list:
    events = Chat(stack.settings, sender=session_id).tracker()["events"]
    return [e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == "requested_slot"]


def css_hex(rgb: str) -> str:
    """``rgb(r, g, b)`` or ``rgba(...)`` as computed by the browser, as ``#rrggbb``."""
    parts = [round(float(x)) for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    return "#" + "".join(f"{c:02x}" for c in parts)


def contrast(fg: str, bg: str) -> float:
    return contrast_ratio(css_hex(fg), css_hex(bg))


def demo_widget(stack, new_page, **page_options):
    """The department's demonstration page with the widget open and connected."""
    page = new_page(**page_options)
    page.goto(stack.settings.web_url)
    w = Widget(page)
    w.open()
    return page, w


# The demonstration page -------------------------------------------------------------------------------

def test_demo_page_is_the_departments_site_with_the_widget(stack, new_page):
    page = new_page()
    page.goto(stack.settings.web_url)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Haute-Garonne – Le Département" in page.locator("header").inner_text().replace("\n", " ")
    assert "économie sociale et solidaire" in page.locator("main").inner_text().lower()
    w = Widget(page)
    w.launcher.wait_for()
    assert w.launcher.get_attribute("aria-expanded") == "false"
    assert w.state() == "inactif"  # no connection before the user opens the widget
    w.open()
    assert w.launcher.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("dialog", name="Assistant ESS").is_visible()
    greeting = w.bots.first.inner_text()
    assert "Haute-Garonne" in greeting and "économie sociale et solidaire" in greeting  # partner greeting
    assert page.errors == []  # no CSP violation, no script error


def test_conversation_buttons_typing_and_reload(stack, new_page):
    page, w = demo_widget(stack, new_page)
    # The typing indicator shows as soon as a message is sent (checked in the same script turn).
    w.input.fill("Bonjour")
    typing = page.evaluate("""() => {
        const root = document.querySelector('#ess-assistant').shadowRoot;
        root.querySelector('form').requestSubmit();
        const t = root.querySelector('.ess-typing');
        return !t.hidden && getComputedStyle(t).display !== 'none' && t.textContent;
    }""")
    assert typing == "L'assistant écrit…"
    w.wait_bot("Quel est le statut")
    assert "économie sociale et solidaire" in w.bots.filter(has_text="Je suis l'assistant").last.inner_text()
    session = w.session_id()
    assert slots_of(stack, session, requested_slot="statut")["requested_slot"] == "statut"

    page.get_by_role("button", name="Association", exact=True).click()
    w.users.filter(has_text="Association").wait_for()
    w.wait_bot("Où en est votre projet")
    assert slots_of(stack, session, statut="association")["statut"] == "association"
    # Only the last bot message keeps its buttons.
    assert page.get_by_role("button", name="Association", exact=True).count() == 0
    transcript = [m.inner_text() for m in page.locator(".ess-msg").all()]

    page.reload()
    w = Widget(page)
    w.wait_state("connecte")  # it was open: it opens again and reconnects to the same conversation
    assert w.launcher.get_attribute("aria-expanded") == "true"
    assert [m.inner_text() for m in page.locator(".ess-msg").all()] == transcript
    assert w.session_id() == session
    page.get_by_role("button", name="Création ou test").click()
    w.wait_bot("Dans quelle commune")  # the department's site pre-fills "31" only: the commune is asked
    slots = slots_of(stack, session, stade="creation")
    assert slots["statut"] == "association" and slots["stade"] == "creation"
    assert page.errors == []


def test_html_from_the_user_is_shown_as_text(stack, new_page):
    page, w = demo_widget(stack, new_page)
    w.input.fill(EVIL)
    before = w.bots.count()
    w.input.press("Enter")
    w.users.filter(has_text="onerror").wait_for()
    assert w.users.last.locator(".ess-text").inner_text() == EVIL
    w.wait_new_bot(before)  # whatever the answer, it has arrived
    assert page.locator("#ess-assistant img").count() == 0
    assert page.evaluate("document.querySelector('#ess-assistant').shadowRoot.querySelectorAll('img').length") == 0
    assert page.dialogs == []
    # After a reload, the transcript is rendered as text again.
    page.reload()
    Widget(page).wait_state("connecte")
    assert page.locator(".ess-user .ess-text").first.inner_text() == EVIL
    assert page.evaluate("document.querySelector('#ess-assistant').shadowRoot.querySelectorAll('img').length") == 0
    assert page.dialogs == []


def test_over_long_input_is_refused_in_the_widget(stack, new_page):
    page, w = demo_widget(stack, new_page)
    text = "Nous sommes une association. " * 40  # 1160 characters
    w.input.fill(text)
    w.input.press("Enter")
    error = page.get_by_role("alert").filter(has_text="trop long")
    error.wait_for()
    assert f"({len(text.strip())} caractères)" in error.inner_text() and "1000" in error.inner_text()
    assert w.input.get_attribute("aria-invalid") == "true"
    assert w.input.input_value() == text  # nothing lost
    assert w.users.count() == 0  # nothing sent
    w.input.fill("Bonjour")
    w.input.press("Enter")
    w.wait_bot("Quel est le statut")
    assert error.count() == 0 and w.input.get_attribute("aria-invalid") is None


def test_whole_exchange_with_the_keyboard_only(stack, new_page):
    page = new_page()
    page.goto(stack.settings.web_url)
    w = Widget(page)
    w.launcher.wait_for()
    for _ in range(30):  # Tab through the page until the launcher has the focus
        page.keyboard.press("Tab")
        if w.active().get("text") == LAUNCHER:
            break
    focus = w.active()
    assert focus["text"] == LAUNCHER and focus["outline"] != "none" and focus["outlineWidth"] >= 2
    page.keyboard.press("Enter")
    w.wait_state("connecte")
    assert w.launcher.get_attribute("aria-expanded") == "true"
    assert w.active()["tag"] == "input"  # the focus went into the message field
    page.keyboard.type("Bonjour")
    page.keyboard.press("Enter")
    w.wait_bot("Quel est le statut")
    assert w.active()["tag"] == "input"
    for _ in range(12):  # back to the proposed answers
        page.keyboard.press("Shift+Tab")
        if w.active()["text"] == "Association":
            break
    focus = w.active()
    assert focus["text"] == "Association" and focus["outline"] != "none" and focus["outlineWidth"] >= 2
    page.keyboard.press("Enter")
    w.wait_bot("Où en est votre projet")
    assert w.active()["tag"] == "input"
    assert slots_of(stack, w.session_id(), statut="association")["statut"] == "association"
    page.keyboard.press("Escape")
    assert w.launcher.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("dialog", name="Assistant ESS").count() == 0
    assert w.active()["text"] == LAUNCHER  # the focus is back on the launcher
    page.keyboard.press("Enter")  # and it opens again, with the conversation
    assert w.launcher.get_attribute("aria-expanded") == "true"
    assert w.users.filter(has_text="Association").count() == 1


def test_accessibility_labels_live_region_contrast_and_reduced_motion(stack, new_page):
    page, w = demo_widget(stack, new_page, reduced_motion="reduce")
    w.say("Bonjour", "Quel est le statut")
    log = page.get_by_role("log", name="Conversation avec l'assistant")
    assert log.get_attribute("aria-live") == "polite"
    assert w.input.is_visible()  # labelled "Votre message" (get_by_label)
    for name in ("Envoyer", "Fermer l'assistant", "Recommencer la conversation", LAUNCHER, "Association"):
        assert page.get_by_role("button", name=name, exact=True).count() == 1, name
    assert page.get_by_role("group", name="Réponses proposées").count() == 1
    colours = page.evaluate("""() => {
        const root = document.querySelector('#ess-assistant').shadowRoot;
        const out = [];
        const bg = el => { while (el) { const c = getComputedStyle(el).backgroundColor;
            if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; el = el.parentElement; }
            return 'rgb(255, 255, 255)'; };
        for (const sel of ['.ess-title', '.ess-subtitle', '.ess-restart', '.ess-bot .ess-text', '.ess-user .ess-text',
                           '.ess-quick', '.ess-send', '.ess-label', '.ess-hint', '.ess-launcher-text']) {
            const el = root.querySelector(sel);
            if (el) out.push([sel, getComputedStyle(el).color, bg(el)]);
        }
        const dots = root.querySelector('.ess-dots span');
        return {out, animation: getComputedStyle(dots).animationName,
                panel: getComputedStyle(root.querySelector('.ess-panel')).animationName};
    }""")
    assert len(colours["out"]) == 10
    for selector, fg, bg in colours["out"]:
        assert contrast(fg, bg) >= 4.5, (selector, fg, bg)
    assert colours["animation"] == "none" and colours["panel"] == "none"  # prefers-reduced-motion


@pytest.mark.parametrize("width,height,name", [(1280, 800, "desktop"), (390, 844, "phone")])
def test_screenshots_of_the_open_widget(stack, new_page, width, height, name):
    page = new_page(width, height)
    page.goto(stack.settings.web_url)
    w = Widget(page)
    ARTIFACTS.mkdir(exist_ok=True)
    w.launcher.wait_for()
    launcher = w.launcher.bounding_box()
    assert launcher["width"] <= width - 20 and launcher["height"] <= 60  # one line, not over the whole page
    page.screenshot(path=str(ARTIFACTS / f"widget-{name}-closed.png"))
    w.open()
    w.say("Bonjour", "Quel est le statut")
    box = page.locator(".ess-panel").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["y"] >= 0 and box["y"] + box["height"] <= height
    if name == "phone":
        assert box["width"] == width and box["height"] == height  # full screen on a phone
        assert not w.launcher.is_visible()  # the close button of the header replaces it
    # Nothing wider than the screen inside the widget.
    assert page.evaluate("""() => [...document.querySelector('#ess-assistant').shadowRoot.querySelectorAll('*')]
        .every(e => e.getBoundingClientRect().right <= innerWidth + 1)""")
    page.mouse.move(0, 0)  # no hover effect in the picture
    page.screenshot(path=str(ARTIFACTS / f"widget-{name}.png"))


# Partner sites --------------------------------------------------------------------------------------

def test_allowed_partner_site_prefills_its_territory(stack, partner_sites, new_page):
    site, partner = partner_sites["allowed"], partner_sites["partner"]
    page = new_page()
    page.goto(partner_page(site, stack, "partenaire.html"))
    w = Widget(page, partner["id"])
    w.open()
    assert partner["accueil"] in w.bots.first.inner_text()
    assert page.evaluate("typeof window.io") == "undefined"  # the socket.io client stays inside the widget
    assert page.locator(".ess-subtitle").inner_text() == partner["nom"]
    w.say("Bonjour", "Quel est le statut")
    session = w.session_id()
    slots = slots_of(stack, session, commune="31395")
    assert (slots["commune"], slots["departement"], slots["partenaire"]) == ("31395", "31", partner["id"])
    page.get_by_role("button", name="Association", exact=True).click()
    w.wait_bot("Où en est votre projet")
    page.get_by_role("button", name="Création ou test").click()
    w.wait_bot("De quoi avez-vous besoin")
    page.get_by_role("button", name="Financement").click()
    w.wait_bot("Que souhaitez-vous faire maintenant")
    assert "commune" not in requested_slots(stack, session)  # never asked
    slots = slots_of(stack, session, besoins=["financement"])
    assert slots["commune"] == "31395" and slots["statut"] == "association"
    # The orientation: one card per scheme named in the text, with name, why and contact.
    orientation = page.locator(".ess-msg", has=page.locator(".ess-cards")).last
    cards = orientation.locator(".ess-card")
    assert cards.count() >= 2
    first = cards.first
    assert first.locator("h3").inner_text().startswith("1. ")
    assert "Pourquoi" in first.inner_text()
    assert "Muret" in orientation.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    orientation.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "widget-orientation.png"))
    links = orientation.locator("a")  # whether there are any depends on the schemes' contacts
    for i in range(links.count()):
        link = links.nth(i)
        assert link.get_attribute("href").startswith(("http://", "https://", "mailto:"))
        if not link.get_attribute("href").startswith("mailto:"):
            assert link.get_attribute("rel") == "noopener noreferrer" and link.get_attribute("target") == "_blank"
    page.get_by_role("button", name="Plus de détails sur le 1er").click()
    w.users.filter(has_text="Plus de détails sur le 1er").wait_for()
    page.locator(".ess-typing").wait_for(state="hidden")
    assert page.errors == []


def test_bot_text_links_and_cards_are_built_safely(stack, partner_sites, new_page):
    """A transcript restored from sessionStorage goes through the same rendering as live messages; the
    cards come from the structured payload only (the French text is for text-only channels)."""
    text = "Un texte que le widget n'affiche pas : il dessine la réponse structurée."
    orientation = {"intro": "Voici ce que je vous conseille :", "dispositifs": [
        {"id": "a", "nom": "Dispositif A", "pourquoi": "Il vous aide.",
         "avertissements": ["<b>réservé</b> aux associations"],
         "contact": {"nom": "Réseau A", "site": "https://exemple.fr/a?b=1"}},
        {"id": "b", "nom": "Dispositif B", "pourquoi": "Il vous oriente.", "guichet": True,
         "contacts": [{"nom": "B", "email": "contact@exemple.fr", "site": "javascript:alert(2)"}]},
        {"id": "c", "nom": "Dispositif C", "pourquoi": "Sans contact.", "contact_texte": "Pas de contact à jour."}],
        "suite": "Voir aussi www.exemple.org, javascript:alert(1) et " + EVIL}
    transcript = [{"qui": "bot", "texte": text, "custom": {"orientation": orientation},
                   "boutons": [{"title": "D'autres pistes", "payload": "/ask_more"}]}]
    page = new_page()
    page.add_init_script(f"""sessionStorage.setItem('ess-assistant:test-partenaire:transcript', {json.dumps(json.dumps(transcript))});
        sessionStorage.setItem('ess-assistant:test-partenaire:ouvert', 'true');""")
    page.goto(partner_page(partner_sites["allowed"], stack, "rendu.html"))
    w = Widget(page, "test-partenaire")
    w.wait_state("connecte")
    message = w.bots.first
    cards = message.locator(".ess-card")
    assert cards.count() == 3  # one per scheme of the payload, in its order
    assert cards.nth(0).locator("h3").inner_text() == "1. Dispositif A"
    assert "Pourquoi : Il vous aide." in cards.nth(0).inner_text()
    assert "Attention : <b>réservé</b> aux associations" in cards.nth(0).inner_text()
    assert "Pour faire le point" in cards.nth(1).inner_text()
    assert "Pas de contact à jour." in cards.nth(2).inner_text()
    assert message.locator("p.ess-text").first.inner_text() == "Voici ce que je vous conseille :"
    assert "ne affiche pas" not in message.inner_text()
    hrefs = message.locator("a").evaluate_all("links => links.map(a => [a.href, a.rel, a.target, a.textContent])")
    assert ["https://exemple.fr/a?b=1", "noopener noreferrer", "_blank",
            "https://exemple.fr/a?b=1 (nouvelle fenêtre)"] in hrefs
    assert ["mailto:contact@exemple.fr", "contact@exemple.fr"] in [[h[0], h[3]] for h in hrefs]
    assert ["https://www.exemple.org/", "noopener noreferrer", "_blank", "www.exemple.org (nouvelle fenêtre)"] in hrefs
    assert all(h[0].startswith(("https:", "mailto:")) for h in hrefs)  # no javascript: link
    assert "javascript:alert(1) et " + EVIL in message.inner_text()  # shown as text
    assert page.evaluate("document.querySelector('#ess-assistant').shadowRoot.querySelectorAll('img, b').length") == 0
    assert page.get_by_role("button", name="D'autres pistes").count() == 1
    assert page.dialogs == []


def test_refused_site_gets_no_connection_and_a_french_message(stack, partner_sites, new_page):
    site = partner_sites["refused"]
    page = new_page()
    attempts = []
    page.on("request", lambda r: attempts.append(r.url) if "/socket.io/" in r.url else None)
    page.goto(partner_page(site, stack, "refuse.html"))
    w = Widget(page, "test-partenaire")
    w.launcher.click()
    w.wait_state("refuse")
    assert "n'est pas autorisé" in w.notice.inner_text()
    assert w.input.is_disabled()
    assert w.bots.count() == 0  # no greeting from an assistant that cannot answer
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(400)  # end of the opening animation
    page.screenshot(path=str(ARTIFACTS / "widget-site-refuse.png"))
    assert attempts  # the widget did try to connect, and the Rasa server refused (below)
    # The same refusal at the protocol level, and the configuration is not shared with that origin.
    req = urllib.request.Request(f"{stack.settings.rasa_url}/socket.io/?EIO=4&transport=polling",
                                 headers={"Origin": site.origin})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(req, timeout=10)
    assert refused.value.code == 400


def test_iframe_mode_on_an_allowed_site_only(stack, partner_sites, new_page):
    embed = f"{stack.settings.web_url}embed?partenaire=test-partenaire"
    frame_html = (f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Iframe</title><link rel="icon" href="data:,"></head><body>'
                  f'<iframe src="{embed}" title="Assistant d\'orientation ESS" width="400" height="600"></iframe>'
                  f'</body></html>')
    page = new_page()
    page.goto(partner_sites["allowed"].page("iframe.html", frame_html))
    frame = page.frame_locator("iframe")
    frame.get_by_label("Votre message").fill("Bonjour")
    frame.get_by_label("Votre message").press("Enter")
    frame.locator(".ess-bot", has_text="Quel est le statut").wait_for()
    session = json.loads(page.frames[1].evaluate("sessionStorage.getItem('ess-assistant:test-partenaire:session')"))
    assert slots_of(stack, session, commune="31395")["commune"] == "31395"

    refused = new_page()
    refused.goto(partner_sites["refused"].page("iframe.html", frame_html))
    refused.wait_for_timeout(1500)
    child = refused.frames[1] if len(refused.frames) > 1 else None
    assert child is None or child.url.startswith("chrome-error://") or child.locator("#ess-assistant").count() == 0


# Lost connection -------------------------------------------------------------------------------------

class CuttableProxy:
    """A TCP proxy to the Rasa server that can drop every connection and refuse new ones for a while."""

    def __init__(self, port: int):
        self.target = ("127.0.0.1", port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.running = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.listener.accept()
            except OSError:
                continue
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        self.up = False
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass
            self.sockets = []

    def restore(self) -> None:
        self.up = True

    def stop(self) -> None:
        self.running = False
        self.cut()
        self.listener.close()
        self.thread.join(timeout=5)


def test_lost_connection_is_announced_and_a_message_typed_meanwhile_is_sent(stack, partner_sites, new_page):
    proxy = CuttableProxy(stack.settings.rasa_port)
    try:
        page = new_page()
        page.goto(partner_page(partner_sites["allowed"], stack, "coupure.html",
                               extra=f'data-serveur-rasa="http://127.0.0.1:{proxy.port}"'))
        w = Widget(page, "test-partenaire")
        w.open()
        w.say("Bonjour", "Quel est le statut")
        session = w.session_id()

        proxy.cut()
        w.wait_state("deconnecte")
        assert "Connexion perdue" in w.notice.inner_text()
        w.input.fill("nous sommes une association")
        w.input.press("Enter")
        pending = w.users.filter(has_text="nous sommes une association")
        assert "En attente d'envoi" in pending.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "widget-connexion-perdue.png"))
        time.sleep(2)  # still cut: the message waits
        assert w.state() == "deconnecte"

        proxy.restore()
        w.wait_state("connecte")
        page.get_by_text("Connexion rétablie.").wait_for()
        w.wait_bot("Où en est votre projet")
        assert "En attente d'envoi" not in pending.inner_text()
        assert w.session_id() == session
        slots = slots_of(stack, session, statut="association")
        assert slots["statut"] == "association" and slots["commune"] == "31395"
        texts = [e["text"] for e in Chat(stack.settings, sender=session).tracker()["events"]
                 if e.get("event") == "user"]
        assert texts.count("nous sommes une association") == 1  # sent once, not lost, not doubled
    finally:
        proxy.stop()
