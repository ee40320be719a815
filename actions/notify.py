"""E-mail to the reception team when a call-back request is recorded (only when SMTP is configured).

Settings: ``SMTP_HOST`` (nothing is sent without it), ``SMTP_PORT`` (25), ``SMTP_FROM``,
``NOTIFY_EMAIL`` (the team's address), optional ``SMTP_USER``/``SMTP_PASSWORD`` and
``SMTP_STARTTLS=1``, ``CONSOLE_URL`` (the console's public address, for the link). The subject and
the body hold no personal data: the number, the profile and the link; the person's name and
contact are read in the console, behind a sign-in.
"""
from __future__ import annotations

import logging
import os
import smtplib
import ssl
import threading
from email.message import EmailMessage
from typing import Any, Mapping, Optional

log = logging.getLogger(__name__)


def settings(env: Optional[Mapping[str, str]] = None) -> Optional[dict[str, Any]]:
    env = os.environ if env is None else env
    if not env.get("SMTP_HOST") or not env.get("NOTIFY_EMAIL"):
        return None
    try:
        port = int(env.get("SMTP_PORT") or 25)
    except ValueError:
        log.warning("SMTP_PORT is not a number: no notification is sent")
        return None
    web = f"http://127.0.0.1:{env.get('WEB_PORT', '8080')}"
    starttls = str(env.get("SMTP_STARTTLS") or "").strip().lower() in ("1", "true", "oui", "yes")
    return {"host": env["SMTP_HOST"], "port": port, "sender": env.get("SMTP_FROM")
            or "assistant-ess@localhost", "to": env["NOTIFY_EMAIL"], "user": env.get("SMTP_USER"),
            "password": env.get("SMTP_PASSWORD"), "starttls": starttls,
            "console": (env.get("CONSOLE_URL") or f"{web}/accueil").rstrip("/")}


def summary(profile) -> str:
    """The profile in words without the commune (a small commune and a profile can point at a person)."""
    from knowledge.wording import label

    parts = [label("statut", profile.statut)] if profile.statut else []
    parts += [label("stade", profile.stade)] if profile.stade else []
    parts += [f"département {profile.departement}"] if profile.departement else []
    text = ", ".join(parts)
    if profile.besoins:
        text += ("; " if text else "") + "besoins : " + ", ".join(label("besoins", b) for b in profile.besoins)
    return text


def message(number: int, summary: str, partner: Optional[str], conf: dict[str, Any]) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = f"Nouvelle demande de rappel n° {number}"
    mail["From"], mail["To"] = conf["sender"], conf["to"]
    mail.set_content("\n".join([
        "Une nouvelle demande de rappel attend l'équipe d'accueil.", "",
        f"Numéro : {number}", f"Profil : {summary or 'non précisé'}",
        f"Site : {partner or 'site du Département'}", "",
        f"La traiter dans la console : {conf['console']}/demandes/{number}", "",
        "Les coordonnées de la personne ne sont visibles que dans la console, après connexion."]))
    return mail


def send(mail: EmailMessage, conf: dict[str, Any]) -> bool:
    try:
        with smtplib.SMTP(conf["host"], conf["port"], timeout=10) as smtp:
            if conf["starttls"]:
                smtp.starttls(context=ssl.create_default_context())  # the server's certificate is checked
            if conf["user"]:
                if not conf["starttls"]:
                    log.warning("SMTP_USER without SMTP_STARTTLS: the password is not sent in clear, no login")
                    return False
                smtp.login(conf["user"], conf["password"] or "")
            smtp.send_message(mail)
        return True
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("notification of a new request not sent: %s", type(exc).__name__)
        return False


def notify_new_request(number: int, summary: str, partner: Optional[str], env: Optional[Mapping[str, str]] = None,
                       background: bool = True) -> Optional[threading.Thread]:
    """Send the team's e-mail, in a thread by default so that the person never waits for the mail server."""
    conf = settings(env)
    if conf is None:
        return None
    mail = message(number, summary, partner, conf)
    if not background:
        send(mail, conf)
        return None
    thread = threading.Thread(target=send, args=(mail, conf), daemon=True, name="notify-request")
    thread.start()
    return thread
