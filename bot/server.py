"""aiohttp application serving the chat page and its assets.

The page talks to the Rasa server directly (its URL comes from /config.json),
so this server stays small: static files, configuration and a health check.
"""
from __future__ import annotations

import os
from pathlib import Path

from aiohttp import web

STATIC_DIR = Path(__file__).resolve().parent / "static"


def rasa_url_for(request: web.Request) -> str:
    """The Rasa URL as the browser must see it: same host as the page, Rasa's port."""
    public = os.environ.get("RASA_PUBLIC_URL")
    if public:
        return public.rstrip("/")
    host = request.url.host or "127.0.0.1"
    return f"{request.scheme}://{host}:{int(os.environ.get('RASA_PORT', 5005))}"


async def health(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def config(request: web.Request) -> web.Response:
    return web.json_response({"rasaUrl": rasa_url_for(request)}, headers={"Cache-Control": "no-store"})


async def index(_request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html")


@web.middleware
async def security_headers(request: web.Request, handler):
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def create_app() -> web.Application:
    app = web.Application(middlewares=[security_headers], client_max_size=64 * 1024)
    app.router.add_get("/", index)
    app.router.add_get("/health", health)
    app.router.add_get("/config.json", config)
    app.router.add_static("/static/", STATIC_DIR, show_index=False)
    return app


def main() -> None:
    host = os.environ.get("BIND_HOST", "127.0.0.1")
    port = int(os.environ.get("WEB_PORT", 8080))
    web.run_app(create_app(), host=host, port=port, print=None, access_log=None)
