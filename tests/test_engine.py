"""Properties of the orientation engine that hold for every profile, and its named rules.

The golden table (tests/orientation_cases.yml, test_orientation_cases.py) says what comes out for
170+ profiles; these tests say how every answer is built: the payload, the desks of the place and
only them, contacts that lead somewhere, widening, the coded reasons of « pourquoi pas X ? », the
questions that still matter, and no exception on any input.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml

from knowledge.engine import Code, Profile, explain, open_questions, orient
from knowledge.engine.orient import SHOWN, members_at, resolve_contact
from knowledge.engine.profile import locate
from knowledge.engine.rules import applies_at
from knowledge.sources import parse_ref, seed_lines

CASES = yaml.safe_load((Path(__file__).parent / "orientation_cases.yml").read_text(encoding="utf-8"))["cases"]
PROFILES = [c["profile"] for c in CASES]
SOURCE_REF = re.compile(r"^00[0-4]_[0-9a-f]{16}\.txt:\d+(-\d+)?$")
OCCITANIE = {"09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"}
PLACES = {"Toulouse": "31555", "Saint-Gaudens": "31483", "Revel": "31451", "Montpellier": "34172", "Albi": "81004",
          "Lyon": "69123", "Lille": "59350", "Saint-Denis (La Réunion)": "97411", "Mamoudzou": "97611",
          "Ajaccio": "2A004"}


@pytest.mark.parametrize("profile", PROFILES[::3], ids=[c["name"][:50] for c in CASES[::3]])
def test_payload_shape_sources_and_contacts(profile, catalogue, territories):
    payload = orient(profile, catalogue, territories).as_payload()
    assert set(payload) >= {"profil", "dispositifs", "autres_pistes", "notes", "manque"}
    assert payload["dispositifs"]
    for item in payload["dispositifs"]:
        assert {"id", "nom", "pourquoi", "contacts", "sources", "contact", "ou_demander"} <= set(item)
        assert item["pourquoi"].strip() and len(item["pourquoi"].split()) <= 25
        for ref in item["sources"]:
            assert SOURCE_REF.match(ref)
            assert parse_ref(ref).end <= len(seed_lines(parse_ref(ref).file))


@pytest.mark.parametrize("profile", PROFILES, ids=[c["name"][:50] for c in CASES])
def test_desks_of_the_place_only_and_at_the_end(profile, catalogue, territories):
    answer = orient(profile, catalogue, territories)
    shown = answer.shown
    desks = [r for r in shown if r.guichet]
    assert desks and shown[-len(desks):] == desks, "the desks close the answer"
    dep = answer.place.departement
    for rec in shown + answer.recommandations:
        zones = catalogue.get(rec.id)["territoire"]["zones"]
        if dep != "31":
            assert not any(z == "departement:31" or z.startswith("epci:2431") for z in zones), (rec.id, dep)
        if dep and dep not in OCCITANIE:
            assert "region:76" not in zones, (rec.id, dep)


@pytest.mark.parametrize("profile", PROFILES, ids=[c["name"][:50] for c in CASES])
def test_short_answers_at_most_five_specific_and_two_desks(profile, catalogue, territories):
    answer = orient(profile, catalogue, territories)
    specific = [r for r in answer.shown if not r.guichet]
    assert len(specific) <= 5 + len(answer.reseaux) and len([r for r in answer.shown if r.guichet]) <= 2
    assert len({r.pourquoi for r in specific}) == len(specific), "each item says something of its own"


@pytest.mark.parametrize("name,code", PLACES.items())
def test_every_chain_of_referrals_ends_at_a_contact_of_the_place_without_a_loop(name, code, catalogue, territories):
    place, _ = locate(Profile(commune=code), territories)
    members = members_at(catalogue, place, territories)
    for scheme in catalogue:
        if not applies_at(scheme, place, territories):
            continue
        contact, via = resolve_contact(scheme, catalogue, place, territories, members)
        if via is not None:
            assert applies_at(via, place, territories), (scheme["id"], via["id"], name)
            assert contact and not contact["ancien"]


def test_a_national_network_gives_way_to_its_member_in_occitanie(catalogue, territories):
    montpellier = orient({"statut": "cooperative", "stade": "developpement", "commune": "34172",
                          "besoins": ["accompagnement"]}, catalogue, territories)
    lyon = orient({"statut": "cooperative", "stade": "developpement", "commune": "69123",
                   "besoins": ["accompagnement"]}, catalogue, territories)
    assert "urscop-occitanie" in [r.id for r in montpellier.shown] and "urscop" not in montpellier.ids
    assert montpellier.exclusions["urscop"].code == Code.DECLINAISON
    assert "urscop" in [r.id for r in lyon.shown] and "urscop-occitanie" not in lyon.ids
    assert [r.id for r in lyon.guichets][0] == "cress"



@pytest.mark.parametrize("publics,first,absent", [
    (["siae", "entreprises_insertion"], "fei-occitanie", None),  # its own federation first (001:1931-1932)
    (["siae"], None, "fei-occitanie")])                          # an ACI is no entreprise d'insertion
def test_the_network_of_the_narrowest_public_comes_first(catalogue, territories, publics, first, absent):
    answer = orient({"statut": "entreprise" if first else "association", "employeur": True, "stade": "developpement",
                     "commune": "31555", "besoins": ["financement"], "publics": publics}, catalogue, territories)
    networks = [r.id for r in answer.reseaux]
    assert networks and (first is None or networks[0] == first) and absent not in networks


@pytest.mark.parametrize("statut,commune,network", [("association", "31555", "urscop-occitanie"),
                                                     ("entreprise", "69123", "urscop"),
                                                     ("collectivite", "31451", "urscop-occitanie")])
def test_a_structure_that_would_become_a_cooperative_meets_the_cooperative_network(
        catalogue, territories, statut, commune, network):
    profile = {"statut": statut, "stade": "developpement", "commune": commune, "besoins": ["accompagnement"]}
    if statut != "collectivite":
        profile["employeur"] = True
    becoming = orient({**profile, "forme_envisagee": "cooperative"}, catalogue, territories)
    staying = orient(profile, catalogue, territories)
    assert becoming.shown[0].id == network
    assert network not in [r.id for r in staying.shown]
    # the form considered opens the network, not the tools reserved to existing cooperatives
    assert not {"socoden", "sofiscop"} & set(becoming.ids) - set(staying.ids)

def test_the_persons_order_of_needs_counts_and_every_need_is_answered(catalogue, territories):
    base = {"statut": "association", "employeur": True, "stade": "developpement", "commune": "31555"}
    one = orient({**base, "besoins": ["financement", "accompagnement"]}, catalogue, territories)
    other = orient({**base, "besoins": ["accompagnement", "financement"]}, catalogue, territories)
    assert one.profil.besoins == ("financement", "accompagnement")
    assert [r.id for r in one.recommandations] != [r.id for r in other.recommandations]
    for answer in (one, other):
        top = [catalogue.get(r.id)["cible"]["besoins"] for r in answer.recommandations[:SHOWN]]
        assert all(any(b in needs for needs in top) for b in ("financement", "accompagnement"))


def test_nothing_known_gives_the_desks_and_what_would_help(catalogue, territories):
    answer = orient({"commune": "31483"}, catalogue, territories)
    assert answer.recommandations == [] and answer.guichets
    assert set(answer.manque) >= {"statut", "stade", "besoins"}


def test_a_scale_up_label_never_for_an_idea_even_when_widening(catalogue, territories):
    for stade in ("idee", "creation"):
        answer = orient({"statut": "sans_structure", "stade": stade, "besoins": ["financement"]}, catalogue,
                        territories, limit=12)
        assert "la-france-s-engage" not in answer.ids and "novess" not in answer.ids


def test_a_service_before_creation_is_never_widened_to_a_running_structure(catalogue, territories):
    before = {s["id"] for s in catalogue if set(s["cible"].get("stades") or []) and
              set(s["cible"]["stades"]) <= {"idee", "creation"}}
    assert "incubateurs-innovation-sociale" in before
    for profile in ({"statut": "association", "employeur": True, "stade": "developpement", "commune": "59350",
                     "besoins": ["accompagnement"]},
                    {"statut": "entreprise", "employeur": True, "stade": "reprise", "commune": "31555",
                     "besoins": ["accompagnement"]}):
        answer = orient(profile, catalogue, territories, limit=12)
        assert not before & set(answer.ids), profile


def test_a_takeover_is_never_widened_to_the_tools_of_growing_structures(catalogue, territories):
    profile = {"statut": "entreprise", "employeur": True, "stade": "reprise", "commune": "42218",
               "forme_envisagee": "cooperative", "besoins": ["juridique", "accompagnement"]}
    answer = orient(profile, catalogue, territories, limit=12)
    assert answer.recommandations and "dla" not in answer.ids
    for rec in answer.recommandations:
        stades = catalogue.get(rec.id)["cible"].get("stades") or []
        assert not stades or "reprise" in stades, rec.id


def test_widening_is_flagged_and_keeps_strict_fits_first(catalogue, territories):
    answer = orient({"statut": "autre", "stade": "reprise", "commune": "2A004", "besoins": ["marches"]},
                    catalogue, territories)
    if answer.elargi:
        flags = [r.elargi for r in answer.recommandations]
        assert flags == sorted(flags)


def test_why_not_gives_coded_reasons_in_french_with_sources(catalogue, territories):
    volunteers = orient({"statut": "association", "employeur": False, "stade": "consolidation", "commune": "31395",
                         "besoins": ["accompagnement"]}, catalogue, territories, limit=12)
    dla = explain("dla", volunteers, catalogue)
    assert dla.etat == "excluded" and "au moins un salarié" in dla.raison and dla.sources
    lyon = orient({"statut": "sans_structure", "stade": "idee", "commune": "69123", "besoins": ["accompagnement"]},
                  catalogue, territories, limit=12)
    adress = explain("parcours-adress", lyon, catalogue)
    assert adress.etat == "excluded" and "territoire" in adress.raison
    assert explain("pas-un-dispositif", lyon, catalogue).etat == "unknown"


def test_open_questions_ask_only_what_changes_the_answer(catalogue, territories):
    assert open_questions({}, catalogue, territories) == ["statut", "stade", "commune", "besoins"]
    assert "employeur" in open_questions({"statut": "association", "stade": "consolidation", "commune": "31395",
                                          "besoins": ["accompagnement"]}, catalogue, territories)
    assert "commune" not in open_questions({"statut": "association", "departement": "69"}, catalogue, territories)
    assert "commune" in open_questions({"statut": "association", "departement": "31"}, catalogue, territories)


@pytest.mark.parametrize("raw", [None, {}, [], (), "", "association", 42, 3.14, True, b"x", object(),
                                 {"statut": 3}, {"besoins": "financement"}, {"besoins": {"x": 1}},
                                 {"commune": "99999"}, {"departement": "ZZ"}, {"employeur": "oui"},
                                 {"statut": "sans_structure", "employeur": True}])
def test_orient_never_raises_on_garbage(raw, catalogue, territories):
    answer = orient(raw, catalogue, territories)
    assert answer.shown


def test_orient_never_raises_on_random_profiles(catalogue, territories):
    rnd = random.Random(31)
    values = {"statut": ["association", "cooperative", "collectivite", None, "x"],
              "stade": ["idee", "reprise", None], "commune": ["31555", "97611", "2B033", None, "00000"],
              "besoins": [["financement"], [], ["marches", "reseau", "x"]], "employeur": [True, False, None]}
    for _ in range(150):
        profile = {k: rnd.choice(v) for k, v in values.items()}
        assert orient(profile, catalogue, territories).shown


def test_engine_is_pure(catalogue, territories):
    profile = {"statut": "association", "stade": "creation", "commune": "31555", "besoins": ["financement"]}
    first = orient(profile, catalogue, territories).as_payload()
    assert orient(dict(profile), catalogue, territories).as_payload() == first


def test_a_scheme_asked_for_by_name_comes_first_or_is_explained(catalogue, territories):
    """« Nos élus veulent candidater à Territoires zéro chômeur »: the experimentation first (003:1022-1030);
    a person without a structure asking for the DLA hears why not (employers only, 004:922-923)."""
    elus = orient({"statut": "collectivite", "stade": "idee", "departement": "11", "besoins": ["accompagnement"],
                   "dispositifs_demandes": ["territoires-zero-chomeur"]}, catalogue, territories)
    assert elus.shown[0].id == "territoires-zero-chomeur" and not elus.cites_exclus
    porteur = orient({"statut": "sans_structure", "stade": "idee", "commune": "31555", "besoins": ["accompagnement"],
                      "dispositifs_demandes": ["dla"]}, catalogue, territories)
    assert "dla" not in porteur.ids and "salarié" in porteur.cites_exclus["dla"][1]
    # out of the territory is no reason to give: the regional counterpart is in the answer
    lyon = orient({"statut": "cooperative", "stade": "developpement", "commune": "69123", "besoins": ["accompagnement"],
                   "dispositifs_demandes": ["urscop-occitanie"]}, catalogue, territories)
    assert not lyon.cites_exclus and "urscop" in [r.id for r in lyon.shown]


@pytest.mark.parametrize("extra", [{"forme_envisagee": "association"}, {"forme_envisagee": "cooperative"},
                                   {"stade": "reprise", "forme_envisagee": None}])
def test_testing_an_activity_is_for_an_activity_of_ones_own_not_started(extra, catalogue, territories):
    """000:941-944, 003:1018: a group creating an association or a cooperative, or a takeover, never
    gets the CAE or the couveuses, not even when the search widens; the reason can be said."""
    profile = {"statut": "sans_structure", "stade": "idee", "commune": "33063", "departement": "33",
               "besoins": ["accompagnement"], **extra}
    answer = orient(profile, catalogue, territories, limit=12)
    ids = [r.id for r in answer.recommandations + answer.guichets]
    assert "cae" not in ids and "couveuses" not in ids
    assert answer.exclusions["cae"].code in (Code.ACTIVITE_INDIVIDUELLE, Code.STADE)
    if "stade" not in extra:
        said = explain("cae", answer, catalogue)
        assert said.etat == "excluded" and "tester une activité que l'on lance soi-même" in said.raison


def test_a_person_testing_alone_still_gets_the_cae(catalogue, territories):
    profile = {"statut": "sans_structure", "stade": "idee", "commune": "33063", "departement": "33",
               "besoins": ["accompagnement"], "publics": ["demandeurs_emploi"]}
    assert "cae" in [r.id for r in orient(profile, catalogue, territories).shown]


def test_a_cooperative_takeover_is_that_of_a_company_not_one_person_buying_a_shop(catalogue, territories):
    """004:806-817: the URSCOP accompanies employees taking over their company as a SCOP."""
    base = {"stade": "reprise", "commune": "11076", "departement": "11", "besoins": ["financement"]}
    alone = orient({**base, "statut": "sans_structure", "publics": ["salaries"]}, catalogue, territories, limit=12)
    assert "urscop-occitanie" not in [r.id for r in alone.recommandations + alone.guichets]
    employees = orient({**base, "statut": "entreprise", "employeur": True}, catalogue, territories)
    assert "urscop-occitanie" in [r.id for r in employees.shown]


def test_a_group_that_names_the_cae_hears_why_it_is_not_for_them(catalogue, territories):
    profile = {"statut": "sans_structure", "stade": "idee", "commune": "33063", "departement": "33",
               "besoins": ["accompagnement"], "forme_envisagee": "association", "dispositifs_demandes": ["cae"]}
    named = orient(profile, catalogue, territories).cites_exclus
    assert "cae" in named and "tester une activité" in named["cae"][1]
