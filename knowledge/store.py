"""Load the knowledge base into the database and read it back: all the SQL is here.

``load_all`` validates the whole catalogue before touching the database, then
replaces schemes and territories in one transaction: a bad file never leaves
the database half-loaded. It is idempotent and skips the work when the inputs
(catalogue, schema, Etalab data) have not changed since the last load. It also
makes sure the common-word lexicon of the territory index is computed
(``knowledge.territory.lexicon``: spaCy runs then, not at run time).

``territory_index(session)`` builds the ``TerritoryIndex`` from the ``geo_*`` tables.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from knowledge import checks, db, events  # noqa: F401 - they register their tables before create_all
from knowledge.catalogue import CATALOGUE_DIR, SCHEMA_PATH, Catalogue, load_catalogue
from knowledge.territory.etalab import DEFAULT_DATA_DIR, Rows, read_etalab
from knowledge.territory.index import TerritoryIndex
from knowledge.territory.lexicon import LEXICON_PATH, lexicon_data
from knowledge.territory.models import CURRENT

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
    lexicon: Optional[str] = None  # where the common-word lexicon is, and what it came from


def load_territories(session: Session, data_dir: str | Path | None = None) -> dict[str, int]:
    """Replace the ``geo_*`` rows of ``session`` with the Etalab data.

    Idempotent (delete then bulk insert, in foreign-key order). The caller commits.
    Returns the counts ``{"regions", "departements", "epci", "communes"}``
    (``communes`` counts current communes; ``communes_total`` adds the déléguées,
    associées and municipal arrondissements).
    """
    rows = read_etalab(data_dir)
    for model in (db.Commune, db.Epci, db.Departement, db.Region):
        session.execute(delete(model))
    for model, key in ((db.Region, "regions"), (db.Departement, "departements"), (db.Epci, "epci"),
                       (db.Commune, "communes")):
        if rows[key]:
            session.execute(insert(model), rows[key])
    session.flush()
    return {
        "regions": len(rows["regions"]),
        "departements": len(rows["departements"]),
        "epci": len(rows["epci"]),
        "communes": sum(1 for c in rows["communes"] if c["type"] == CURRENT),
        "communes_total": len(rows["communes"]),
    }


def territory_rows(session: Session) -> Rows:
    """The ``geo_*`` tables as the rows ``read_etalab`` returns."""
    return {
        "regions": [{"code": c, "nom": n} for c, n in session.execute(select(db.Region.code, db.Region.nom))],
        "departements": [{"code": c, "nom": n, "region": r} for c, n, r in session.execute(
            select(db.Departement.code, db.Departement.nom, db.Departement.region))],
        "epci": [{"code": c, "nom": n, "type": t} for c, n, t in session.execute(
            select(db.Epci.code, db.Epci.nom, db.Epci.type))],
        "communes": [
            {"code": c, "type": t, "nom": n, "parent": p, "departement": d, "region": r,
             "epci": e, "codes_postaux": cp, "population": pop}
            for c, t, n, p, d, r, e, cp, pop in session.execute(select(
                db.Commune.code, db.Commune.type, db.Commune.nom, db.Commune.parent,
                db.Commune.departement, db.Commune.region, db.Commune.epci,
                db.Commune.codes_postaux, db.Commune.population))],
    }


def territory_index(session: Session, **kwargs: Any) -> TerritoryIndex:
    """Build the ``TerritoryIndex`` from the ``geo_*`` tables (run time); ``kwargs`` go to
    its constructor. Raises LookupError when the tables are empty."""
    rows = territory_rows(session)
    if not rows["communes"]:
        raise LookupError("no territories in the database: run load_territories first")
    return TerritoryIndex(rows, **kwargs)


def ensure_lexicon(force: bool = False, path: Path = LEXICON_PATH) -> str:
    """Compute the common-word lexicon unless it is there and up to date; describe it."""
    data, built = lexicon_data(path, rebuild=force)
    source = data["source"]
    try:
        shown = path.relative_to(db.ROOT)
    except ValueError:
        shown = path
    return (f"{'computed' if built else 'up to date'}: {len(data['forms']) + len(data['words'])} words "
            f"from spaCy {source['spacy']}, {source['model']} in {shown}")


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
    lexicon = ensure_lexicon()  # rebuilt by itself when spaCy or its model changes
    with session_for(url) as session:
        current = session.get(db.Meta, FINGERPRINT_KEY)
        if current is not None and current.value == fingerprint and not force:
            return LoadReport(False, _counts(session), url, lexicon)
    with session_for(url) as session:
        with session.begin():
            session.execute(delete(db.Scheme))
            for scheme_id, doc in catalogue.schemes.items():
                session.add(db.Scheme(id=scheme_id, nom=doc["nom"], categorie=doc["categorie"],
                                      etat=doc["etat"]["valeur"], fichier=catalogue.files[scheme_id], data=doc))
            load_territories(session, data_dir)
            session.merge(db.Meta(key=FINGERPRINT_KEY, value=fingerprint))
            session.merge(db.Meta(key="loaded_at", value=_dt.datetime.now(_dt.timezone.utc).isoformat()))
        return LoadReport(True, _counts(session), url, lexicon)


def load_catalogue_from_db(url: str | None = None) -> Catalogue:
    catalogue = Catalogue()
    with session_for(url) as session:
        for row in session.scalars(select(db.Scheme).order_by(db.Scheme.fichier)):
            catalogue.schemes[row.id] = row.data
            catalogue.files[row.id] = row.fichier
    return catalogue


def load_territories_from_db(url: str | None = None, **kwargs: Any) -> TerritoryIndex:
    with session_for(url) as session:
        return territory_index(session, **kwargs)


def purge_requests(url: str | None, older_than_days: int) -> int:
    """Delete hand-over requests older than the retention period; return how many."""
    cutoff = _dt.datetime.now(_dt.timezone.utc) - _dt.timedelta(days=older_than_days)
    with session_for(url) as session, session.begin():
        if session.get_bind().dialect.name == "sqlite":  # SQLite stores naive datetimes
            cutoff = cutoff.replace(tzinfo=None)
        result = session.execute(delete(db.HandoffRequest).where(db.HandoffRequest.cree_le < cutoff))
        return result.rowcount or 0
