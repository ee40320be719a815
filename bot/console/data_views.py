"""Console pages of data protection: the CSV export of the filtered requests and erasure on request.

Mounted by ``views.setup``. The export is journaled and holds personal fields only for admins;
erasure is for admins, by e-mail or phone (``privacy.erase``), and clears the conversations too.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

from bot.console import accounts, inbox, privacy
from bot.conversation_store import erase_conversations
from bot.console.views import (NO_STORE, PREFIX, RESUMED, SESSIONS, _address, _check_csrf, _form, _render,
                               resumed_draft, signed_in)


@signed_in()
async def export_csv(request: web.Request) -> web.Response:
    staff = request["staff"]
    tab = request.query.get("onglet", "a_traiter")
    status = inbox.TABS[tab][0] if tab in inbox.TABS else None
    filters = inbox.Filters.from_query(request.query)
    personal = staff.role == "admin"
    with request.app[SESSIONS]() as session, session.begin():
        rows = inbox.list_requests(session, status, filters)
        content = privacy.export_csv(rows, personal=personal)
        path = privacy.save_export(content, staff.email, request.app[EXPORTS])
        accounts.journal(session, staff.email, "export", f"{len(rows)} demandes{' avec coordonnées' if personal else ''}",
                         _address(request))
    return web.Response(text=content, content_type="text/csv", charset="utf-8", headers={
        **NO_STORE, "Content-Disposition": f'attachment; filename="{path.name}"', "X-Content-Type-Options": "nosniff"})


@signed_in(admin=True)
async def erase_page(request: web.Request) -> web.Response:
    draft = resumed_draft(request) or {}
    return _render(request, "effacer.html", staff=request["staff"], done=None, email=draft.get("email", ""),
                   telephone=draft.get("telephone", ""), error=RESUMED if draft else None)


@signed_in(admin=True)
async def erase(request: web.Request) -> web.Response:
    form = await _form(request)
    _check_csrf(request, form)
    staff = request["staff"]
    email, phone = form.get("email", "").strip()[:255], form.get("telephone", "").strip()[:32]
    if not email and not phone:
        return _render(request, "effacer.html", status=400, staff=staff, done=None, email=email, telephone=phone,
                       error="Indiquez l'e-mail ou le téléphone de la personne.")
    with request.app[SESSIONS]() as session, session.begin():
        found = privacy.matching_requests(session, email, phone)
        numbers = [r.id for r in found]
        conversations = privacy.delete_requests(session, found)
        privacy.erase_exports(email, phone, request.app[EXPORTS])
        accounts.journal(session, staff.email, "effacement", f"{len(numbers)} demandes", _address(request))
    cleared = await asyncio.to_thread(erase_conversations, conversations, request.app[ENV])
    done = {"demandes": numbers, "conversations": len(conversations), "effacees": cleared}
    return _render(request, "effacer.html", staff=staff, done=done, email="", telephone="")


EXPORTS = web.AppKey("console_exports", object)
ENV = web.AppKey("console_env", dict)


def setup(app: web.Application, env: dict) -> None:
    app[EXPORTS] = Path(env["EXPORTS_DIR"]) if env.get("EXPORTS_DIR") else privacy.EXPORTS_DIR
    app[ENV] = env
    app.router.add_get(f"{PREFIX}/export.csv", export_csv)
    app.router.add_get(f"{PREFIX}/effacer", erase_page)
    app.router.add_post(f"{PREFIX}/effacer", erase)
