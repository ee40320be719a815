"""Accounts, sign-in and sessions of the staff console.

Passwords are hashed with Argon2id (argon2-cffi's defaults). A session is a random cookie
whose SHA-256 is stored server side with an idle and an absolute expiry, and its own CSRF
token. Sign-in is rate-limited per address and per account from the attempts table, so the
limit holds across processes. ``open_session`` takes a user, not a password: an OpenID
Connect login (ProConnect) only has to find or create the user and call it.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.console.models import ROLES, AccessEntry, LoginAttempt, StaffSession, StaffUser, utcnow

MIN_PASSWORD = 12
SESSION_IDLE = _dt.timedelta(hours=2)
SESSION_MAX = _dt.timedelta(hours=10)
ATTEMPT_WINDOW = _dt.timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")

_hasher = PasswordHasher()  # Argon2id, RFC 9106 low-memory profile
# Verifying against this when the account does not exist takes as long as a real check.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A French message for the person creating the account."""


@dataclass(frozen=True)
class Staff:
    """The signed-in person as the pages see them."""

    id: int
    email: str
    role: str
    csrf_token: str


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def add_user(session: Session, email: str, password: str, role: str = "accueil") -> StaffUser:
    email = normalise_email(email)
    if not EMAIL_RE.match(email):
        raise AccountError(f"adresse e-mail invalide : {email!r}")
    if role not in ROLES:
        raise AccountError(f"rôle inconnu : {role!r} (rôles : {', '.join(ROLES)})")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"le mot de passe doit avoir au moins {MIN_PASSWORD} caractères")
    if session.scalar(select(StaffUser).where(StaffUser.email == email)) is not None:
        raise AccountError(f"un compte existe déjà pour {email}")
    user = StaffUser(email=email, role=role, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    journal(session, None, "compte_cree", f"{email} ({role})")
    return user


def journal(session: Session, email: Optional[str], action: str, cible: Optional[str] = None,
            adresse: Optional[str] = None) -> None:
    session.add(AccessEntry(email=email, action=action, cible=cible, adresse=adresse))


def _recent_failures(session: Session, key: str, address: str) -> tuple[int, int]:
    """Failed attempts in the window: (for this account key, from this address)."""
    failed = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.le >= utcnow() - ATTEMPT_WINDOW,
                                                                     LoginAttempt.reussi.is_(False))
    return (session.scalar(failed.where(LoginAttempt.email == key)) or 0,
            session.scalar(failed.where(LoginAttempt.adresse == address[:64])) or 0)


def too_many_failures(session: Session, email: str, address: str, already: int = 0) -> bool:
    """The limit is reached (``already``: attempts of this request counted among the failures)."""
    by_account, by_address = _recent_failures(session, attempt_key(session, email), address)
    return by_account - already >= MAX_FAILURES_PER_ACCOUNT or by_address - already >= MAX_FAILURES_PER_ADDRESS


def attempt_key(session: Session, email: str) -> str:
    """What the attempts table and the journal keep of a typed e-mail: the account's address when
    it exists, else a digest (a password typed into the wrong field is never stored)."""
    email = normalise_email(email)[:255]
    if session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        return email
    return "inconnu:" + hashlib.sha256(email.encode()).hexdigest()[:16]


def start_attempt(session: Session, email: str, address: str) -> Optional[LoginAttempt]:
    """Record the attempt as a failure first, then count: parallel attempts cannot slip under the
    limit. None when the limit is reached."""
    key = attempt_key(session, email)
    attempt = LoginAttempt(email=key, adresse=address[:64], reussi=False)
    session.add(attempt)
    session.flush()
    if too_many_failures(session, email, address, already=1):
        journal(session, key, "connexion_bloquee", adresse=address[:64])
        return None
    return attempt


def check_password(session: Session, email: str, password: str, address: str,
                   attempt: Optional[LoginAttempt] = None) -> Optional[StaffUser]:
    """The active user whose password this is, or None. Every attempt is recorded."""
    email = normalise_email(email)[:255]
    user = session.scalar(select(StaffUser).where(StaffUser.email == email))
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH, password or "")
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.active and bool(user.password_hash)
    key = email if user is not None else attempt_key(session, email)
    if attempt is None:
        session.add(LoginAttempt(email=key, adresse=address[:64], reussi=ok))
    else:
        attempt.reussi = ok
    journal(session, key, "connexion" if ok else "connexion_refusee", adresse=address[:64])
    if ok and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user if ok else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: StaffUser) -> str:
    """A new session for ``user``; returns the cookie value (shown once, stored hashed)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(delete(StaffSession).where(StaffSession.expire_le < now))
    session.add(StaffSession(token_hash=_digest(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                             cree_le=now, vu_le=now, expire_le=now + SESSION_MAX))
    return token


def current_staff(session: Session, token: Optional[str]) -> Optional[Staff]:
    """The person of a session cookie, if the session is alive; touching it extends the idle time."""
    if not token:
        return None
    row = session.get(StaffSession, _digest(token))
    now = utcnow()
    if row is None or row.expire_le < now or row.vu_le + SESSION_IDLE < now:
        return None
    user = session.get(StaffUser, row.user_id)
    if user is None or not user.active:
        return None
    row.vu_le = now
    return Staff(id=user.id, email=user.email, role=user.role, csrf_token=row.csrf_token)


def close_session(session: Session, token: Optional[str]) -> None:
    if token:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == _digest(token)))


def same_token(expected: Optional[str], given: Optional[str]) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
