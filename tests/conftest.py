"""Shared fixtures.

The end-to-end fixture starts the real action server, Rasa server and web
server on free ports with a fresh SQLite database, talks to them over HTTP,
and stops them by pid at the end of the session.
"""
from __future__ import annotations

import json
import os
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.catalogue import load_catalogue  # noqa: E402


@pytest.fixture(scope="session")
def catalogue():
    return load_catalogue()[0]


@pytest.fixture(scope="session")
def territories():
    from knowledge.territories import TerritoryIndex

    return TerritoryIndex.from_etalab()


@pytest.fixture(scope="session")
def loaded_db(tmp_path_factory):
    """A SQLite database with the whole knowledge base loaded."""
    from knowledge.store import load_all

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'ess.db'}"
    load_all(url)
    return url


class StaticSite:
    """A static web site on a free localhost port (a partner's site, for the widget tests)."""

    def __init__(self, root: Path):
        import functools
        import http.server
        import threading

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(Quiet, directory=str(root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, name=f"site-{self.origin}", daemon=True)
        self.thread.start()

    def page(self, name: str, html: str) -> str:
        """Write ``name`` and return its URL."""
        (self.root / name).write_text(html, encoding="utf-8")
        return f"{self.origin}/{name}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


TEST_PARTNER = {"id": "test-partenaire", "nom": "Partenaire de test", "commune": "31395", "departement": "31",
                "accueil": "Bonjour depuis le site partenaire de test ! Décrivez votre projet.",
                "couleur": "#6a1b4d"}


@pytest.fixture(scope="session")
def partner_sites(tmp_path_factory):
    """Two partner sites on free ports: ``allowed`` is declared in the stack's PARTNERS_FILE, ``refused`` is not."""
    root = tmp_path_factory.mktemp("sites")
    allowed, refused = StaticSite(root / "allowed"), StaticSite(root / "refused")
    partners_file = root / "partners-test.yml"
    partners_file.write_text(json.dumps({"partenaires": [{**TEST_PARTNER, "origines": [allowed.origin]}]}),
                             encoding="utf-8")  # JSON is YAML
    yield {"allowed": allowed, "refused": refused, "partners_file": partners_file, "partner": TEST_PARTNER}
    allowed.stop()
    refused.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, loaded_db, partner_sites):
    from scripts.stack import Settings, Stack, free_port
    from scripts.train import model_path

    model = model_path()
    if not model.exists():
        pytest.fail("no trained model for the current data: run `make train` (make test does it)")
    settings = Settings(rasa_port=free_port(), actions_port=free_port(), web_port=free_port(),
                        database_url=loaded_db, extra_cors=[],
                        partners_file=str(partner_sites["partners_file"]),
                        api_token=f"test-token-{uuid.uuid4().hex}")  # the HTTP API must require it
    logs = tmp_path_factory.mktemp("logs")
    env = {k: v for k, v in os.environ.items() if k not in ("RASA_API_TOKEN",)}
    env["RASA_TELEMETRY_ENABLED"] = "false"
    running = Stack(settings, model, logs, env=env)
    running.start()
    yield running
    running.stop()


class Chat:
    """A conversation with the running assistant over the REST channel."""

    def __init__(self, settings, sender: str | None = None, metadata: dict | None = None):
        self.settings = settings
        self.sender = sender or f"test-{uuid.uuid4().hex[:12]}"
        self.metadata = metadata

    def post(self, body: bytes | str, content_type: str = "application/json") -> tuple[int, object]:
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(f"{self.settings.rasa_url}/webhooks/rest/webhook", data=data,
                                     headers={"Content-Type": content_type}, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            payload = err.read()
            try:
                return err.code, json.loads(payload)
            except ValueError:
                return err.code, payload.decode(errors="replace")

    def say(self, text) -> list[dict]:
        body = {"sender": self.sender, "message": text}
        if self.metadata is not None:
            body["metadata"] = self.metadata
        status, messages = self.post(json.dumps(body))
        assert status == 200, (status, messages)
        assert isinstance(messages, list)
        return messages

    def texts(self, text) -> str:
        return "\n".join(m.get("text", "") for m in self.say(text))

    def tracker(self) -> dict:
        url = f"{self.settings.rasa_url}/conversations/{self.sender}/tracker"
        if self.settings.api_token:
            url += f"?token={self.settings.api_token}"
        with urllib.request.urlopen(url, timeout=30) as resp:
            return json.loads(resp.read())

    def slots(self) -> dict:
        return self.tracker()["slots"]


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser), closed at the end."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: `make browser` installs it")
        pytest.skip("Chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                                    "--disable-component-update", "--disable-sync", "--no-first-run",
                                    "--disable-dev-shm-usage"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def chat(stack):
    return Chat(stack.settings)


@pytest.fixture
def new_chat(stack):
    def make(**kwargs) -> Chat:
        return Chat(stack.settings, **kwargs)

    return make
