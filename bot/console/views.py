"""Pages and JSON of the staff console under ``/accueil/`` (see CONTRACT.md, "Staff console").

Every page but the sign-in form needs a live session: HTML pages redirect to
``/accueil/connexion``, ``/accueil/api/…`` answers 401. Every form carries the session's CSRF
token (the sign-in form a cookie-bound one). What an agent opens or changes is journaled.
"""
from __future__ import annotations

import asyncio
import functools
import os
import secrets
from pathlib import Path
from typing import Any, Callable, Optional
from urllib.parse import urlencode

import jinja2
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from actions.handoff import parse_contact
from bot.console import accounts, charts, inbox, phone, reminders, stats
from bot.console.drafts import Drafts
from bot.console.models import AccessEntry, create_console_schema
from bot.console.transcript import fetch_transcript
from knowledge.db import HandoffRequest, database_url, make_engine, make_session_factory
from knowledge.values import BESOINS, STADES, STATUTS
from knowledge.wording import label

SESSION_COOKIE = "ess_accueil"
LOGIN_CSRF_COOKIE = "ess_accueil_csrf"
PREFIX = "/accueil"
SESSIONS = web.AppKey("console_sessions", sessionmaker)
TEMPLATES = web.AppKey("console_templates", jinja2.Environment)
KNOWLEDGE = web.AppKey("console_knowledge", object)
HOME_COMMUNES = web.AppKey("console_home_communes", list)
ENVIRON = web.AppKey("console_environ", dict)  # the settings the server was made with (Rasa's port...)
DRAFTS = web.AppKey("console_drafts", Drafts)
DRAFT_PARAM = "brouillon"
EXPIRED = "Votre session a expiré. Reconnectez-vous : ce que vous aviez saisi est gardé et vous sera rendu."
RESUMED = "Votre session avait expiré : voici ce que vous aviez saisi. Vérifiez-le, puis envoyez-le à nouveau."
ACTIONS = {"prendre": "claim", "liberer": "release", "commenter": "comment", "cloturer": "close",
           "rouvrir": "reopen"}
NO_STORE = {"Cache-Control": "no-store"}
PAGE_CSP = ("default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def _address(request: web.Request) -> str:
    return (request.remote or "inconnue")[:64]


def _render(request: web.Request, name: str, status: int = 200, **context: Any) -> web.Response:
    body = request.app[TEMPLATES].get_template(name).render(**context)
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8",
                        headers={**NO_STORE, "Content-Security-Policy": PAGE_CSP, "X-Frame-Options": "DENY"})


def _secure(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto") == "https"


def signed_in(api: bool = False, admin: bool = False) -> Callable:
    """Handlers that need a session get the agent as ``request["staff"]``."""
    def wrap(handler):
        @functools.wraps(handler)
        async def inner(request: web.Request):
            with request.app[SESSIONS]() as session, session.begin():
                staff = accounts.current_staff(session, request.cookies.get(SESSION_COOKIE))
            if staff is None:
                if api:
                    return web.json_response({"erreur": "Connexion requise."}, status=401, headers=NO_STORE)
                if request.method == "POST" and request.path != f"{PREFIX}/deconnexion":
                    data = await request.post()  # the agent's typing survives the expired session
                    pairs = [(k, v) for k, v in data.items() if isinstance(v, str)]
                    draft = request.app[DRAFTS].keep(request.path, pairs)
                    return await login_form(request, EXPIRED, draft=draft)
                raise web.HTTPSeeOther(f"{PREFIX}/connexion")
            if admin and staff.role != "admin":
                return _render(request, "erreur.html", status=403, staff=staff,
                               message="Cette page est réservée aux administrateurs.")
            request["staff"] = staff
            return await handler(request)
        return inner
    return wrap


async def _form(request: web.Request) -> dict[str, str]:
    data = await request.post()
    return {k: str(v) for k, v in data.items() if isinstance(v, str)}


def resumed_draft(request: web.Request):
    """The form fields an agent typed before their session expired, once, on the page of that form."""
    return request.app[DRAFTS].take(request.query.get(DRAFT_PARAM), request.cookies.get(SESSION_COOKIE), request.path)


def _check_csrf(request: web.Request, form: dict[str, str]) -> None:
    if not accounts.same_token(request["staff"].csrf_token, form.get("csrf_token")):
        raise web.HTTPForbidden(text="Jeton de sécurité invalide : rechargez la page.")


# Sign-in ---------------------------------------------------------------------------------------

async def login_form(request: web.Request, error: Optional[str] = None, status: int = 200,
                     draft: Optional[str] = None) -> web.Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = _render(request, "connexion.html", status=status, csrf_token=token, error=error, staff=None,
                       draft=draft)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, path=f"{PREFIX}/", httponly=True, samesite="Strict",
                        secure=_secure(request), max_age=3600)
    return response


