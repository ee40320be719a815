"""Command line of the staff console: ``python -m bot.console add-user <email> --role accueil``.

The password is read from standard input (one line), never from the command line, so it
stays out of the shell history and the process list.
"""
from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

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
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
