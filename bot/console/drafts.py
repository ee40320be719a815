"""What an agent typed when their session expired, given back after they sign in again.

A form sent without a live session is not lost: its fields are kept here, in the web server's
memory only (they may hold a caller's name or phone), for 15 minutes. The sign-in page carries an
opaque draft id, never the text; the draft is bound to the session that the next sign-in opens and
is handed once to the page of the same form, which shows it filled in for the agent to send again.
"""
from __future__ import annotations

import secrets
import threading
import time
from typing import Iterable, Optional

from multidict import MultiDict

TTL_SECONDS = 15 * 60
MAX_DRAFTS = 500  # bounded memory: the oldest go first


class Drafts:
    def __init__(self, ttl: float = TTL_SECONDS) -> None:
        self._ttl = ttl
        self._items: dict[str, dict] = {}
        self._lock = threading.Lock()

    def _purge(self, now: float) -> None:
        for key in [k for k, v in self._items.items() if now - v["at"] > self._ttl]:
            del self._items[key]
        while len(self._items) >= MAX_DRAFTS:
            del self._items[min(self._items, key=lambda k: self._items[k]["at"])]

    def keep(self, path: str, pairs: Iterable[tuple[str, str]]) -> str:
        """Keep the fields of a form sent to ``path``; returns the id the sign-in page carries."""
        now = time.monotonic()
        draft_id = secrets.token_urlsafe(16)
        with self._lock:
            self._purge(now)
            self._items[draft_id] = {"at": now, "path": path, "fields": [(k, v) for k, v in pairs if k != "csrf_token"],
                                     "session": None}
        return draft_id

    def bind(self, draft_id: Optional[str], session_token: str) -> Optional[str]:
        """After a sign-in: tie the draft to the new session; returns the form's path (None when gone)."""
        if not draft_id:
            return None
        with self._lock:
            self._purge(time.monotonic())
            item = self._items.get(draft_id)
            if item is None or item["session"] is not None:
                return None
            item["session"] = session_token
            return item["path"]

    def take(self, draft_id: Optional[str], session_token: Optional[str], path: str) -> Optional[MultiDict]:
        """The draft's fields, once, for the session it was bound to and the page of its form."""
        if not draft_id or not session_token:
            return None
        with self._lock:
            item = self._items.get(draft_id)
            if item is None or item["session"] is None or not secrets.compare_digest(item["session"], session_token) \
                    or item["path"] != path or time.monotonic() - item["at"] > self._ttl:
                return None
            del self._items[draft_id]
        return MultiDict(item["fields"])
