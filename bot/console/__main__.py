"""Command line of the staff console: ``python -m bot.console add-user <email> --role accueil``.

The password is read from standard input (one line), never from the command line, so it
stays out of the shell history and the process list. ``retention`` anonymises the requests
closed more than N months ago, deletes old exports and conversations older than 30 days (run it
daily, e.g. from cron);
``erase --email/--phone`` erases a person's requests and conversations; ``reminders`` e-mails the
team the requests that wait too long.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from actions import contact_draft
from bot import conversation_store
from bot.console import privacy
from bot.console.accounts import AccountError, add_user
from bot.console.models import ROLES, create_console_schema
from knowledge.db import database_url, make_engine, make_session_factory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.console", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add-user", help="create an account; the password is read from standard input")
    add.add_argument("email")
    add.add_argument("--role", choices=ROLES, default="accueil")
    add.add_argument("--database-url", default=None)
    keep = sub.add_parser("retention", help="anonymise requests closed long ago, delete old exports")
    keep.add_argument("--months", type=int, default=privacy.RETENTION_MONTHS)
    keep.add_argument("--export-days", type=int, default=privacy.EXPORT_DAYS)
    keep.add_argument("--exports-dir", default=str(privacy.EXPORTS_DIR))
    keep.add_argument("--database-url", default=None)
    keep.add_argument("--conversation-days", type=int, default=conversation_store.RETENTION_DAYS,
                      help="delete conversations whose last message is older (TRACKER_STORE_URL)")
    gone = sub.add_parser("erase", help="erase a person's requests and conversations (by e-mail or phone)")
    gone.add_argument("--email", default=None)
    gone.add_argument("--phone", default=None)
    gone.add_argument("--database-url", default=None)
    late = sub.add_parser("reminders", help="e-mail the team the requests that wait too long (when SMTP is set)")
    late.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    if args.command == "reminders":
        return _reminders(args)
    if args.command == "retention":
        return _retention(args)
    if args.command == "erase":
        return _erase(args)
    if sys.stdin.isatty():
        print("Mot de passe (au moins 12 caractères), puis Entrée :", file=sys.stderr)
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        engine = make_engine(args.database_url or database_url())
        create_console_schema(engine)
        with make_session_factory(engine)() as session, session.begin():
            add_user(session, args.email, password, args.role)
    except AccountError as exc:
        print(f"add-user : {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(f"add-user : base de données inaccessible ({type(exc).__name__})", file=sys.stderr)
        return 3
    print(f"add-user : compte {args.email.strip().lower()} ({args.role}) créé")
    return 0


def _session(url):
    engine = make_engine(url or database_url())
    create_console_schema(engine)
    return make_session_factory(engine)()


def _retention(args) -> int:
    if args.months < 1 or args.export_days < 0 or args.conversation_days < 1:
        print("retention : --months et --conversation-days doivent valoir au moins 1, --export-days au moins 0",
              file=sys.stderr)
        return 2
    try:
        with _session(args.database_url) as session, session.begin():
            anonymised = privacy.anonymise_closed(session, args.months)
            drafts = contact_draft.remove_older_than(session)
    except SQLAlchemyError as exc:
        print(f"retention : base de données inaccessible ({type(exc).__name__})", file=sys.stderr)
        return 3
    removed = privacy.purge_exports(Path(args.exports_dir), args.export_days)
    try:
        old = conversation_store.delete_older_than(conversation_store.store_url(), args.conversation_days)
    except SQLAlchemyError as exc:
        print(f"retention : conversations inaccessibles ({type(exc).__name__})", file=sys.stderr)
        return 3
    print(f"retention : {anonymised} demande(s) anonymisée(s), {removed} export(s) supprimé(s), "
          f"{old} conversation(s) de plus de {args.conversation_days} jours supprimée(s), "
          f"{drafts} formulaire(s) de rappel abandonné(s) effacé(s)")
    return 0


def _reminders(args) -> int:
    from bot.console.reminders import send_reminders

    try:
        with _session(args.database_url) as session:
            count, sent = send_reminders(session)
    except SQLAlchemyError as exc:
        print(f"reminders : base de données inaccessible ({type(exc).__name__})", file=sys.stderr)
        return 3
    print(f"reminders : {count} demande(s) en retard" + (", e-mail envoyé à l'équipe" if sent else ""))
    return 0


def _erase(args) -> int:
    if not (args.email or args.phone):
        print("erase : indiquez --email ou --phone", file=sys.stderr)
        return 2
    try:
        with _session(args.database_url) as session, session.begin():
            found = privacy.matching_requests(session, args.email, args.phone)
            numbers = [r.id for r in found]
            conversations = privacy.delete_requests(session, found)
        privacy.erase_exports(args.email, args.phone)
    except SQLAlchemyError as exc:
        print(f"erase : base de données inaccessible ({type(exc).__name__})", file=sys.stderr)
        return 3
    cleared = conversation_store.erase_conversations(conversations)
    print(f"erase : {len(numbers)} demande(s) effacée(s), {cleared} conversation(s) sur {len(conversations)} effacée(s)")
    return 0 if cleared == len(conversations) else 4


if __name__ == "__main__":
    sys.exit(main())
