"""The communes a name may stand for: bearing it, shortened to it, a typo away from it,
or named almost like it. ``lookup`` and ``areas`` choose among them."""
from __future__ import annotations

from knowledge.territory.fuzzy import TypoIndex, typo_budget
from knowledge.territory.models import COMMUNE, Commune
from knowledge.territory.names import NameTables, abbreviates
from knowledge.territory.places import Places
from knowledge.territory.text import ARTICLES, strip_articles

MAX_FUZZY_CHARS = 60  # longer text is not compared for typos
MAX_SHORTENED = 12  # more communes than this behind a shortened name is no answer ("Saint")


class Candidates:
    def __init__(self, places: Places, names: NameTables, typos: TypoIndex) -> None:
        self.places, self.names, self.typos = places, names, typos

    def bearing(self, key: str) -> tuple[list[Commune], list[Commune]]:
        """(communes that bear the name, communes of the home department that it shortens)."""
        names = self.names
        entries = names.exact.get(key, []) + names.article.get(key, [])
        aliases = names.alias.get(key, [])
        tokens = key.split()
        if len(tokens) > 1 and tokens[0] in ARTICLES:
            rest = " ".join(tokens[1:])
            entries = entries + names.exact.get(rest, []) + names.article.get(rest, [])
            aliases = aliases + names.alias.get(rest, [])
        if not entries:
            entries = [e for k in names.compact.get(key.replace(" ", ""), []) for e in names.exact[k]]
        return (self.places.unique(e.code for e in entries if e.kind == COMMUNE),
                self.places.unique(e.code for e in aliases))

    def within_typo(self, key: str) -> list[Commune]:
        if len(key) > MAX_FUZZY_CHARS or not typo_budget(key):
            return []
        keys = [k for _, k in self.typos.near(key, typo_budget(key))]
        return self.places.unique(e.code for k in keys for e in self.names.entries(k) if e.kind == COMMUNE)

    def shortened_to(self, tokens: list[str], limit: int = 200) -> list[Commune]:
        """Communes whose name ``tokens`` shortens (``abbreviates``), at most ``limit`` + 1."""
        tokens = strip_articles(tokens)
        if not tokens:
            return []
        out: list[str] = []
        for key in self.names.shortenable(tokens):
            if abbreviates(tokens, key.split()):
                out.extend(e.code for e in self.names.exact[key] if e.kind == COMMUNE)
                if len(out) > limit:
                    break
        return self.places.unique(out)

    def near_names(self, key: str) -> list[Commune]:
        """Communes named almost like ``key``, to offer after the ones named exactly so: the
        name without its article ("Le Crestet": Crestet), written in one word or two
        ("Grandchamp": Grand-Champ), or going on ("Faux": Faux-en-Périgord, called Faux
        until 2024), these only when they are few."""
        if not key:
            return []
        names = self.names
        tokens = key.split()
        keys = [" ".join(tokens[1:])] if len(tokens) > 1 and tokens[0] in ARTICLES else []
        keys += [k for k in names.compact.get(key.replace(" ", ""), []) if k != key]
        keys += names.longer(key, MAX_SHORTENED)
        return self.places.unique(e.code for k in keys for e in names.exact.get(k, []) if e.kind == COMMUNE)

    def inside(self, communes: list[Commune], kind: str, code: str) -> list[Commune]:
        """The communes of an area: ``kind`` "cp" (postal code), "departement" or "region"."""
        if kind == "cp":
            allowed = set(self.places.postal.get(code, ()))
            return [c for c in communes if c.code in allowed]
        if kind == "region":
            return [c for c in communes if c.region == code]
        return [c for c in communes if c.departement == code]
