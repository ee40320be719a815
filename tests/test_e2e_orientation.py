"""Orientation scenarios through the real Rasa and action servers (issue 4).

Each scenario is what a project holder would type, turn by turn. The last
orientation payload of the conversation must contain the ``must`` schemes and
none of the ``must_not`` ones; the profile must hold the expected values.
Justifications cite the seed documents (file:lines).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

pytestmark = pytest.mark.e2e


@dataclass
class Scenario:
    name: str
    turns: list[str]
    profile: dict
    must: list[str] = field(default_factory=list)
    must_not: list[str] = field(default_factory=list)
    why: str = ""
    metadata: dict | None = None


SCENARIOS = [
    Scenario("intercommunality asking by name for Territoires zéro chômeur",
             ["Bonjour, je suis chargée de mission à la communauté d'agglomération de Carcassonne, nos élus veulent "
              "candidater à l'expérimentation Territoires zéro chômeur de longue durée. Qui peut nous aider ?",
              "oui", "c'est une idée", "je ne sais pas", "de l'accompagnement"],
             {"statut": "collectivite", "departement": "11"},
             must=["territoires-zero-chomeur"], must_not=["plateforme-appui-territoires-cd31", "offre-ingenierie-porteurs-cd31"],
             why="TZCLD experimentation supported by departments and local authorities 003:1022-1030, 003:1187; "
                 "the Haute-Garonne offers only in Haute-Garonne 000:2057-2070"),
    Scenario("employer association consolidating in Muret, one message",
             ["Bonjour", "on est une asso employeuse à Muret et on veut consolider", "de l'accompagnement"],
             {"statut": "association", "employeur": True, "stade": "consolidation", "commune": "31395",
              "departement": "31", "besoins": ["accompagnement"]},
             must=["dla", "offre-ingenierie-porteurs-cd31"], must_not=["parcours-adress", "cae"],
             why="DLA for employer structures consolidating: 003:1835-1837, 004:922-926; CD31 desk 000:2072-2089"),
    Scenario("volunteer-only association consolidating: no DLA",
             ["nous sommes une association sans salarié à Toulouse", "on veut consolider notre modèle économique",
              "accompagnement"],
             {"statut": "association", "employeur": False, "stade": "consolidation", "commune": "31555"},
             must=["activ-asso"], must_not=["dla"],
             why="DLA only for employer structures: 004:922-923; Activ'Asso for associations' economic model: 001:2110-2116"),
    Scenario("idea without structure in Toulouse wants support",
             ["Bonjour", "je suis seule, pas encore de structure", "j'ai juste une idée", "Toulouse",
              "je cherche de l'accompagnement"],
             {"statut": "sans_structure", "stade": "idee", "commune": "31555", "departement": "31"},
             must=["parcours-adress"], must_not=["dla", "fonds-rebond-innovation-sociale-cd31"],
             why="ADRESS on the Toulouse metropolitan area: 000:931-934; no DLA nor fonds de rebond without a structure"),
    Scenario("creation without structure outside Toulouse Métropole: no ADRESS",
             ["je veux créer mon activité, je n'ai pas encore de structure", "j'habite à Saint-Gaudens",
              "je voudrais tester mon activité avec un accompagnement"],
             {"statut": "sans_structure", "stade": "creation", "commune": "31483"},
             must=["cae"], must_not=["parcours-adress", "dla"],
             why="CAE to test an activity: 000:941-944; ADRESS only on the metropolis: 000:931-934"),
    Scenario("Comminges project holder gets the local scheme",
             ["bonjour, porteur de projet sans structure à Saint-Gaudens, on démarre", "de l'accompagnement"],
             {"statut": "sans_structure", "stade": "creation", "commune": "31483"},
             must=["start-up-de-territoire-comminges"],
             why="Start Up de territoire Comminges among CD31's schemes: 000:1908-1911"),
    Scenario("SCOP in development needs financing",
             ["on est une SCOP en développement à Blagnac", "on cherche un financement"],
             {"statut": "cooperative", "stade": "developpement", "commune": "31069"},
             must_not=["fonds-amorcage-associatif", "dla"],
             why="Associative funds only for associations: 001:2141-2144; DLA needs employer info"),
    Scenario("employees taking over their company as a SCOP",
             ["mon patron part à la retraite et les salariés veulent reprendre la boîte en scop",
              "à Revel", "de l'accompagnement"],
             {"statut": "entreprise", "stade": "reprise", "commune": "31451"},
             must=["urscop-occitanie"], must_not=["parcours-adress"],
             why="URSCOP supports employees taking over as SCOP: 001:2084-2087; Revel in Haute-Garonne is preferred"),
    Scenario("commune wants to install an ESS activity",
             ["je suis élu d'une commune, on a un projet de tiers-lieu", "c'est à Nailloux",
              "on en est à l'idée", "on cherche un financement et de l'accompagnement"],
             {"statut": "collectivite", "commune": "31396"},
             must=["plateforme-appui-territoires-cd31"],
             must_not=["fonds-amorcage-associatif", "dla", "offre-ingenierie-porteurs-cd31"],
             why="CD31 Plateforme d'appui for communes and EPCI: 000:2057-2070; aids for collectivités only to them"),
    Scenario("association outside Occitanie gets national resources",
             ["nous sommes une association employeuse à Lille", "on veut se développer", "accompagnement"],
             {"statut": "association", "employeur": True, "stade": "developpement", "departement": "59"},
             must=["dla", "avise"],
             must_not=["offre-ingenierie-porteurs-cd31", "cress-occitanie", "activ-asso",
                       "fonds-rebond-innovation-sociale-cd31"],
             why="DLA national: 003:1839; Avise national resource: 004:1453-1456; no Occitanie/HG schemes elsewhere"),
    Scenario("association in Montpellier: Occitanie but not Haute-Garonne",
             ["association employeuse à Montpellier en consolidation", "accompagnement"],
             {"statut": "association", "stade": "consolidation", "departement": "34"},
             must=["cress-occitanie"], must_not=["offre-ingenierie-porteurs-cd31", "theogone", "periscope"],
             why="CRESS is the Occitanie desk: 001:1865-1893; CD31 offers only in Haute-Garonne: 000:2072-2089"),
    Scenario("young company needs premises in Haute-Garonne",
             ["on vient de créer notre entreprise de l'ESS à Ramonville", "on cherche un local"],
             {"statut": "entreprise", "stade": "creation", "commune": "31446"},
             must=["theogone"], must_not=["pepinieres-toulouse-metropole", "la-serre-coworking"],
             why="Théogone hosting for young ESS companies: 000:2322-2353; 2012 pépinières are historical"),
    Scenario("association created in Toulouse needs start-up money",
             ["on vient de créer notre association à Toulouse", "on démarre", "il nous faut des financements pour démarrer"],
             {"statut": "association", "stade": "creation", "commune": "31555", "besoins": ["financement"]},
             must=["fonds-amorcage-associatif"], must_not=["scop-invest", "socoden", "fonds-aides-communes-epci-cd31"],
             why="Fonds d'amorçage associatif 3-10 k€: 001:2141; CGSCOP tools only for SCOP/SCIC: 001:2150-2152"),
    Scenario("social enterprise scaling up",
             ["notre entreprise sociale veut changer d'échelle et essaimer dans d'autres villes",
              "on est à Colomiers", "on a surtout besoin d'être accompagnés", "oui, 8 salariés"],
             {"statut": "entreprise", "stade": "changement_echelle", "commune": "31149"},
             must=["alter-venture"], must_not=["fonds-amorcage-associatif", "cae", "couveuses"],
             why="Alter'Venture for changement d'échelle: 001:963-965"),
    Scenario("postal code covering several communes, then a choice",
             ["association en création", "31290", "/inform{\"commune\": \"31582\"}", "financement"],
             {"statut": "association", "commune": "31582", "departement": "31"},
             why="A postal code shared by several communes must be resolved by asking"),
    Scenario("department only, outside Haute-Garonne",
             ["je suis une coopérative dans le Tarn, on se développe", "financement"],
             {"statut": "cooperative", "departement": "81"},
             must_not=["offre-ingenierie-porteurs-cd31", "fonds-rebond-innovation-sociale-cd31"],
             why="Department-only profile outside 31: no Haute-Garonne offers"),
    Scenario("Corsica: national resources only",
             ["association employeuse à Ajaccio", "en développement", "accompagnement"],
             {"statut": "association", "commune": "2A004", "departement": "2A"},
             must=["dla"], must_not=["cress-occitanie", "offre-ingenierie-porteurs-cd31"],
             why="Corsica is outside Occitanie: national schemes only"),
    Scenario("overseas: La Réunion",
             ["nous sommes une SCIC à Saint-Pierre 974", "on veut consolider", "accompagnement", "oui, 5 salariés"],
             {"statut": "cooperative", "departement": "974"},
             must_not=["cress-occitanie", "offre-ingenierie-porteurs-cd31", "urscop-occitanie"],
             why="Overseas department: no Occitanie structures"),
    Scenario("partner metadata pre-fills the territory",
             ["Bonjour", "association", "en création", "un local"],
             {"statut": "association", "commune": "31395", "departement": "31"},
             metadata={"partenaire": "test", "commune": "31395"},
             why="Partner defaults pre-fill the place (issue 5); the form never asks for it"),
    Scenario("existing structure with social-innovation project in a rural area",
             ["nous sommes une association à Nailloux, projet d'innovation sociale en émergence",
              "on cherche un financement pour une étude de faisabilité"],
             {"statut": "association", "commune": "31396"},
             must=["fonds-rebond-innovation-sociale-cd31"],
             why="Fonds de rebond for ESS structures with a new social-innovation project: 000:2118-2152"),
    Scenario("person without structure cannot get the fonds de rebond",
             ["je n'ai pas de structure, j'ai une idée d'innovation sociale à Muret", "un financement"],
             {"statut": "sans_structure", "commune": "31395"},
             must_not=["fonds-rebond-innovation-sociale-cd31", "dla", "fonds-amorcage-associatif"],
             why="Fonds de rebond targets ESS structures (2014 law): 000:2134-2138"),
    Scenario("cooperative needs legal help on statutes",
             ["on veut créer une SCIC à Castanet-Tolosan", "on est au stade de l'idée",
              "on a besoin d'aide juridique pour rédiger les statuts"],
             {"statut": "sans_structure", "stade": "idee", "besoins": ["juridique"]},
             must=["urscop-occitanie"],
             why="URSCOP accompanies cooperative creation: 000:893-900"),
    Scenario("correction of the status in the middle of the questions",
             ["Bonjour", "association", "non, en fait on est en SCOP", "en développement", "Balma", "financement"],
             {"statut": "cooperative", "stade": "developpement", "commune": "31044"},
             must_not=["fonds-amorcage-associatif", "contrat-apport-associatif"],
             why="A correction replaces the status; associative tools no longer apply"),
    Scenario("a definition question in the middle, then the questions resume",
             ["Bonjour", "c'est quoi le DLA ?", "association employeuse", "consolidation", "Muret", "accompagnement"],
             {"statut": "association", "stade": "consolidation", "commune": "31395"},
             must=["dla"],
             why="Digression answered, form resumed"),
    Scenario("ambiguous commune name Castres goes to the Tarn",
             ["association employeuse en développement à Castres", "accompagnement"],
             {"statut": "association", "departement": "81", "commune": "81065"},
             must=["cress-occitanie"], must_not=["offre-ingenierie-porteurs-cd31"],
             why="Castres (81) preferred as the Occitanie homonym"),
    Scenario("a typo in the commune name",
             ["asso en création à Toulouze", "un local"],
             {"statut": "association", "commune": "31555"},
             why="Small typos are corrected by the knowledge base"),
    Scenario("SMS style",
             ["slt jsuis une asso a balma on demarre", "besoin de sous pr demarrer, un financement quoi"],
             {"statut": "association", "stade": "creation", "commune": "31044"},
             must=["fonds-amorcage-associatif"],
             why="French as typed: missing accents, SMS words"),
    Scenario("insertion structure (SIAE) gets its network",
             ["nous sommes une structure d'insertion par l'activité économique, association employeuse à Muret",
              "en développement", "accompagnement"],
             {"statut": "association", "commune": "31395"},
             must=["dla"],
             why="DLA covers SIAE: 002:251"),
    Scenario("new need after the orientation re-runs it",
             ["association employeuse à Muret en consolidation", "accompagnement", "et pour un local ?"],
             {"statut": "association", "commune": "31395", "besoins": ["hebergement"]},
             must=["periscope"], must_not=["pepinieres-toulouse-metropole"],
             why="A new need re-runs the orientation with that need; Périscope hosts ESS structures: 000:2240-2266"),
    Scenario("unknown place then a valid one",
             ["association en création", "Trifouilly-les-Oies", "Muret", "accompagnement"],
             {"statut": "association", "commune": "31395"},
             why="Unknown commune: suggestions, the conversation goes on, nothing lost"),
    Scenario("dont know the stage gets explanations, then an answer",
             ["Bonjour", "association", "je ne sais pas", "on démarre", "Toulouse", "financement"],
             {"statut": "association", "stade": "creation", "commune": "31555"},
             must=["fonds-amorcage-associatif"],
             why="Explanation after « je ne sais pas », then the form goes on"),
]


def run(chat, scenario: Scenario):
    orientation = None
    transcript = []
    for turn in scenario.turns:
        messages = chat.say(turn)
        transcript.append((turn, [m.get("text", "") for m in messages]))
        for message in messages:
            custom = message.get("custom") or {}
            if "orientation" in custom:
                orientation = custom["orientation"]
                assert message.get("text"), "the orientation message must name the schemes in its text"
                for d in orientation["dispositifs"][:4]:
                    assert d["nom"] in message["text"]
    return orientation, transcript


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_orientation_scenario(new_chat, scenario):
    chat = new_chat(metadata=scenario.metadata)
    orientation, transcript = run(chat, scenario)
    assert orientation is not None, f"no orientation reached: {transcript}"
    slots = chat.slots()
    for key, value in scenario.profile.items():
        if key == "besoins":
            assert set(value) <= set(slots["besoins"] or []), (key, slots["besoins"], transcript)
        else:
            assert slots[key] == value, (key, slots[key], transcript)
    ids = [d["id"] for d in orientation["dispositifs"]]
    for scheme in scenario.must:
        assert scheme in ids, (scheme, ids, scenario.why)
    for scheme in scenario.must_not:
        assert scheme not in ids, (scheme, ids, scenario.why)
    assert orientation["profil"]["statut"] == slots["statut"]
    for d in orientation["dispositifs"]:
        assert d["sources"] and all(".txt:" in s for s in d["sources"])
        assert d["pourquoi"]


def test_at_least_thirty_scenarios():
    assert len(SCENARIOS) >= 30


def test_bad_answers_get_french_replies_and_nothing_is_lost(new_chat):
    """Issue 4's bad input, through the real servers: each gets a French answer, the profile stays."""
    chat = new_chat()
    chat.say("association en création")
    assert "ne correspond à aucune commune" in " ".join(m.get("text", "") for m in chat.say("31999"))
    assert "Je ne trouve pas de commune française nommée « Bruxelles »" in " ".join(
        m.get("text", "") for m in chat.say("Bruxelles"))
    chat.say("Muret")
    messages = chat.say("financement")
    assert any("orientation" in (m.get("custom") or {}) for m in messages)
    chat.say("je veux être rappelé")
    chat.say("oui")
    chat.say("Paul Martin")
    no_at = " ".join(m.get("text", "") for m in chat.say("paul.martin.exemple.fr"))
    letters = " ".join(m.get("text", "") for m in chat.say("06 12 AB 56 78"))
    assert "Il manque le « @ »" in no_at
    assert "ne contient que des chiffres" in letters
    slots = chat.slots()
    assert (slots["statut"], slots["stade"], slots["commune"]) == ("association", "creation", "31395")
    assert slots["besoins"] == ["financement"] and slots["contact_nom"] == "[masqué]"  # the name is kept aside
    assert slots["contact_coordonnees"] is None
