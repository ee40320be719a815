"""Every commune of La Poste's base of postal codes resolves to its INSEE code.

The npm package ``codes-postaux`` (Base Adresse Nationale, MIT) is a second official
source, independent of the Etalab data the index is built from. For every entry whose
INSEE code is a current commune in the Etalab data:

* its name (``nomCommune``) resolves to the commune; when the name is borne by
  several places, to a result that offers it (the commune found, an alternative or a
  candidate);
* its La Poste spelling (``libelleAcheminement``: upper case, "ST", "S" for "sur",
  "(LA)" at the end, words cut to fit 32 characters) too, when it designates the same
  commune (not the name of the delivering town: "LES MILLES" for Aix-en-Provence);
* « name + postal code » and « postal code + name » resolve to the commune; ambiguous
  only when two communes of that name share the code.

A few names changed between the two publications (codes-postaux names Cransac what
Etalab calls Cransac-les-Thermes); their postal code still decides, and the bare old
name must resolve too unless it is listed in ``RENAMED_UNRESOLVED`` with the reason.
"""
from __future__ import annotations

import json
from bisect import bisect_left
from collections import Counter, defaultdict

import pytest

from knowledge.territory.etalab import ROOT
from knowledge.territory.text import ARTICLES, LINKERS, normalize, strip_articles

CODES_POSTAUX = ROOT / "node_modules" / "codes-postaux" / "codes-postaux.json"

# old names that the index cannot tell from today's names (Etalab keeps no trace of them)
RENAMED_UNRESOLVED = {
    ("Neussargues en Pinatelle", "15141"): "Etalab: Neussargues-Moissac; only the first word is shared",
    ("Saint-Didier-sur-Rochefort", "42217"): "merged into La Côte-Saint-Didier; Etalab keeps no old name",
    ("Verdun-sur-le-Doubs", "71566"): "now Verdun-Ciel; only Verdun is shared, with two other communes",
    ("Laigné-en-Belin", "72155"): "merged into Laigné-Saint-Gervais; read as Laigné (Mayenne)",
}


@pytest.fixture(scope="module")
def entries(territories):
    if not CODES_POSTAUX.is_file():
        pytest.fail(f"{CODES_POSTAUX} is missing: run `npm ci` (devDependency codes-postaux)")
    rows = json.loads(CODES_POSTAUX.read_text(encoding="utf-8"))
    current = territories.places.communes
    return [e for e in rows if e["codeCommune"] in current]


def key(name: str) -> str:
    return " ".join(strip_articles(normalize(name).split()))


@pytest.fixture(scope="module")
def bearers(territories):
    return bearers_of(territories)


def bearers_of(territories) -> dict[str, set[str]]:
    """Name key → INSEE codes of the places that bear it (communes, old communes,
    departments and regions, home short names)."""
    out: dict[str, set[str]] = defaultdict(set)
    places = territories.places
    for c in places.communes.values():
        out[key(c.nom)].add(c.code)
    for c in places.subs:
        out[key(c["nom"])].add(c["parent"])
    for area in list(places.departements.values()) + list(places.regions.values()):
        out[key(area.nom)].add("area:" + area.code)
    names = territories._resolver.names  # noqa: SLF001 - the home short names, read-only
    for alias, found in names.alias.items():
        out[alias].update(e.code for e in found)
    return out


def offered(res) -> set[str]:
    return {c.code for c in ([res.commune] if res.commune else []) + res.alternatives + res.candidates}


def renamed(territories, e) -> bool:
    return key(e["nomCommune"]) != key(territories.commune(e["codeCommune"]).nom)


def laposte_tokens(label: str) -> list[str]:
    tokens = normalize(label).split()
    return tokens[-1:] + tokens[:-1] if len(tokens) > 1 and tokens[-1] in ARTICLES else tokens


def shortens(label: list[str], name: list[str]) -> bool:
    """The test's own reading of a La Poste abbreviation: same first word, then each word
    the start of a word of the name, in order, skipping only small linking words."""
    label, name = strip_articles(label), strip_articles(name)
    if not label or not name or label[0] != name[0]:
        return "".join(label) == "".join(name)
    j = 1
    for word in label[1:]:
        while j < len(name) and not name[j].startswith(word):
            if name[j] not in LINKERS:
                return False
            j += 1
        if j == len(name):
            return False
        j += 1
    return True


