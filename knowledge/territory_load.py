"""Load the French administrative territories (Etalab ``decoupage-administratif``)
into the ``geo_*`` tables.

The data comes from the npm package ``@etalab/decoupage-administratif`` (MIT,
installed under ``node_modules/``); nothing here touches the network.

* ``geo_region`` / ``geo_departement``: as published (overseas collectivities
  such as 975 or 988 are their own region, as in the data).
* ``geo_epci``: SIREN, name and type (CC, CA, CU, METRO, MET69). Members are not
  stored as such: each current commune carries its EPCI SIREN in
  ``geo_commune.epci`` (taken from the ``membres`` of ``epci.json``).
* ``geo_commune``: every current commune (``type='commune-actuelle'``,
  ``parent`` NULL) plus every commune déléguée / associée (``parent`` = its
  ``chefLieu``) and municipal arrondissement (``parent`` = its ``commune``), so
  that old names, district names and their postal codes resolve to the current
  commune. A commune déléguée can share its INSEE code with its current commune,
  hence the (code, type) primary key.

``read_etalab`` returns plain rows (lists of dicts shaped like the tables); both
``load_territories`` and ``knowledge.territories.TerritoryIndex.from_etalab`` use
it, so the database and the direct path see exactly the same data.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from knowledge.db import ROOT, Commune, Departement, Epci, Region

DEFAULT_DATA_DIR = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data"

CURRENT = "commune-actuelle"
SUB_TYPES = ("commune-deleguee", "commune-associee", "arrondissement-municipal")

Rows = dict[str, list[dict[str, Any]]]


def _read_json(data_dir: Path, name: str) -> list[dict[str, Any]]:
    path = Path(data_dir) / name
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError as exc:  # pragma: no cover - depends on the install
        raise FileNotFoundError(
            f"{path} not found: install the Etalab data with `npm ci` "
            "(package @etalab/decoupage-administratif)") from exc


def read_etalab(data_dir: str | Path | None = None) -> Rows:
    """Read the Etalab JSON files and return the rows of the four ``geo_*`` tables.

    Keys: ``regions``, ``departements``, ``epci``, ``communes``; each a list of dicts
    whose keys are the column names of the matching model.
    """
    data_dir = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    regions_raw = _read_json(data_dir, "regions.json")
    departements_raw = _read_json(data_dir, "departements.json")
    epci_raw = _read_json(data_dir, "epci.json")
    communes_raw = _read_json(data_dir, "communes.json")

    regions = [{"code": r["code"], "nom": r["nom"]} for r in regions_raw]
    departements = [{"code": d["code"], "nom": d["nom"], "region": d["region"]}
                    for d in departements_raw]
    epcis = [{"code": e["code"], "nom": e["nom"], "type": e.get("type") or ""} for e in epci_raw]

    epci_of: dict[str, str] = {}
    for e in epci_raw:
        for member in e.get("membres") or ():
            epci_of.setdefault(member["code"], e["code"])

    current_codes = {c["code"] for c in communes_raw if c.get("type") == CURRENT}
    communes: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for c in communes_raw:
        ctype = c.get("type")
        code = c["code"]
        if ctype == CURRENT:
            parent = None
        elif ctype in ("commune-deleguee", "commune-associee"):
            parent = c.get("chefLieu")
        elif ctype == "arrondissement-municipal":
            parent = c.get("commune")
        else:  # an unknown future type: ignore rather than guess
            continue
        if ctype != CURRENT and parent not in current_codes:
            continue  # dangling link: would resolve to nothing
        if (code, ctype) in seen:
            continue
        seen.add((code, ctype))
        communes.append({
            "code": code,
            "type": ctype,
            "nom": c["nom"],
            "parent": parent,
            "departement": c.get("departement"),
            "region": c.get("region"),
            "epci": epci_of.get(code) if ctype == CURRENT else None,
            "codes_postaux": " ".join(c.get("codesPostaux") or ()),
            "population": c.get("population"),
        })
    return {"regions": regions, "departements": departements, "epci": epcis,
            "communes": communes}


def load_territories(session: Session, data_dir: str | Path | None = None) -> dict[str, int]:
    """Replace the ``geo_*`` rows of ``session`` with the Etalab data.

    Idempotent (delete then bulk insert, in foreign-key order). The caller commits.
    Returns the counts ``{"regions", "departements", "epci", "communes"}``
    (``communes`` counts current communes; ``communes_total`` adds the déléguées,
    associées and municipal arrondissements).
    """
    rows = read_etalab(data_dir)
    for model in (Commune, Epci, Departement, Region):
        session.execute(delete(model))
    for model, key in ((Region, "regions"), (Departement, "departements"), (Epci, "epci"),
                       (Commune, "communes")):
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
