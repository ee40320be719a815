"""Etalab ``decoupage-administratif`` JSON files → plain rows shaped like the ``geo_*`` tables.

The data comes from the npm package ``@etalab/decoupage-administratif`` (MIT,
installed under ``node_modules/``); nothing here touches the network. Both the
database load (``knowledge.store.load_territories``) and ``TerritoryIndex.from_etalab``
read through ``read_etalab``, so the two paths see exactly the same data.

* regions / departements: as published (overseas collectivities such as 975 or
  988 are their own region, as in the data);
* epci: SIREN, name and type (CC, CA, CU, METRO, MET69); each current commune
  carries its EPCI SIREN (taken from the ``membres`` of ``epci.json``);
* communes: every current commune (``type='commune-actuelle'``, ``parent`` None)
  plus every commune déléguée / associée (``parent`` = its ``chefLieu``) and
  municipal arrondissement (``parent`` = its ``commune``), so that old names,
  district names and their postal codes resolve to the current commune. A commune
  déléguée can share its INSEE code with its current commune.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from knowledge.territory.models import CURRENT

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATA_DIR = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data"

SUB_TYPES = {  # type of a former or partial commune → the field naming its current commune
    "commune-deleguee": "chefLieu",
    "commune-associee": "chefLieu",
    "arrondissement-municipal": "commune",
}

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
    epci_raw = _read_json(data_dir, "epci.json")
    communes_raw = _read_json(data_dir, "communes.json")
    regions = [{"code": r["code"], "nom": r["nom"]} for r in _read_json(data_dir, "regions.json")]
    departements = [{"code": d["code"], "nom": d["nom"], "region": d["region"]}
                    for d in _read_json(data_dir, "departements.json")]
    epcis = [{"code": e["code"], "nom": e["nom"], "type": e.get("type") or ""} for e in epci_raw]

    epci_of: dict[str, str] = {}
    for e in epci_raw:
        for member in e.get("membres") or ():
            epci_of.setdefault(member["code"], e["code"])

    current_codes = {c["code"] for c in communes_raw if c.get("type") == CURRENT}
    communes: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for c in communes_raw:
        ctype, code = c.get("type"), c["code"]
        if ctype != CURRENT and ctype not in SUB_TYPES:
            continue  # an unknown future type: ignore rather than guess
        parent = None if ctype == CURRENT else c.get(SUB_TYPES[ctype])
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
    return {"regions": regions, "departements": departements, "epci": epcis, "communes": communes}
