"""Territory module: Etalab loading into the geo_* tables and the in-memory index
(lookup of a place given by a user, places inside free French sentences)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge import db  # noqa: E402
from knowledge.store import load_territories, territory_index  # noqa: E402
from knowledge.territories import LookupResult, Mention, TerritoryIndex, normalize  # noqa: E402
from knowledge.territory.etalab import DEFAULT_DATA_DIR, read_etalab  # noqa: E402


@pytest.fixture(scope="module")
def index() -> TerritoryIndex:
    return TerritoryIndex.from_etalab()


@pytest.fixture(scope="module")
def db_session_factory(tmp_path_factory):
    path = tmp_path_factory.mktemp("geo") / "geo.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.create_schema(engine)
    return db.make_session_factory(engine)


def codes(communes) -> list[str]:
    return [c.code for c in communes]


def lookup_code(index: TerritoryIndex, text: str) -> str | None:
    res = index.lookup(text)
    return res.commune.code if res.commune else None


def places(index: TerritoryIndex, sentence: str) -> list[tuple[str, str | None, str | None]]:
    """(text, kind, commune or department code) of each mention."""
    out = []
    for m in index.find_in_text(sentence):
        code = m.result.commune.code if m.result.commune else (
            m.result.departement.code if m.result.departement else (
                m.result.region.code if m.result.region else None))
        out.append((m.text, m.result.kind, code))
    return out


# --------------------------------------------------------------------------- loading

def _raw(name: str):
    return json.loads((DEFAULT_DATA_DIR / name).read_text(encoding="utf-8"))


def test_read_etalab_links_every_kind_of_commune():
    rows = read_etalab()
    raw = _raw("communes.json")
    assert len(rows["communes"]) == len(raw)
    assert len(rows["regions"]) == len(_raw("regions.json"))
    assert len(rows["departements"]) == len(_raw("departements.json"))
    assert len(rows["epci"]) == len(_raw("epci.json"))
    by_key = {(c["code"], c["type"]): c for c in rows["communes"]}
    toulouse = by_key[("31555", "commune-actuelle")]
    assert toulouse["parent"] is None and toulouse["epci"] == "243100518"
    assert toulouse["codes_postaux"].split()[:2] == ["31000", "31100"]
    # commune déléguée → its chef-lieu; it may share the code of the current commune
    assert by_key[("31307", "commune-deleguee")]["parent"] == "31412"
    assert by_key[("31412", "commune-deleguee")]["parent"] == "31412"
    assert by_key[("31016", "commune-associee")]["parent"] == "31085"
    arr = by_key[("13201", "arrondissement-municipal")]
    assert arr["parent"] == "13055" and arr["codes_postaux"] == "13001"
    # only current communes carry an EPCI
    assert all(c["epci"] is None for c in rows["communes"] if c["type"] != "commune-actuelle")


def test_load_territories_is_idempotent_and_fast(db_session_factory):
    import time

    Session = db_session_factory
    for _ in range(2):
        start = time.perf_counter()
        with Session() as session:
            counts = load_territories(session)
            session.commit()
        assert time.perf_counter() - start < 10
    raw = _raw("communes.json")
    assert counts == {
        "regions": 26, "departements": 109, "epci": len(_raw("epci.json")),
        "communes": sum(1 for c in raw if c["type"] == "commune-actuelle"),
        "communes_total": len(raw),
    }
    with Session() as session:
        assert session.query(db.Commune).count() == len(raw)
        assert session.query(db.Region).count() == 26
        muret = session.get(db.Commune, ("31395", "commune-actuelle"))
        assert muret.nom == "Muret" and muret.epci == "200068641" and muret.departement == "31"
        lunax = session.get(db.Commune, ("31307", "commune-deleguee"))
        assert lunax.parent == "31412" and lunax.epci is None
        assert session.get(db.Epci, "243100518").nom == "Toulouse Métropole"


def test_load_then_from_session_matches_from_etalab(db_session_factory, index):
    with db_session_factory() as session:
        load_territories(session)
        session.commit()
    with db_session_factory() as session:
        from_db = territory_index(session)
    assert from_db.counts() == index.counts()
    for query in ["Muret", "Revel", "31600", "Toulouze", "Lunax", "2A", "Saint-Denis",
                  "haute garonne", "Trifouilly-les-Oies", "Marseille 1er Arrondissement"]:
        a, b = from_db.lookup(query), index.lookup(query)
        assert (a.status, a.kind, a.commune, a.departement, a.region, a.candidates, a.suggestions) == \
               (b.status, b.kind, b.commune, b.departement, b.region, b.candidates, b.suggestions), query
    assert from_db.epci("243100518") == index.epci("243100518")
    sentence = "on est une asso à Muret et on veut consolider, dans le 31"
    assert places(from_db, sentence) == places(index, sentence)


def test_from_session_on_an_empty_database_says_so(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    db.create_schema(engine)
    with db.make_session_factory(engine)() as session:
        with pytest.raises(LookupError, match="load_territories"):
            territory_index(session)


# --------------------------------------------------------------------------- accessors

def test_accessors(index):
    toulouse = index.commune("31555")
    assert toulouse.nom == "Toulouse" and toulouse.departement == "31" and toulouse.region == "76"
    assert toulouse.epci == "243100518" and toulouse.epci_nom == "Toulouse Métropole"
    assert "31000" in toulouse.codes_postaux and toulouse.population > 400000
    assert index.commune("31307").code == "31412"  # a commune déléguée's code → current commune
    assert index.commune("75115").code == "75056"  # a municipal arrondissement → Paris
    assert index.commune("99999") is None and index.commune(None) is None
    assert index.departement("31").nom == "Haute-Garonne"
    assert index.departement("2a").nom == "Corse-du-Sud"
    assert index.departement("9").nom == "Ariège"
    assert index.region("76").nom == "Occitanie"
    metro = index.epci("243100518")
    assert metro.type == "METRO" and "31555" in metro.membres and "31069" in metro.membres
    muret = codes(index.communes_by_postal_code("31600"))
    assert muret[0] == "31395" and {"31547", "31165"} <= set(muret)  # largest first
    assert codes(index.communes_by_postal_code("31 000")) == ["31555"]
    assert index.communes_by_postal_code("00000") == []
    with pytest.raises(Exception):
        toulouse.nom = "x"  # frozen


def test_normalize():
    assert normalize("Ramonville-St-Agne") == "ramonville saint agne"
    assert normalize("L’Union") == normalize("l'union") == "l union"
    assert normalize("  SAINTE   Foy-d'Aigrefeuille ") == "sainte foy d aigrefeuille"
    assert normalize("Œuilly") == "oeuilly"
    assert normalize("😀 <b>") == "b"


# --------------------------------------------------------------------------- lookup: names

@pytest.mark.parametrize("text, code", [
    ("Muret", "31395"),
    ("toulouse", "31555"),
    ("ramonville st agne", "31446"),
    ("Ramonville-Saint-Agne", "31446"),
    ("ST GAUDENS", "31483"),
    ("saint  gaudens", "31483"),
    ("l'union", "31561"),
    ("L’Union", "31561"),
    ("lunion", "31561"),
    ("Castelnau d Estretefonds", "31118"),
    ("sainte foy d aigrefeuille", "31480"),
    ("Cazères", "31135"),
    ("cazeres", "31135"),
    ("Fousseret", "31193"),  # article left out: Le Fousseret
    ("au Mans", "72181"),
    ("à Muret", "31395"),
    ("j'habite à Colomiers", "31149"),
    ("Fort-de-France", "97209"),
    ("Le Lamentin", "97213"),
    ("Ajaccio", "2A004"),
])
def test_lookup_names(index, text, code):
    res = index.lookup(text)
    assert res.status == "found" and res.kind == "commune", (text, res)
    assert res.commune.code == code
    assert res.departement.code == res.commune.departement
    assert res.region.code == res.commune.region


@pytest.mark.parametrize("text, code, matched", [
    ("Toulouze", "31555", "Toulouse"),
    ("Tolouse", "31555", "Toulouse"),
    ("Toulosue", "31555", "Toulouse"),  # transposition
    ("Murett", "31395", "Muret"),
    ("Colomier", "31149", "Colomiers"),
    ("Tournefeuile", "31557", "Tournefeuille"),
    ("Villefranche de Lauraguais", "31582", "Villefranche-de-Lauragais"),  # 2 typos, long name
    ("ajacio", "2A004", "Ajaccio"),
])
def test_lookup_typos(index, text, code, matched):
    res = index.lookup(text)
    assert (res.status, res.commune.code, res.match, res.matched) == ("found", code, "fuzzy", matched)


def test_typo_tolerance_depends_on_length(index):
    assert index.lookup("Muert").commune.code == "31395"  # one transposition
    assert index.lookup("Mxrxt").status == "unknown"  # two edits on a short name: no
    assert index.lookup("Eu").commune.code == "76255"
    assert index.lookup("Ex").status == "unknown"  # no typo tolerance below 4 letters


def test_ambiguous_names_prefer_haute_garonne_then_occitanie(index):
    revel = index.lookup("Revel")
    assert (revel.status, revel.commune.code) == ("found", "31451")
    assert codes(revel.alternatives) == ["38334"]
    auterive = index.lookup("Auterive")
    assert (auterive.status, auterive.commune.code) == ("found", "31033")
    assert set(codes(auterive.alternatives)) == {"32019", "82006"}
    castres = index.lookup("Castres")  # Tarn (Occitanie) rather than Aisne
    assert (castres.status, castres.commune.code, codes(castres.alternatives)) == ("found", "81065", ["02142"])
    assert index.lookup("Mons").commune.code == "31355"
    assert index.lookup("Montauban").commune.code == "82121"  # not Montauban-de-Luchon


def test_ambiguous_name_without_preference_lists_candidates_by_population(index):
    res = index.lookup("Saint-Denis")
    assert res.status == "ambiguous" and res.kind == "commune" and res.commune is None
    found = codes(res.candidates)
    assert found[:2] == ["97411", "93066"]
    assert {"11339", "30247"} <= set(found)
    pops = [c.population for c in res.candidates]
    assert pops == sorted(pops, reverse=True)
    assert res.departement is None


def test_short_names_of_haute_garonne(index):
    # "Saint-Orens" is a commune of the Gers (82 inhabitants), but in the 31 it
    # means Saint-Orens-de-Gameville
    res = index.lookup("Saint-Orens")
    assert (res.status, res.commune.code, res.match) == ("found", "31506", "alias")
    assert codes(res.alternatives) == ["32399"]
    assert index.lookup("Ramonville").commune.code == "31446"
    assert index.lookup("Castanet").commune.code == "31113"
    assert index.lookup("Portet").commune.code == "31433"  # far larger than Portet-d'Aspet
    # Villeneuve-Tolosane (11,000 inhabitants) before the other Villeneuve-* of the 31
    # and the communes named just "Villeneuve" elsewhere
    villeneuve = index.lookup("Villeneuve")
    assert (villeneuve.status, villeneuve.commune.code) == ("found", "31588")
    assert {"31585", "31587"} <= set(codes(villeneuve.alternatives))
    # and the Gers commune stays reachable by its department
    assert lookup_code(index, "Saint-Orens (32)") == "32399"


def test_old_commune_names_resolve_to_current_commune(index):
    lunax = index.lookup("Lunax")  # commune déléguée of Péguilhan
    assert (lunax.status, lunax.commune.code, lunax.match, lunax.matched) == \
        ("found", "31412", "ancien_nom", "Lunax")
    assert index.lookup("Argut-Dessus").commune.code == "31085"  # commune associée of Boutx
    assert index.lookup("Lez").commune.code == "31471"  # Saint-Béat-Lez
    marseille = index.lookup("Marseille 1er Arrondissement")
    assert (marseille.commune.code, marseille.match) == ("13055", "arrondissement")
    assert index.lookup("Paris 15").commune.code == "75056"
    assert index.lookup("Lyon 3e").commune.code == "69123"


def test_name_with_department_or_postal_code(index):
    assert lookup_code(index, "Revel (38)") == "38334"
    assert lookup_code(index, "Revel 31") == "31451"
    assert lookup_code(index, "Saint-Denis 93") == "93066"
    assert lookup_code(index, "Saint-Denis (974)") == "97411"
    assert lookup_code(index, "31600 Muret") == "31395"
    assert lookup_code(index, "Muret, 31600") == "31395"


# --------------------------------------------------------------------------- lookup: codes

def test_postal_codes(index):
    muret = index.lookup("31600")
    assert muret.status == "ambiguous" and muret.kind == "code_postal"
    assert muret.candidates[0].code == "31395" and len(muret.candidates) == 8
    assert muret.departement.code == "31" and muret.region.code == "76"
    assert muret.code_postal == "31600"
    toulouse = index.lookup("31000")
    assert (toulouse.status, toulouse.kind, toulouse.commune.code) == ("found", "code_postal", "31555")
    assert index.lookup("31 500").commune.code == "31555"
    assert index.lookup("code postal 31000").commune.code == "31555"
    assert index.lookup("13001").commune.code == "13055"  # arrondissement postal code
    assert index.lookup("75015").commune.code == "75056"
    border = index.lookup("01200")  # a code shared by the Ain and the Haute-Savoie
    assert border.status == "ambiguous" and border.departement.code == "01"
    assert index.lookup("00000").status == "unknown"


def test_insee_codes(index):
    res = index.lookup("31555")
    assert (res.status, res.kind, res.commune.code, res.match) == ("found", "commune", "31555", "code_insee")
    assert index.lookup("2A004").commune.code == "2A004"
    assert index.lookup("2a004").commune.code == "2A004"
    assert index.lookup("31307").commune.code == "31412"  # a commune déléguée's code
    # 97411 is Saint-Denis's INSEE code and a postal code of Saint-Paul: a bare
    # 5-digit number is read as a postal code, "INSEE" says otherwise
    assert index.lookup("97411").commune.code == "97415"
    assert index.lookup("code INSEE 97411").commune.code == "97411"


@pytest.mark.parametrize("text, code", [
    ("31", "31"), ("09", "09"), ("9", "09"), ("2A", "2A"), ("2b", "2B"), ("974", "974"),
    ("dans le 31", "31"), ("département 81", "81"), ("dpt 31", "31"),
    ("Haute-Garonne", "31"), ("haute garonne", "31"), ("HAUTE GARONNE", "31"), ("Haute Garone", "31"),
    ("en Haute-Garonne", "31"), ("tarn et garonne", "82"), ("hautes pyrenees", "65"),
    ("Corse-du-Sud", "2A"), ("corse du sud", "2A"), ("La Réunion", "974"), ("Guadeloupe", "971"),
    ("Lot", "46"), ("Aude", "11"),
])
def test_departements(index, text, code):
    res = index.lookup(text)
    assert (res.status, res.kind) == ("found", "departement"), (text, res)
    assert res.departement.code == code
    assert res.region.code == index.departement(code).region
    assert res.commune is None


def test_regions(index):
    for text, code in [("Occitanie", "76"), ("occitanie", "76"), ("Ile de France", "11"),
                       ("Nouvelle-Aquitaine", "75"), ("Corse", "94"), ("20", "94")]:
        res = index.lookup(text)
        assert (res.status, res.kind, res.region.code, res.departement) == ("found", "region", code, None)


def test_corsica_and_overseas(index):
    assert index.lookup("Ajaccio").commune.departement == "2A"
    assert index.lookup("20000").commune.code == "2A004"
    reunion = index.lookup("974")
    assert reunion.departement.nom == "La Réunion" and reunion.region.code == "04"
    assert index.commune("97411").nom == "Saint-Denis"
    martinique = index.lookup("97200")
    assert martinique.commune.code == "97209" and martinique.departement.code == "972"
    assert index.lookup("Paris").commune.code == "75056"  # a department name that is its commune


# --------------------------------------------------------------------------- lookup: unknown and bad input

def test_unknown_names_get_suggestions(index):
    res = index.lookup("Trifouilly-les-Oies")
    assert res.status == "unknown" and res.kind is None and res.commune is None
    assert 1 <= len(res.suggestions) <= 5
    assert any("pouilly" in normalize(c.nom) for c in res.suggestions)
    for text, first in [("Colomiersville", "31149"), ("Muretville", "31395"), ("Blagnaquet", "31069"),
                        ("Plaisance-du-Touchh-Ville", "31424")]:
        near = index.lookup(text)  # too far for a typo
        assert near.status == "unknown" and near.suggestions[0].code == first, text
    # a longer phrase around a known name still finds it
    assert lookup_code(index, "Castanet Tolosannnne") == "31113"


BAD_INPUTS = [
    "", "   ", "\n\t", "😀", "😀😀 🏠", "<script>alert(1)</script>", "I live in New York",
    "x" * 10000, "a " * 5000, "31" * 5000, "'; DROP TABLE geo_commune; --", "\x00\x01", "()", "---",
    "Ωμέγα", "東京", "0", "99", "100000", "2C", "bonjour", "merci beaucoup", "oui",
]


@pytest.mark.parametrize("text", BAD_INPUTS, ids=[f"bad{i}" for i in range(len(BAD_INPUTS))])
def test_bad_input_never_raises(index, text):
    res = index.lookup(text)
    assert isinstance(res, LookupResult)
    assert res.status == "unknown" and res.commune is None and res.candidates == []
    assert len(res.suggestions) <= 5
    assert index.find_in_text(text) == []


def test_non_string_input(index):
    assert index.lookup(None).status == "unknown"
    assert index.lookup(31555).commune.code == "31555"
    assert index.find_in_text(None) == []


# --------------------------------------------------------------------------- find_in_text

@pytest.mark.parametrize("sentence, expected", [
    ("on est une asso à Muret et on veut consolider", [("Muret", "commune", "31395")]),
    ("j'habite Saint-Orens", [("Saint-Orens", "commune", "31506")]),
    ("dans le 31", [("31", "departement", "31")]),
    ("je suis du 31", [("31", "departement", "31")]),
    ("département 9", [("9", "departement", "09")]),
    ("en Haute-Garonne", [("Haute-Garonne", "departement", "31")]),
    ("code postal 31600", [("31600", "code_postal", "31")]),
    ("près de st gaudens", [("st gaudens", "commune", "31483")]),
    ("Nous sommes à L'Union", [("L'Union", "commune", "31561")]),
    ("on veut créer une SCOP à Ramonville", [("Ramonville", "commune", "31446")]),
    ("je suis à cugnaux", [("cugnaux", "commune", "31157")]),
    ("je vis au Mans", [("Mans", "commune", "72181")]),
    ("j'habite Toulouze", [("Toulouze", "commune", "31555")]),
    ("on est à Murett", [("Murett", "commune", "31395")]),
    ("une SCIC à Villefranche-de-Lauragais (31)",
     [("Villefranche-de-Lauragais", "commune", "31582"), ("31", "departement", "31")]),
    ("entre Toulouse et Albi en Occitanie",
     [("Toulouse", "commune", "31555"), ("Albi", "commune", "81004"), ("Occitanie", "region", "76")]),
    ("On est dans le Gers, à côté d'Auch.", [("Gers", "departement", "32"), ("Auch", "commune", "32013")]),
    ("près de Toulouse, à Cugnaux", [("Toulouse", "commune", "31555"), ("Cugnaux", "commune", "31157")]),
    ("le 31 mars à Revel", [("Revel", "commune", "31451")]),
])
def test_find_in_text(index, sentence, expected):
    found = places(index, sentence)
    assert found == expected


def test_mentions_carry_offsets_and_results(index):
    sentence = "Bonjour, notre asso est basée à Ramonville-St-Agne depuis 2019."
    (mention,) = index.find_in_text(sentence)
    assert isinstance(mention, Mention)
    assert sentence[mention.start:mention.end] == mention.text == "Ramonville-St-Agne"
    assert mention.result.status == "found" and mention.result.commune.code == "31446"


def test_find_in_text_postal_code_keeps_department(index):
    (mention,) = index.find_in_text("on est sur le 31600")
    assert mention.result.status == "ambiguous" and mention.result.departement.code == "31"
    assert len(mention.result.candidates) == 8


def test_a_department_next_to_a_name_selects_among_homonyms(index):
    revel = places(index, "on est à Revel (38)")
    assert revel == [("Revel", "commune", "38334"), ("38", "departement", "38")]
    denis = places(index, "je suis à Saint-Denis, La Réunion")
    assert denis[0] == ("Saint-Denis", "commune", "97411")
    denis93 = index.find_in_text("une asso de Saint-Denis 93200")
    assert denis93[0].result.commune.code == "93066"


@pytest.mark.parametrize("sentence", [
    "bonjour, je suis en création",
    "merci beaucoup",
    "on est une asso",
    "salut",
    "Salut ! On est une asso et on cherche des aides.",
    "il y a du monde",
    "on a planté le pin",
    "sur le plan de financement",
    "l'union fait la force",
    "un havre de paix",
    "il est cher",
    "Quarante personnes",
    "à son projet",
    "avec plaisir",
    "quel est le sens de la vie ?",
    "what is this service?",
    "je ne suis pas sûre",
    "accéder aux marchés publics",
    "On vend nos produits sur les marchés de plein vent.",
    "répondre à des marchés publics",
    "je suis en école d'ingénieurs",
    "on stocke dans des granges",
    "un budget de 15000 euros",
    "un budget de 15000€",
    "Je m'appelle Marie",
    "un bateau de plaisance",
    "On travaille sur le Comminges",  # a historical region, not a typo for Comines (Nord)
    "Mons et la suite",
    "le 31 mars",
    "dans 31 jours",
    "<script>alert(1)</script>",
    "Nous voulons créer une épicerie solidaire dans notre quartier.",
    "Est-ce qu'il y a des appels à projets en cours ?",
])
def test_find_in_text_ignores_ordinary_words(index, sentence):
    assert places(index, sentence) == []


def test_ordinary_word_names_need_a_place_context(index):
    assert places(index, "on a planté le pin") == []
    assert places(index, "j'habite à Pin") == [("Pin", "commune", "70410")]
    assert places(index, "on est basés à Eu") == [("Eu", "commune", "76255")]
    assert places(index, "à Y") == [("Y", "commune", "80829")]
    assert places(index, "il y a une asso") == []
    assert places(index, "on est à Quarante") == [("Quarante", "commune", "34226")]
    assert places(index, "Quarante personnes") == []
    assert places(index, "dans le Nord") == [("Nord", "departement", "59")]
    assert places(index, "au nord de Muret") == [("Muret", "commune", "31395")]
    assert places(index, "on habite à Mons") == [("Mons", "commune", "31355")]
    assert places(index, "Mons et la suite") == []


def test_common_words_from_the_caller(index):
    sentence = "on aime Colomiers"
    assert places(index, sentence) == [("Colomiers", "commune", "31149")]
    assert index.find_in_text(sentence, common_words=["colomiers"]) == []
    assert places(index, "on est à Colomiers") == [("Colomiers", "commune", "31149")]
    custom = TerritoryIndex.from_etalab(common_words=["Balma"])
    assert places(custom, "Balma et Muret") == [("Muret", "commune", "31395")]
    assert places(custom, "on est à Balma") == [("Balma", "commune", "31044")]


def test_find_in_text_long_input(index):
    text = "on est à Muret et à Toulouse. " * 300
    mentions = index.find_in_text(text)
    assert len(mentions) == 600
    assert all(text[m.start:m.end] == m.text for m in mentions)
