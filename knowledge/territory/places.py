"""The official places by code: regions, departments, EPCIs, communes and postal codes.

Built once from the rows of ``read_etalab`` (or of the ``geo_*`` tables); the
accessors are what the engine and the actions use to go from a slot value (an INSEE
or department code) to the place. Names are elsewhere (``names``): this module only
knows codes.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any, Iterable, Optional

from knowledge.territory.models import CURRENT, Commune, Departement, Epci, Region


class Places:
    """Maps from codes to places, plus the territorial preference of the assistant."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]], home_departement: str, home_region: str) -> None:
        self.home_departement = home_departement
        self.home_region = home_region
        self.regions: dict[str, Region] = {r["code"]: Region(r["code"], r["nom"]) for r in rows["regions"]}
        self.departements: dict[str, Departement] = {
            d["code"]: Departement(d["code"], d["nom"], d["region"]) for d in rows["departements"]}
        current = [c for c in rows["communes"] if c["type"] == CURRENT]
        self.epcis: dict[str, Epci] = _epcis(rows["epci"], current)
        self.communes: dict[str, Commune] = {}
        for c in current:
            epci = c.get("epci") or None
            self.communes[c["code"]] = Commune(
                code=c["code"], nom=c["nom"], codes_postaux=tuple((c.get("codes_postaux") or "").split()),
                departement=c.get("departement") or "", region=c.get("region") or "",
                epci=epci, epci_nom=self.epcis[epci].nom if epci in self.epcis else None,
                population=c.get("population"))
        # communes déléguées / associées and municipal arrondissements, whose names and
        # postal codes stand for their current commune
        self.subs: list[dict[str, Any]] = [c for c in rows["communes"]
                                           if c["type"] != CURRENT and c.get("parent") in self.communes]
        self.sub_parent: dict[str, str] = {}
        for c in self.subs:
            self.sub_parent.setdefault(c["code"], c["parent"])
        cp_map: dict[str, set[str]] = defaultdict(set)
        for commune in self.communes.values():
            for cp in commune.codes_postaux:
                cp_map[cp].add(commune.code)
        for c in self.subs:
            for cp in (c.get("codes_postaux") or "").split():
                cp_map[cp].add(c["parent"])
        self.postal: dict[str, tuple[str, ...]] = {
            cp: tuple(sorted(codes, key=self.pop_key)) for cp, codes in cp_map.items()}

    # ------------------------------------------------------------- accessors
    def commune(self, code: str) -> Optional[Commune]:
        """Current commune by INSEE code; the code of a commune déléguée/associée or
        municipal arrondissement gives its current commune."""
        if not isinstance(code, str):
            return None
        code = code.strip().upper()
        found = self.communes.get(code)
        if found is None and code in self.sub_parent:
            found = self.communes.get(self.sub_parent[code])
        return found

    def departement(self, code: str) -> Optional[Departement]:
        if not isinstance(code, str):
            return None
        code = code.strip().upper()
        if len(code) == 1 and code.isdigit():
            code = "0" + code
        return self.departements.get(code)

    def region(self, code: str) -> Optional[Region]:
        return self.regions.get(code.strip()) if isinstance(code, str) else None

    def epci(self, code: str) -> Optional[Epci]:
        return self.epcis.get(code.strip()) if isinstance(code, str) else None

    def communes_by_postal_code(self, cp: str) -> list[Commune]:
        """Communes served by a postal code, largest first."""
        if not isinstance(cp, str):
            return []
        return [self.communes[c] for c in self.postal.get(re.sub(r"\s+", "", cp), ())]

    def postal_departement(self, cp: str) -> Optional[str]:
        """The department a postal code belongs to (its first two or three digits; "20"
        is Corsica, either half), whether or not the code itself is known."""
        if cp.startswith("20"):
            deps = {c.departement for c in self.communes_by_postal_code(cp)}
            return deps.pop() if len(deps) == 1 else None
        code = cp[:3] if cp.startswith(("97", "98")) else cp[:2]
        return code if code in self.departements else None

    def counts(self) -> dict[str, int]:
        return {"regions": len(self.regions), "departements": len(self.departements),
                "epci": len(self.epcis), "communes": len(self.communes), "codes_postaux": len(self.postal)}

    # ------------------------------------------------------------- preference
    def pop_key(self, code: str) -> tuple[int, str]:
        return (-(self.communes[code].population or 0), code)

    def pref(self, commune: Commune) -> int:
        """0 in the home department, 1 in the home region, 2 elsewhere."""
        if commune.departement == self.home_departement:
            return 0
        return 1 if commune.region == self.home_region else 2

    def unique(self, codes: Iterable[str]) -> list[Commune]:
        """The current communes of ``codes``, once each, in order."""
        seen: set[str] = set()
        out = []
        for code in codes:
            if code not in seen and code in self.communes:
                seen.add(code)
                out.append(self.communes[code])
        return out


def _epcis(epci_rows: list[dict[str, Any]], current: list[dict[str, Any]]) -> dict[str, Epci]:
    """EPCIs with their members and main department (the department of most members;
    at equal count, of most inhabitants)."""
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in current:
        if c.get("epci"):
            members[c["epci"]].append(c)
    out = {}
    for e in epci_rows:
        rows = members.get(e["code"], [])
        count: Counter[str] = Counter()
        people: Counter[str] = Counter()
        for c in rows:
            count[c.get("departement") or ""] += 1
            people[c.get("departement") or ""] += c.get("population") or 0
        main = max(count, key=lambda d: (count[d], people[d]), default=None) or None
        out[e["code"]] = Epci(e["code"], e["nom"], e.get("type") or "",
                              tuple(sorted(c["code"] for c in rows)), main)
    return out
