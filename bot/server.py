"""aiohttp application of ``bot/``: the demonstration page, the chat widget and its partner embedding.

- ``GET /``                 demonstration of the department's site, with the widget on it;
- ``GET /widget.js``        the widget, one file: socket.io client (node_modules) + widget code + CSS;
                            CORS headers only for allowed origins;
- ``GET /widget/config.json?partenaire=<id>``  Rasa URL, the partner's greeting, colour and metadata;
                            CORS only for allowed origins, 403 for any other Origin;
- ``GET /embed?partenaire=<id>``  the widget alone, for an iframe; ``frame-ancestors`` limited to
                            the partner's origins;
- ``GET /health``, ``GET /config.json`` (Rasa URL for the browser);
- ``/accueil/``             the reception staff console (``bot.console``).

The browser talks to the Rasa server directly (socket.io channel ``channels.socketio``), which
applies the same list of allowed origins (``bot.partners``).
"""
from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from aiohttp import web

from bot.partners import (DEFAULT_GREETING, Partner, PartnerConfigError, Partners, allowed_origins_from_env,
                          normalise_origin)

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = Path(__file__).resolve().parent / "static"
WIDGET_DIR = Path(__file__).resolve().parent / "widget"
SOCKETIO_CLIENT = ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"

log = logging.getLogger(__name__)
_HOSTNAME = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,253})$")

PARTNERS = web.AppKey("partners", Partners)
OWN_ORIGINS = web.AppKey("own_origins", list)
ALLOWED_ORIGINS = web.AppKey("allowed_origins", list)
WIDGET_SOURCE = web.AppKey("widget_source", dict)
INDEX_PAGE = web.AppKey("index_page", str)


def rasa_url_for(request: web.Request) -> str:
    """The Rasa URL as the browser must see it: same host as the page, Rasa's port."""
    public = os.environ.get("RASA_PUBLIC_URL")
    if public:
        return public.rstrip("/")
    return f"{request.scheme}://{request_hostname(request)}:{int(os.environ.get('RASA_PORT', 5005))}"


def request_hostname(request: web.Request) -> str:
    """The host name of the Host header, without the port (``request.url`` fails with some yarl versions)."""
    host = (request.host or "").strip()
    if host.startswith("["):
        host = host[:host.find("]") + 1]
    elif host.count(":") == 1:
        host = host.rsplit(":", 1)[0]
    return host if _HOSTNAME.match(host) else "127.0.0.1"


def _origin(request: web.Request) -> Optional[str]:
    value = request.headers.get("Origin")
    if not value or value == "null":
        return value or None
    try:
        return normalise_origin(value)
    except PartnerConfigError:
        return "invalid"


def _cors(request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
    """Access-Control-Allow-Origin for an allowed Origin only."""
    origin = _origin(request)
    response.headers["Vary"] = "Origin"
    if origin and origin in request.app[ALLOWED_ORIGINS]:
        response.headers["Access-Control-Allow-Origin"] = origin
    return response


def _french_error(status: int, text: str) -> web.Response:
    return web.json_response({"erreur": text}, status=status, headers={"Cache-Control": "no-store"})


# Pages ----------------------------------------------------------------------------------------------

def _csp(request: web.Request, frame_ancestors: str) -> str:
    rasa = rasa_url_for(request)
    parts = urlsplit(rasa)
    ws = ("wss" if parts.scheme == "https" else "ws") + "://" + parts.netloc
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {parts.scheme}://{parts.netloc} {ws}; base-uri 'none'; form-action 'self'; "
            f"object-src 'none'; frame-ancestors {frame_ancestors}")


async def index(request: web.Request) -> web.Response:
    return web.Response(text=request.app[INDEX_PAGE], content_type="text/html", headers={
        "Content-Security-Policy": _csp(request, "'self'"), "X-Frame-Options": "SAMEORIGIN",
        "Cache-Control": "no-cache"})


async def privacy_notice(request: web.Request) -> web.Response:
    """The privacy notice linked from the widget (RGPD, articles 13 and 14)."""
    return web.Response(text=(STATIC_DIR / "confidentialite.html").read_text(encoding="utf-8"), content_type="text/html",
                        headers={"Content-Security-Policy": _csp(request, "'self'"), "Cache-Control": "no-cache"})


EMBED_PAGE = """<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Assistant d'orientation ESS – {nom}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/static/embed.css">
</head>
<body>
  <main class="embed">
    <h1 class="sr-only">Assistant d'orientation des projets d'économie sociale et solidaire</h1>
    <script src="/widget.js" data-partenaire="{id}" data-mode="integre"></script>
  </main>
</body>
</html>
"""

