"""The chat page of ``bot/`` in a real browser (Debian's Chromium, driven by Playwright)."""
from __future__ import annotations

import json
import os
import urllib.request

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: `make browser` installs it")
        pytest.skip("Chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                                    "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


def test_web_server_health_and_config(stack):
    with urllib.request.urlopen(f"{stack.settings.web_url}health", timeout=10) as resp:
        assert json.loads(resp.read())["status"] == "ok"
    with urllib.request.urlopen(f"{stack.settings.web_url}config.json", timeout=10) as resp:
        assert json.loads(resp.read())["rasaUrl"] == stack.settings.rasa_url


def test_chat_page_answers_in_french_and_shows_html_as_text(stack, browser):
    page = browser.new_page()
    page.goto(stack.settings.web_url)
    assert page.locator("html").get_attribute("lang") == "fr"
    page.wait_for_function("window.fetch !== undefined")
    page.get_by_label("Votre message").fill("Bonjour")
    page.get_by_role("button", name="Envoyer").click()
    page.locator(".msg.bot").first.wait_for(timeout=15000)
    assert "économie sociale et solidaire" in page.locator(".msg.bot").first.inner_text()

    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    evil = "<img src=x onerror=alert(1)>"
    page.get_by_label("Votre message").fill(evil)
    page.get_by_role("button", name="Envoyer").click()
    page.locator(".msg.user", has_text="onerror").wait_for(timeout=10000)
    assert page.locator(".msg.user").last.inner_text() == evil
    assert page.locator(".messages img").count() == 0
    assert dialogs == []
    page.close()
