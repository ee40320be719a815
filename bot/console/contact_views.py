"""Console pages where an admin records checks of the schemes' contacts (``knowledge.checks``).

The list shows every scheme with its current contact and its last check; a scheme's page shows
the contacts of the sources, the history of checks and the form to record a new one.
"""
from __future__ import annotations

import datetime as _dt

from aiohttp import web

from bot.console import accounts
from bot.console.views import (KNOWLEDGE, PREFIX, RESUMED, SESSIONS, _address, _check_csrf, _form, _render,
                               resumed_draft, signed_in)
from knowledge import checks


def _scheme(request: web.Request):
    return request.app[KNOWLEDGE]().base_catalogue.get(request.match_info["id"])


@signed_in(admin=True)
async def contacts_page(request: web.Request) -> web.Response:
    catalogue = request.app[KNOWLEDGE]().base_catalogue
    with request.app[SESSIONS]() as session:
        last = checks.latest(session)
    rows = sorted(({"scheme": s, "check": last.get(s["id"]),
                    "current": [c for c in s.get("contacts") or [] if not c.get("ancien")]} for s in catalogue),
                  key=lambda r: (r["check"] is not None, r["scheme"]["nom"].lower()))
    return _render(request, "contacts.html", staff=request["staff"], rows=rows, results=checks.RESULTS)


def _scheme_page(request, scheme, status=200, error=None, values=None):
    with request.app[SESSIONS]() as session:
        past = checks.history(session, scheme["id"])
    last = next((c for c in past if c.resultat != "disparu"), None)  # the contact the Department checked last
    first = {k: getattr(last, k) or "" for k in checks.FIELDS} if last else \
        next((c for c in scheme.get("contacts") or [] if not c.get("ancien")), None) or {}
    values = values or {k: first.get(k, "") for k in checks.FIELDS}
    return _render(request, "contact.html", status=status, staff=request["staff"], scheme=scheme, past=past,
                   results=checks.RESULTS, error=error, values=values, today=_dt.date.today().isoformat(),
                   french_date=checks.french_date)


@signed_in(admin=True)
async def scheme_contacts(request: web.Request) -> web.Response:
    scheme = _scheme(request)
    if scheme is None:
        return _render(request, "erreur.html", status=404, staff=request["staff"], message="Ce dispositif n'existe pas.")
    draft = resumed_draft(request)
    return _scheme_page(request, scheme, error=RESUMED if draft else None, values=dict(draft) if draft else None)


@signed_in(admin=True)
async def record_check(request: web.Request) -> web.Response:
    form = await _form(request)
    _check_csrf(request, form)
    scheme = _scheme(request)
    if scheme is None:
        return _render(request, "erreur.html", status=404, staff=request["staff"], message="Ce dispositif n'existe pas.")
    staff = request["staff"]
    try:
        day = _dt.date.fromisoformat(form.get("verifie_le", ""))
    except ValueError:
        return _scheme_page(request, scheme, 400, "Indiquez la date de la vérification.", form)
    try:
        with request.app[SESSIONS]() as session, session.begin():
            checks.record(session, scheme, staff.email, form.get("resultat", ""), day, form, form.get("note", ""))
            accounts.journal(session, staff.email, "verification_contact", scheme["id"], _address(request))
    except checks.CheckError as exc:
        return _scheme_page(request, scheme, 400, str(exc), form)
    request.app[KNOWLEDGE]().forget_checks()
    raise web.HTTPSeeOther(f"{PREFIX}/contacts/{scheme['id']}")


def setup(app: web.Application) -> None:
    app.router.add_get(f"{PREFIX}/contacts", contacts_page)
    app.router.add_get(f"{PREFIX}/contacts/{{id}}", scheme_contacts)
    app.router.add_post(f"{PREFIX}/contacts/{{id}}", record_check)
