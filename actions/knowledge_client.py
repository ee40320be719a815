"""The knowledge base as the actions see it: loaded once per process.

By default everything comes from the database (``DATABASE_URL``), filled by
``python -m knowledge load``. When the database is empty or unreachable the
client runs locally from the YAML catalogue and the Etalab files, so the actions
still work in development; it says so in the log.
"""
from __future__ import annotations

import logging
import threading
import time
from functools import cached_property
from typing import Any, Mapping

from knowledge import checks
from knowledge.catalogue import Catalogue, load_catalogue
from knowledge.engine import Orientation, Recommendation, describe, explain, open_questions, orient
from knowledge.glossary import Glossary, load_glossary
from knowledge.store import load_catalogue_from_db, load_territories_from_db, requests_session
from knowledge.territories import TerritoryIndex

log = logging.getLogger(__name__)
CHECKS_TTL = 60.0  # seconds: a contact check recorded in the console reaches the answers within a minute


class KnowledgeClient:
    def __init__(self, database_url: str | None = None):
        self.database_url = database_url
        self.mode = "database"
        self._checks_read_at: float | None = None
        self._checks_version = 0
        self._checked: Catalogue | None = None

    @property
    def catalogue(self) -> Catalogue:
        """The reviewed catalogue with the Department's contact checks laid over it (``knowledge.checks``)."""
        base = self.base_catalogue
        now = time.monotonic()
        if self.mode == "database" and (self._checks_read_at is None or now - self._checks_read_at > CHECKS_TTL):
            self._checks_read_at = now
            try:
                with requests_session(self.database_url) as session:
                    current = checks.version(session)
                    if current != self._checks_version:
                        self._checked = checks.apply_checks(base, checks.latest(session).values()) if current else None
                        self._checks_version = current
            except Exception as exc:  # noqa: BLE001 - the reviewed catalogue still answers
                log.warning("contact checks unavailable (%s)", type(exc).__name__)
        return self._checked or base

    def forget_checks(self) -> None:
        """Read the checks again at the next use (after one is recorded in this process)."""
        self._checks_read_at = None

    @cached_property
    def base_catalogue(self) -> Catalogue:
        try:
            catalogue = load_catalogue_from_db(self.database_url)
            if len(catalogue):
                return catalogue
        except Exception as exc:  # noqa: BLE001 - any database problem falls back to files
            log.warning("knowledge base database unavailable (%s); using the YAML catalogue", exc)
        self.mode = "local"
        return load_catalogue()[0]

    @cached_property
    def territories(self) -> TerritoryIndex:
        try:
            index = load_territories_from_db(self.database_url)
            if index.commune("31555") is not None:
                return index
        except Exception as exc:  # noqa: BLE001
            log.warning("territories unavailable in the database (%s); using the Etalab files", exc)
        self.mode = "local"
        return TerritoryIndex.from_etalab()

    @cached_property
    def glossary(self) -> Glossary:
        return load_glossary()[0]

    def orient(self, profile: Mapping[str, Any], limit: int = 5) -> Orientation:
        return orient(profile, self.catalogue, self.territories, limit=limit)

    def describe(self, scheme_id: str, profile: Mapping[str, Any]) -> Recommendation | None:
        return describe(scheme_id, profile, self.catalogue, self.territories)

    def explain(self, scheme_id: str, orientation: Orientation):
        return explain(scheme_id, orientation, self.catalogue)

    def open_questions(self, profile: Mapping[str, Any]) -> list[str]:
        """The profile questions that can still change the answer (asked of the engine once per turn)."""
        return open_questions(profile, self.catalogue, self.territories)

    def scheme(self, scheme_id: str) -> dict | None:
        return self.catalogue.get(scheme_id)

    def requests_session(self):
        return requests_session(self.database_url)


_client: KnowledgeClient | None = None
_lock = threading.Lock()


def get_client() -> KnowledgeClient:
    global _client
    with _lock:
        if _client is None:
            _client = KnowledgeClient()
        return _client


def warm_up() -> None:
    """Load everything at start-up so that the first user does not wait."""
    client = get_client()
    _ = client.catalogue, client.territories, client.glossary