def test_every_name_resolves(territories, entries, bearers):
    longer = sorted(normalize(c.nom) for c in territories.places.communes.values())
    failures, checked = [], set()
    for e in entries:
        name, code = e["nomCommune"], e["codeCommune"]
        if (name, code) in checked:
            continue
        checked.add((name, code))
        res = territories.lookup(name)
        others = bearers[key(name)] - {code}
        old_name = renamed(territories, e)
        if res.status == "found" and res.commune is not None and res.commune.code == code:
            continue
        if code in offered(res) and (others or old_name or begins_other_names(longer, normalize(name))):
            continue  # offered among the places of that name, or of a longer one ("Cransac")
        if old_name and offered(res) & others:
            continue  # an old name that is today the name of another commune ("Faux", Ardennes)
        failures.append((name, code, res.status, sorted(offered(res))[:5]))
    print(f"codes-postaux names: {len(checked) - len(failures)}/{len(checked)} resolve")
    assert [f for f in failures if f[:2] not in RENAMED_UNRESOLVED] == []
    assert {f[:2] for f in failures} == set(RENAMED_UNRESOLVED), "a listed old name resolves now: unlist it"


def begins_other_names(sorted_names: list[str], name: str) -> bool:
    """Whether some commune's name begins with ``name`` as written ("La Ville-aux-Bois" for
    La Ville-aux-Bois-lès-Dizy, while Ville-aux-Bois has no article)."""
    i = bisect_left(sorted_names, name + " ")
    return i < len(sorted_names) and sorted_names[i].startswith(name + " ")


def test_every_la_poste_spelling_of_the_same_commune_resolves(territories, entries, bearers):
    failures, checked = [], set()
    for e in entries:
        label, code = e["libelleAcheminement"], e["codeCommune"]
        tokens = laposte_tokens(label)
        names = {key(e["nomCommune"]), key(territories.commune(code).nom)}
        if (label, code) in checked or " ".join(strip_articles(tokens)) in names:
            continue  # the name itself, tested above
        if not any(shortens(tokens, n.split()) for n in names):
            continue  # another place: the delivering town or a hamlet ("MEZZAVIA" for Ajaccio)
        checked.add((label, code))
        res = territories.lookup(label)
        borne_by = bearers.get(" ".join(strip_articles(tokens)), set())
        if code in offered(res):
            continue
        if borne_by and offered(res) & borne_by:
            continue  # the exact name of other communes ("FAUX"): they come first
        failures.append((label, code, res.status, sorted(offered(res))[:5]))
    print(f"codes-postaux La Poste spellings: {len(checked) - len(failures)}/{len(checked)} resolve")
    assert len(checked) > 150
    assert failures == []


def test_every_name_with_its_postal_code_resolves(territories, entries):
    sharing: dict[tuple[str, str], set[str]] = defaultdict(set)  # (name, postal code) → communes
    for e in entries:
        sharing[(key(e["nomCommune"]), e["codePostal"])].add(e["codeCommune"])
    failures, counts = [], Counter()
    for e in {(e["nomCommune"], e["codePostal"], e["codeCommune"]): e for e in entries}.values():
        name, cp, code = e["nomCommune"], e["codePostal"], e["codeCommune"]
        homonyms = sharing[(key(name), cp)]
        for query in (f"{name} {cp}", f"{cp} {name}"):
            res = territories.lookup(query)
            counts["all"] += 1
            if res.status == "found" and res.commune is not None and res.commune.code == code:
                continue
            if (len(homonyms) > 1 or renamed(territories, e)) and (
                    code in offered(res) or (res.commune and res.commune.code in homonyms)):
                continue  # two communes of that name share the code, or an old name
            failures.append((query, code, res.status, sorted(offered(res))[:5]))
    print(f"codes-postaux name + postal code: {counts['all'] - len(failures)}/{counts['all']} resolve")
    assert failures == []