async def login(request: web.Request) -> web.Response:
    form = await _form(request)
    draft = form.get(DRAFT_PARAM) or None
    if not accounts.same_token(request.cookies.get(LOGIN_CSRF_COOKIE), form.get("csrf_token")):
        return await login_form(request, "La page a expiré : saisissez à nouveau vos identifiants.", 403, draft)
    email, password, address = accounts.normalise_email(form.get("email", "")), form.get("password", ""), _address(request)
    factory = request.app[SESSIONS]

    previous = request.cookies.get(SESSION_COOKIE)

    def attempt() -> Optional[str]:
        with factory() as session, session.begin():
            started = accounts.start_attempt(session, email, address)
        if started is None:
            return "blocked"
        with factory() as session, session.begin():
            started = session.merge(started)
            user = accounts.check_password(session, email, password, address, attempt=started)
            if user is None:
                return None
            accounts.close_session(session, previous)  # no session survives a new sign-in
            return accounts.open_session(session, user)

    token = await asyncio.to_thread(attempt)
    if token == "blocked":
        return await login_form(request, "Trop de tentatives : réessayez dans 15 minutes.", 429, draft)
    if token is None:
        return await login_form(request, "Adresse e-mail ou mot de passe incorrect.", 200, draft)
    path = request.app[DRAFTS].bind(draft, token)
    response = web.HTTPSeeOther(f"{path}?{urlencode({DRAFT_PARAM: draft})}" if path else f"{PREFIX}/")
    response.set_cookie(SESSION_COOKIE, token, path=f"{PREFIX}/", httponly=True, samesite="Strict",
                        secure=_secure(request))
    response.del_cookie(LOGIN_CSRF_COOKIE, path=f"{PREFIX}/")
    return response


@signed_in()
async def logout(request: web.Request) -> web.Response:
    form = await _form(request)
    _check_csrf(request, form)
    with request.app[SESSIONS]() as session, session.begin():
        accounts.close_session(session, request.cookies.get(SESSION_COOKIE))
        accounts.journal(session, request["staff"].email, "deconnexion", adresse=_address(request))
    response = web.HTTPSeeOther(f"{PREFIX}/connexion")
    response.del_cookie(SESSION_COOKIE, path=f"{PREFIX}/")
    return response


# Inbox -----------------------------------------------------------------------------------------

@signed_in()
async def inbox_page(request: web.Request) -> web.Response:
    tab = request.query.get("onglet", "a_traiter")
    tab = tab if tab in inbox.TABS else "a_traiter"
    filters = inbox.Filters.from_query(request.query)
    with request.app[SESSIONS]() as session, session.begin():
        rows = inbox.list_requests(session, inbox.TABS[tab][0], filters, oldest_first=(tab != "cloturees"))
        counts = inbox.counts(session)
        doubles = inbox.duplicates(session, rows)
        reasons = {r.id: inbox.closing_reason(session, r.id) for r in rows} if tab == "cloturees" else {}
        accounts.journal(session, request["staff"].email, "liste", tab, _address(request))
        items = [{"row": r, "attente": inbox.waiting(r), "doublons": doubles.get(r.id, []), "retard": reminders.late(r),
                  "motif": inbox.CLOSING_REASONS.get(reasons.get(r.id) or "", "")} for r in rows]
    query = {k: v for k, v in filters.values.items()}
    return _render(request, "inbox.html", staff=request["staff"], tab=tab, tabs=inbox.TABS, counts=counts,
                   items=items, filters=filters.values, filter_query=urlencode(query),
                   stades=STADES, besoins=BESOINS, label=label)


