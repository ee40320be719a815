"""Load the knowledge base into the database and read it back.

``load_all`` validates the whole catalogue before touching the database, then
replaces schemes and territories in one transaction: a bad file never leaves
the database half-loaded. It is idempotent and skips the work when the inputs
(catalogue, schema, Etalab data) have not changed since the last load.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from knowledge import db
from knowledge.catalogue import CATALOGUE_DIR, SCHEMA_PATH, Catalogue, load_catalogue
from knowledge.territory_load import DEFAULT_DATA_DIR, load_territories

FINGERPRINT_KEY = "inputs_fingerprint"

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(url: str | None = None) -> Engine:
    url = url or db.database_url()
    with _engines_lock:
        if url not in _engines:
            engine = db.make_engine(url)
            db.create_schema(engine)
            _engines[url] = engine
        return _engines[url]


def session_for(url: str | None = None):
    return db.make_session_factory(engine_for(url))()


requests_session = session_for


def inputs_fingerprint(catalogue_dir: Path = CATALOGUE_DIR, data_dir: Path = DEFAULT_DATA_DIR) -> str:
    digest = hashlib.sha256()
    files = sorted(catalogue_dir.glob("*.y*ml")) + [SCHEMA_PATH] + sorted(Path(data_dir).glob("*.json"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class LoadReport:
    changed: bool
    counts: dict[str, int]
    url: str


def _counts(session) -> dict[str, int]:
    return {
        "dispositifs": session.scalar(select(func.count()).select_from(db.Scheme)),
        "regions": session.scalar(select(func.count()).select_from(db.Region)),
        "departements": session.scalar(select(func.count()).select_from(db.Departement)),
        "epci": session.scalar(select(func.count()).select_from(db.Epci)),
        "communes": session.scalar(select(func.count()).select_from(db.Commune)
                                   .where(db.Commune.parent.is_(None))),
    }


def load_all(url: str | None = None, catalogue_dir: Path = CATALOGUE_DIR, data_dir: Path = DEFAULT_DATA_DIR,
             force: bool = False) -> LoadReport:
    """Validate, then load catalogue and territories. Raises CatalogueError before any write."""
    catalogue, _ = load_catalogue(catalogue_dir, strict=True)
    fingerprint = inputs_fingerprint(catalogue_dir, data_dir)
    url = url or db.database_url()
    with session_for(url) as session:
        current = session.get(db.Meta, FINGERPRINT_KEY)
        if current is not None and current.value == fingerprint and not force:
            return LoadReport(False, _counts(session), url)
    with session_for(url) as session:
        with session.begin():
            session.execute(delete(db.Scheme))
            for scheme_id, doc in catalogue.schemes.items():
                session.add(db.Scheme(id=scheme_id, nom=doc["nom"], categorie=doc["categorie"],
                                      etat=doc["etat"]["valeur"], fichier=catalogue.files[scheme_id], data=doc))
            load_territories(session, data_dir)
            session.merge(db.Meta(key=FINGERPRINT_KEY, value=fingerprint))
            session.merge(db.Meta(key="loaded_at", value=_dt.datetime.now(_dt.timezone.utc).isoformat()))
        return LoadReport(True, _counts(session), url)


def load_catalogue_from_db(url: str | None = None) -> Catalogue:
    catalogue = Catalogue()
    with session_for(url) as session:
        for row in session.scalars(select(db.Scheme).order_by(db.Scheme.fichier)):
            catalogue.schemes[row.id] = row.data
            catalogue.files[row.id] = row.fichier
    return catalogue


def load_territories_from_db(url: str | None = None):
    from knowledge.territories import TerritoryIndex

    with session_for(url) as session:
        return TerritoryIndex.from_session(session)


def purge_requests(url: str | None, older_than_days: int) -> int:
    """Delete hand-over requests older than the retention period; return how many."""
    cutoff = _dt.datetime.now(_dt.timezone.utc) - _dt.timedelta(days=older_than_days)
    with session_for(url) as session, session.begin():
        result = session.execute(delete(db.HandoffRequest).where(db.HandoffRequest.cree_le < cutoff.replace(tzinfo=None))
                                 if url and url.startswith("sqlite") else
                                 delete(db.HandoffRequest).where(db.HandoffRequest.cree_le < cutoff))
        return result.rowcount or 0