UNKNOWN_PARTNER_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Partenaire inconnu</title></head>
<body><p>Ce partenaire n'est pas déclaré : l'assistant ne peut pas être intégré ici.</p></body></html>
"""


async def embed(request: web.Request) -> web.Response:
    partner = request.app[PARTNERS].get(request.query.get("partenaire"))
    if partner is None:
        return web.Response(text=UNKNOWN_PARTNER_PAGE, status=404, content_type="text/html",
                            headers={"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
                                     "Cache-Control": "no-store"})
    ancestors = " ".join(["'self'", *partner.origines])
    body = EMBED_PAGE.format(nom=html.escape(partner.nom), id=html.escape(partner.id, quote=True))
    return web.Response(text=body, content_type="text/html", headers={
        "Content-Security-Policy": _csp(request, ancestors), "Cache-Control": "no-cache"})


# Widget ---------------------------------------------------------------------------------------------

def build_widget_source() -> dict:
    """The widget bundle with two placeholders left: the per-request defaults (Rasa URL)."""
    if not SOCKETIO_CLIENT.exists():
        return {"error": "socket.io-client manque dans node_modules : lancez `make setup` (npm ci)."}
    client = SOCKETIO_CLIENT.read_text(encoding="utf-8")
    client = "\n".join(line for line in client.splitlines() if not line.startswith("//# sourceMappingURL"))
    code = (WIDGET_DIR / "widget.js").read_text(encoding="utf-8")
    css = (WIDGET_DIR / "widget.css").read_text(encoding="utf-8")
    code = code.replace("/*@ESS_CSS@*/null", json.dumps(css))
    # The UMD wrapper of the socket.io client sees a local `module`: it neither sets window.io
    # nor calls the host page's AMD `define`.
    bundle = ("/* Assistant d'orientation ESS – widget. Contient socket.io-client 4.7.5 (MIT). */\n"
              "(function () {\nvar module = { exports: {} }, exports = module.exports, define;\n"
              + client + "\nvar io = module.exports;\n" + code + "\n})();\n")
    return {"bundle": bundle}


def _widget_defaults(request: web.Request) -> dict:
    return {"rasaUrl": rasa_url_for(request), "socketPath": "/socket.io", "accueil": DEFAULT_GREETING}


async def widget_js(request: web.Request) -> web.Response:
    source = request.app[WIDGET_SOURCE]
    if os.environ.get("WIDGET_DEV"):  # reload the sources at every request while editing them
        source = build_widget_source()
    if "error" in source:
        return web.Response(text=f"console.error({json.dumps(source['error'])});", status=503,
                            content_type="application/javascript")
    body = source["bundle"].replace("/*@ESS_DEFAULTS@*/null", json.dumps(_widget_defaults(request)))
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Cross-Origin-Resource-Policy": "cross-origin"}
    if request.headers.get("If-None-Match") == etag:
        return _cors(request, web.Response(status=304, headers=headers))
    return _cors(request, web.Response(text=body, content_type="application/javascript", charset="utf-8",
                                       headers=headers))


def _partner_allowed_from(request: web.Request, partner: Partner, origin: Optional[str]) -> bool:
    if origin is None:  # same-origin GET (browsers send no Origin) or a non-browser client
        return True
    return request.app[PARTNERS].may_use(partner, origin, request.app[OWN_ORIGINS])


async def widget_config(request: web.Request) -> web.Response:
    origin = _origin(request)
    if origin is not None and origin not in request.app[ALLOWED_ORIGINS]:
        log.info("web: widget configuration refused to origin %s", origin)
        return _cors(request, _french_error(403, "Ce site n'est pas autorisé à utiliser l'assistant."))
    config = {**_widget_defaults(request), "partenaire": None, "metadata": {}}
    pid = request.query.get("partenaire")
    if pid:
        partner = request.app[PARTNERS].get(pid)
        if partner is None:
            return _cors(request, _french_error(404, "Ce partenaire n'est pas déclaré."))
        if not _partner_allowed_from(request, partner, origin):
            return _cors(request, _french_error(403, "Ce site n'est pas autorisé pour ce partenaire."))
        config["partenaire"] = partner.public()
        config["metadata"] = partner.metadata()
    return _cors(request, web.json_response(config, headers={"Cache-Control": "no-store"}))


# Misc -----------------------------------------------------------------------------------------------

async def health(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def config(request: web.Request) -> web.Response:
    return web.json_response({"rasaUrl": rasa_url_for(request)}, headers={"Cache-Control": "no-store"})


@web.middleware
async def security_headers(request: web.Request, handler):
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if isinstance(response, web.HTTPException):
        raise response
    return response


def create_app(env: Optional[dict] = None) -> web.Application:
    env = os.environ if env is None else env
    app = web.Application(middlewares=[security_headers], client_max_size=64 * 1024)
    app[PARTNERS] = Partners.from_env(env)
    own, allowed = allowed_origins_from_env(env)
    app[OWN_ORIGINS] = own
    app[ALLOWED_ORIGINS] = allowed
    app[WIDGET_SOURCE] = build_widget_source()
    app[INDEX_PAGE] = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    if "error" in app[WIDGET_SOURCE]:
        log.error("web: %s", app[WIDGET_SOURCE]["error"])
    app.router.add_get("/", index)
    app.router.add_get("/health", health)
    app.router.add_get("/config.json", config)
    app.router.add_get("/widget.js", widget_js)
    app.router.add_get("/widget/config.json", widget_config)
    app.router.add_get("/embed", embed)
    app.router.add_get("/confidentialite", privacy_notice)
    app.router.add_static("/static/", STATIC_DIR, show_index=False)
    from bot.console import views as console  # the staff console, on the same server

    console.setup(app, dict(env))
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    host = os.environ.get("BIND_HOST", "127.0.0.1")
    port = int(os.environ.get("WEB_PORT", 8080))
    web.run_app(create_app(), host=host, port=port, print=None, access_log=None)