@signed_in()
async def request_page(request: web.Request) -> web.Response:
    row_id = _row_id(request)
    draft = resumed_draft(request)
    with request.app[SESSIONS]() as session, session.begin():
        row = session.get(HandoffRequest, row_id)
        if row is None:
            return _render(request, "erreur.html", status=404, staff=request["staff"],
                           message="Cette demande n'existe pas (ou plus).")
        events = inbox.history(session, row.id)
        doubles = inbox.duplicates(session, [row]).get(row.id, [])
        accounts.journal(session, request["staff"].email, "consultation", f"demande {row.id}", _address(request))
        session.expunge(row)
    knowledge = request.app[KNOWLEDGE]
    shown = []
    for item in row.recommandations or []:
        scheme_id = item["id"] if isinstance(item, dict) else item
        rec = knowledge().describe(scheme_id, row.profil or {})
        shown.append({"id": scheme_id, "nom": rec.nom if rec else scheme_id, "rec": rec})
    transcript = await fetch_transcript(row.conversation_id, request.app[ENVIRON])
    return _render(request, "demande.html", staff=request["staff"], row=row, events=events, doubles=doubles,
                   shown=shown, transcript=transcript, waiting=inbox.waiting(row), reasons=inbox.CLOSING_REASONS,
                   error=inbox.ERRORS.get(request.query.get("erreur", "")), label=label,
                   draft=draft or {}, resumed=RESUMED if draft else None)


def _row_id(request: web.Request) -> int:
    try:
        return int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound(text="Demande inconnue.")


@signed_in()
async def request_action(request: web.Request) -> web.Response:
    form = await _form(request)
    _check_csrf(request, form)
    row_id, staff = _row_id(request), request["staff"]
    action = ACTIONS.get(form.get("action", ""))
    error = None
    with request.app[SESSIONS]() as session, session.begin():
        row = session.get(HandoffRequest, row_id)
        if row is None:
            raise web.HTTPNotFound(text="Demande inconnue.")
        try:
            if action == "claim":
                inbox.claim(session, row, staff.email)
            elif action == "release":
                inbox.release(session, row, staff.email, admin=staff.role == "admin")
            elif action == "comment":
                inbox.comment(session, row, staff.email, form.get("texte", ""))
            elif action == "close":
                inbox.close(session, row, staff.email, form.get("motif", ""), form.get("texte", ""))
            elif action == "reopen":
                inbox.reopen(session, row, staff.email)
            else:
                raise inbox.TriageError("action")
            accounts.journal(session, staff.email, form["action"], f"demande {row_id}", _address(request))
        except inbox.TriageError as exc:
            error = exc.code
    target = f"{PREFIX}/demandes/{row_id}" + (f"?{urlencode({'erreur': error})}" if error else "")
    raise web.HTTPSeeOther(target)


@signed_in(api=True)
async def api_requests(request: web.Request) -> web.Response:
    status = request.query.get("statut") or None
    if status is not None and status not in inbox.STATUSES:
        return web.json_response({"erreur": f"statut inconnu ; valeurs : {', '.join(inbox.STATUSES)}"},
                                 status=400, headers=NO_STORE)
    with request.app[SESSIONS]() as session, session.begin():
        rows = inbox.list_requests(session, status, inbox.Filters.from_query(request.query))
        accounts.journal(session, request["staff"].email, "api_liste", status, _address(request))
        data = [inbox.as_json(r) for r in rows]
    return web.json_response({"demandes": data}, headers=NO_STORE)


# Orientation by phone ----------------------------------------------------------------------------

@signed_in()
async def phone_page(request: web.Request, form=None, error: Optional[str] = None, status: int = 200) -> web.Response:
    draft = resumed_draft(request) if form is None else None
    if draft is not None:
        form, error = draft, RESUMED
    form = request.query if form is None else form
    knowledge = request.app[KNOWLEDGE]()
    read = phone.read_form(form, knowledge.territories)
    orientation = excluded = None
    if form.get("orienter") or form.get("enregistrer") or draft is not None:
        orientation = knowledge.orient(read.profil, limit=8)
        excluded = phone.excluded(orientation, knowledge.catalogue)
        with request.app[SESSIONS]() as session, session.begin():
            accounts.journal(session, request["staff"].email, "orientation_telephone", None, _address(request))
    return _render(request, "orienter.html", status=status, staff=request["staff"], form=form, read=read,
                   orientation=orientation, excluded=excluded, error=error, statuts=STATUTS, stades=STADES,
                   besoins=BESOINS, label=label, communes=_home_communes(request))


def _home_communes(request: web.Request) -> list[str]:
    """Names offered as completion (the department's communes, computed once); any other place is typed."""
    names = request.app[HOME_COMMUNES]  # filled in place: the application is frozen once started
    if not names:
        territories = request.app[KNOWLEDGE]().territories
        home = territories.home_departement
        names.extend(sorted({c.nom for c in territories.places.communes.values() if c.departement == home}))
    return names


@signed_in()
async def phone_save(request: web.Request) -> web.Response:
    data = await request.post()
    _check_csrf(request, {"csrf_token": str(data.get("csrf_token", ""))})
    staff = request["staff"]
    knowledge = request.app[KNOWLEDGE]()
    read = phone.read_form(data, knowledge.territories)
    if data.get("consentement") != "oui":
        return await phone_page.__wrapped__(request, data, "Sans l'accord de la personne, rien n'est enregistré.", 400)
    email, telephone, problem = parse_contact(str(data.get("coordonnees", "")))  # the chat's own check
    if problem:
        return await phone_page.__wrapped__(request, data, problem, 400)
    orientation = knowledge.orient(read.profil, limit=8)
    with request.app[SESSIONS]() as session, session.begin():
        row = HandoffRequest(
            conversation_id=f"telephone-{secrets.token_hex(6)}", nom=str(data.get("nom", "")).strip()[:255] or None,
            email=email, telephone=telephone, message=str(data.get("message", "")).strip()[:1000] or None,
            consentement=True, consentement_texte=f"Accord donné oralement au téléphone, recueilli par {staff.email}.",
            profil=orientation.profil.as_contract(),
            recommandations=[{"id": r.id, "nom": r.nom} for r in orientation.shown], motif="telephone")
        session.add(row)
        session.flush()
        inbox.claim(session, row, staff.email)
        accounts.journal(session, staff.email, "demande_telephone", f"demande {row.id}", _address(request))
        number = row.id
    raise web.HTTPSeeOther(f"{PREFIX}/demandes/{number}")


@signed_in(admin=True)
async def journal_page(request: web.Request) -> web.Response:
    with request.app[SESSIONS]() as session:
        entries = session.scalars(select(AccessEntry).order_by(AccessEntry.id.desc()).limit(500)).all()
    return _render(request, "journal.html", staff=request["staff"], entries=entries)


@signed_in()
async def stats_page(request: web.Request) -> web.Response:
    weeks = stats.weeks_param(request.query.get("semaines"))
    with request.app[SESSIONS]() as session, session.begin():
        figures = stats.compute(session, weeks)
        accounts.journal(session, request["staff"].email, "statistiques", f"{weeks} semaines", _address(request))
    return _render(request, "statistiques.html", staff=request["staff"], figures=figures, weeks=weeks, charts=charts)


async def to_inbox(_request: web.Request) -> web.Response:
    raise web.HTTPFound(f"{PREFIX}/")


@signed_in(api=True)
async def api_unknown(_request: web.Request) -> web.Response:
    return web.json_response({"erreur": "Adresse inconnue."}, status=404, headers=NO_STORE)


@signed_in()
async def page_unknown(request: web.Request) -> web.Response:
    return _render(request, "erreur.html", status=404, staff=request["staff"], message="Cette page n'existe pas.")


def setup(app: web.Application, env: dict) -> None:
    """Mount the console on the web server's application."""
    engine = make_engine(env.get("DATABASE_URL") or database_url())
    create_console_schema(engine)
    app[SESSIONS] = make_session_factory(engine)
    templates = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
                                   autoescape=True, trim_blocks=True, lstrip_blocks=True)
    app[TEMPLATES] = templates

    @functools.lru_cache(maxsize=1)
    def knowledge():
        from actions.knowledge_client import KnowledgeClient
        return KnowledgeClient(env.get("DATABASE_URL") or None)

    app[KNOWLEDGE] = knowledge
    app[HOME_COMMUNES] = []
    app[ENVIRON] = {**os.environ, **env}
    app[DRAFTS] = Drafts()
    app.router.add_get(f"{PREFIX}", to_inbox)
    app.router.add_get(f"{PREFIX}/", inbox_page)
    app.router.add_get(f"{PREFIX}/connexion", login_form)
    app.router.add_post(f"{PREFIX}/connexion", login)
    app.router.add_post(f"{PREFIX}/deconnexion", logout)
    app.router.add_get(f"{PREFIX}/demandes/{{id}}", request_page)
    app.router.add_post(f"{PREFIX}/demandes/{{id}}", request_action)
    app.router.add_get(f"{PREFIX}/api/demandes", api_requests)
    app.router.add_get(f"{PREFIX}/journal", journal_page)
    app.router.add_get(f"{PREFIX}/statistiques", stats_page)
    from bot.console import contact_views, data_views  # they use this module's helpers

    data_views.setup(app, env)
    contact_views.setup(app)
    app.router.add_get(f"{PREFIX}/orienter", phone_page)
    app.router.add_post(f"{PREFIX}/orienter", phone_save)
    app.router.add_route("*", f"{PREFIX}/api/{{tail:.*}}", api_unknown)
    app.router.add_route("*", f"{PREFIX}/{{tail:.*}}", page_unknown)
