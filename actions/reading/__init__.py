"""The one reader of messages: from a parsed message to profile slot updates.

``read_message(parse, requested, known, territories)`` is a pure function used by the
assistant (``action_read_message``, run by Rasa on every user message), by the NLU
benchmark and by the tests, so that what is measured is what runs. It combines:
- the words of ``knowledge/vocabulary/words.yml`` found in the text;
- the sentence's syntax (``context.Syntax``): negated, planned, about someone else, asked for;
- what the person is (personas: « je suis au RSA », « un chantier d'insertion »);
- the question being asked (``requested``): a short answer is read as an answer to it;
- places, found by the territory index (``places``).
Values are always canonical (knowledge/values.py); nothing else reaches a slot.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from actions.reading.context import MEMBER_NOUNS_F, Syntax
from actions.reading.places import ANSWER_INTENTS, entity_values, place_from_message
from knowledge.values import BESOINS, EMPLOYER_STATUTS, FORMES, PUBLICS, STADES, STATUTS
from knowledge.vocabulary import Match, fold, named_schemes, scheme_names, vocabulary

PROFILE_SLOTS = ("statut", "stade", "commune", "departement", "besoins", "employeur")
# When two stages are named, the one that says most about today wins (« créée en 2019, on veut
# se développer » is in development; « une idée de création » is an idea).
STAGE_PRIORITY = ("reprise", "changement_echelle", "consolidation", "developpement", "idee", "creation")
# Two grammatical patterns rather than words, hence here and not in words.yml: a year after a verb of
# founding or existing (its age says the stage), and the end of « entrer au capital d'une » (a SCIC named
# next is the form of a structure the writer joins, not the writer's status).
YEARS = re.compile(r"\b(cree|creee|creees|crees|fonde|fondee|fondees|fondes|existe|existons|existent|ouvert|ouverte|"
                   r"lance|lancee|monte|montee|immatricule|immatriculee|depuis|tourne|tournons|activite|commence|demarre|debute) "
                   r"(en |depuis |le [0-9]{1,2} [a-z]+ |en [a-z]+ )?(?P<year>(19|20)[0-9]{2})\b")
AGES = re.compile(r"\b(cree|creee|creees|crees|fonde|fondee|monte|montee|lance|lancee|ouvert|ouverte|existe|existons|"
                  r"existent|tourne|tournons|immatricule|immatriculee|demarre)( (la|le|l|notre|mon|ma|une|un) [a-z]+)? "
                  r"(il y a|depuis) (?P<n>[0-9]{1,3}|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix) ans?\b"
                  r"|\b(il y a|depuis) (?P<m>[0-9]{1,3}|deux|trois|quatre|cinq|six|sept|huit|neuf|dix) ans (que )?"
                  r"(nous |on |j |je |l association |la structure |elle )?(existe|existons|tourne|tournons|"
                  r"avons cree|a cree|ai cree|avons monte|a monte|est creee|a ete creee)")
NUMBERS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
           "neuf": 9, "dix": 10}
NEW_ACTIVITY = re.compile(r"\b(lancons|lancer|lance|lancent|ouvrons|ouvrir|creons|creer|developper|developpons|monter|"
                          r"montons|demarrer|demarrons) (un|une|le|la|notre|nos|des)( nouveau| nouvelle| nouvel)? "
                          r"(service|activite|projet|action|atelier|offre|pole|antenne|etablissement|site|filiere)\b")
TAKEOVER_AS_COOP = re.compile(r"\b(reprendre|reprise|racheter|rachat|transformer|transmettre|transmission)\b[^.?!]{0,40}"
                              r"\b(sous forme de|sous forme d une|en|sous le statut de) (scop|scic|cooperative)\b")
# The status words of a structure that exists (a vague « rien de monté » said of the project does not undo them).
STRUCTURE_NOUNS = re.compile(r"\b(structure|statut|asso|association|societe|entreprise|boite|scop|scic|cooperative|"
                             r"entite|immatricule\w*|declare\w*|constitue\w*)\b")
# « on m'a parlé des SCIC », « j'ai entendu parler des coopératives jeunesse »: heard of, not what one is.
HEARSAY = re.compile(r"\b(entendu parler|on m a parle|on nous a parle|on m a conseille|on nous a conseille|"
                     r"on m a dit|on nous a dit|on m a oriente|on nous a oriente)\b(?:(?!\b(?:mais|et|car)\b)[^.?!,;]){0,30}$")
JOINS = re.compile(r"\b(capital|societaire|parts?|actionnaire|associee?s?) (d|de|dans|au sein d|au sein de) (une|la|l)? ?$")
# Selling and being known are never what a project is about: « développer notre chiffre d'affaires avec
# les acheteurs publics » asks for markets even as the object of « développer ».
TRADE_NEEDS = ("marches", "reseau")
ADD_WORDS = ("aussi", "egalement", "en plus", "et aussi", "de plus", "ainsi que")
# « je ne sais pas par où commencer : statut, financement » asks to be guided too; alone, it says no need
# (the needs question is then asked).
LOST = re.compile(r"\bpar (quoi|o[uù]) (commencer|d[ée]buter|d[ée]marrer)\b|\bcomment (s'|m'|nous |s’|m’)y prendre\b",
                  re.IGNORECASE)
TOPIC_OR_REJECTED = re.compile(r"(comment (fonctionne|fonctionnent|marche|marchent)|ce qu (est|sont)|fonctionnement (d|de|des)|"
                               r"c est quoi|qu est ce qu|plutot qu|plutot que|au lieu d|au lieu de)( (un|une|la|le|les|l|d|des))?$")
# « vendre l'imprimerie », « céder sa boîte »: selling the business itself is a takeover, not a search for customers.
SOLD_BUSINESS = re.compile(r"^(l |la |le |sa |son |notre |leur |mon |ma |cette |ce |une |un )?(entreprise|boite|societe|"
                           r"affaire|commerce|imprimerie|garage|atelier|restaurant|bar|magasin|librairie|usine|"
                           r"exploitation|ferme|menuiserie|fonds de commerce|cabinet|boulangerie|epicerie|sarl|sas|scop)\b")
# In a question about something else the words are its topic (« c'est quoi une couveuse ? » asks for no
# accompaniment, « il fait beau à Toulouse ? » gives no place): needs only in statements and answers,
# places only in statements, answers and questions that describe the project.
STATEMENT_INTENTS = {"inform", "request_orientation", "nlu_fallback", "affirm", "deny", "ask_human", "dont_know",
                     "greet"}
QUESTION_INTENTS = {"ask_definition", "ask_conditions", "ask_why_not", "ask_details", "ask_contact", "ask_more",
                    "ask_capabilities", "out_of_scope", "bot_challenge", "feedback"}
PLACE_INTENTS = STATEMENT_INTENTS | {"ask_definition", "greet"}
DESCRIBING_QUESTIONS = {"ask_conditions", "ask_details", "ask_contact", "ask_why_not", "ask_more"}


def looks_like_question(text: str) -> bool:
    """The form of a question (a question mark, an interrogative start), whatever the classifier said:
    « être accompagné pour voir si c'est faisable », given to « De quoi avez-vous besoin ? », is an answer."""
    folded = fold(text).strip()
    return text.rstrip().endswith("?") or bool(vocabulary().signal("question").match(folded)) \
        or " t il " in f" {folded} " or " t elle " in f" {folded} "


@dataclass
class Reading:
    """What one message says: slot updates, and how it relates to the question asked."""
    slots: dict[str, Any] = field(default_factory=dict)
    answered: bool = False      # the question asked got a usable answer
    unknown: bool = False       # « je ne sais pas » to the question asked
    failed: bool = False        # an attempt to answer it that gave nothing usable
    corrections: dict[str, Any] = field(default_factory=dict)  # known values this message changed

    def profile(self) -> dict[str, Any]:
        return {k: v for k, v in self.slots.items() if k in PROFILE_SLOTS}


def _intent(parse: dict) -> Optional[str]:
    intent = parse.get("intent")
    return intent.get("name") if isinstance(intent, dict) else intent


class _Message:
    """A message with its words and syntax, and the tests the slot readers share."""

    def __init__(self, parse: dict, requested: Optional[str]):
        self.text = str(parse.get("text") or "")
        self.intent = _intent(parse)
        self.entities = parse.get("entities") or []
        self.requested = requested
        self.payload = self.text.startswith("/")
        self.foreign = self.intent == "other_language"
        usable = not self.payload and not self.foreign
        self.words: list[Match] = _outside_scheme_names(self.text, vocabulary().matches(self.text)) if usable else []
        self.syntax = Syntax(parse.get("syntaxe") if usable else None)
        self.folded = fold(self.text)

    def answering(self, slot: str) -> bool:
        return self.requested == slot and self.intent in ANSWER_INTENTS | {"nonsense"}

    def of(self, kind: str, *strengths: str) -> list[Match]:
        """The words of a kind; in a question, only those said of the writer (« je suis une asso, c'est
        quoi le DLA ? » tells the status, « c'est quoi une SCIC ? » does not)."""
        words = [m for m in self.words if m.kind == kind and m.strength in strengths]
        if self.intent in QUESTION_INTENTS or (self.text.rstrip().endswith("?") and self.intent != "inform"):
            words = [m for m in words if self.syntax.said_of_self(m.start, m.end)]
        return words

    def fact(self, m: Match) -> bool:
        """Says something true of the writer's own structure today (« pas encore de structure » is
        always about the writer)."""
        s = self.syntax
        if m.value == "sans_structure":
            return not s.negated(m.start, m.end)  # « porteur de projet sans structure »: always the writer's
        return not (s.negated(m.start, m.end) or s.intended(m.start, m.end) or s.about_other(m.start, m.end))


def _alternatives(msg: _Message, words: list[Match]) -> set[Match]:
    """« une asso ou une coopérative ? »: a choice to make, not what the structure is."""
    out = set()
    for a, b in zip(words, words[1:]):
        between = fold(msg.text[a.end:b.start]).split()
        before = fold(msg.text[max(0, a.start - 12):a.start]).split()[-1:]
        if (between[:1] == ["ou"] or (between[:1] == ["et"] and before == ["entre"])) and len(between) <= 3:
            out |= {a, b}
    return out


def _statut(msg: _Message, known: dict, out: dict) -> None:
    strengths = ("mots", "reponses") if msg.answering("statut") else ("mots",)
    words = msg.of("statut", *strengths)
    # « je suis conseiller municipal mais je vous écris à titre personnel »: not the local authority
    private = bool(vocabulary().signal("personnel").search(msg.folded))
    if private:
        words = [m for m in words if m.value != "collectivite"]
    choices = _alternatives(msg, words)
    facts = [m for m in words if msg.fact(m) and m not in choices and not msg.syntax.joined(m.start, m.end)
             and not _heard_of(msg, m)]
    # A form learnt about or set aside (« comment marche une coopérative », « plutôt qu'une association »)
    # is not what the writer is.
    facts = [m for m in facts if not TOPIC_OR_REJECTED.search(fold(msg.text[max(0, m.start - 40):m.start]))]
    # Another structure that acts (« une SCIC locale nous propose d'entrer à son capital ») is not the writer's;
    # once the status is known, a structure that is the subject of a verb (« la SCIC existe ») does not change it.
    correcting = known.get("statut") not in (None, "sans_structure") and not msg.answering("statut")
    facts = [m for m in facts if (acting := msg.syntax.acting_subject(m.start, m.end)) is None
             or (acting is False and not correcting)]
    if known.get("statut") == "sans_structure" and not msg.answering("statut"):
        # « rédiger les statuts de l'association » after « rien n'est fait »: the association planned
        facts = [m for m in facts if not msg.syntax.complement_of_noun(m.start, m.end, unless=MEMBER_NOUNS_F)]
    if known.get("statut") not in (None, "sans_structure") and not msg.answering("statut"):
        # « c'est une idée, rien de monté » answers the stage of a project of an existing structure
        facts = [m for m in facts if m.value != "sans_structure" or STRUCTURE_NOUNS.search(fold(m.text))]
    if any(m.strength == "mots" for m in facts):
        # a word that is a status only as a short answer (« citoyenne ») gives way to a real one
        # (« une SCIC d'énergie citoyenne »)
        facts = [m for m in facts if m.strength == "mots"]
    # « on hésite entre SCOP et SCIC »: two forms of one status; the choice is inside the cooperatives.
    chosen_within = {m.value for m in choices} if len({m.value for m in choices}) == 1 else set()
    # A person's situation (retired, job seeker) is the writer's only when said of « je » or « on ».
    personas = [m for m in msg.of("persona", "mots") if (msg.fact(m) or (
        m.value == "quartier" and not msg.syntax.negated(m.start, m.end))) and not (  # « d'un quartier prioritaire »
        vocabulary().personas[m.value].get("statut") == "sans_structure" and msg.syntax.of_someone_named(m.start, m.end))
        and not (m.value == "seul" and msg.answering("employeur"))  # « toute seule »: nobody employed
        # « le gérant part à la retraite »: someone's retirement, not a retired writer
        and not (m.value == "retraite" and fold(msg.text[max(0, m.start - 6):m.start]).split()[-1:] in (["la"], ["sa"]))
        and not (vocabulary().personas[m.value].get("statut") not in (None, "sans_structure")
                 and msg.syntax.wished(m.start, m.end) and msg.syntax.names_a_thing(m.start, m.end))]
    # (« tester l'activité dans une CAE »: a wish; « reprendre l'entreprise de mon patron » says who one is)
    planned = [m for m in msg.of("statut", "mots") if (msg.syntax.intended(m.start, m.end) or _heard_of(msg, m))
               and not msg.syntax.negated(m.start, m.end)
               and (not msg.syntax.other_subject(m.start, m.end) or _impersonal_before(msg, m))
               # « aider des jeunes à monter leur propre coopérative »: their plan, not the writer's
               and not {"leur", "leurs"} & set(fold(msg.text[max(0, m.start - 16):m.start]).split()[-2:])]
    not_created = [m for m in msg.of("statut", "mots") if msg.syntax.negated_structure(m.start, m.end)]
    no_structure = bool(not_created)
    # « je n'ai pas encore créé ma micro-entreprise » corrects a status said before.
    undoes_known = any(m.value == known.get("statut") for m in not_created)
    gives = [vocabulary().personas[m.value] for m in personas]
    if private:
        gives = [{k: v for k, v in g.items() if not (k == "statut" and v == "collectivite")} for g in gives]
    if known.get("statut") and not facts:
        gives = [{k: v for k, v in g.items() if k != "statut"} for g in gives]  # a persona does not undo a status
    # A planned structure of a kind with its own networks (« créer une régie de quartier ») says whom
    # the project serves, not what the writer is: its publics count, not its status.
    planned_personas = [vocabulary().personas[m.value] for m in msg.of("persona", "mots")
                        if msg.syntax.intended(m.start, m.end) and not msg.syntax.negated(m.start, m.end)]
    # The writer's own structure before another one named in passing (« association culturelle à Luchon...
    # depuis que la mairie a vendu le bâtiment »); between two of the same weight, the last (a correction).
    own = [m for m in facts if not msg.syntax.acts_in_passing(m.start, m.end)]
    statut = (own or facts)[-1].value if facts else next((g["statut"] for g in reversed(gives) if g.get("statut")), None)
    # A plan says there is no structure yet when the writer plans it (« on veut monter une SCOP »), not a
    # fragment (« SCOP en cours de création »).
    planned_by_self = [m for m in planned if (msg.syntax.said_of_self(m.start, m.end) or not msg.syntax.ok)
                       and not _heard_of(msg, m)]  # heard of: a form considered, not a status
    if statut is None and (no_structure or planned_by_self) and (known.get("statut") is None or msg.answering("statut")
                                                                 or undoes_known):
        statut = "sans_structure"
        # Employees who take over their company as a cooperative (« reprendre la boîte en SCOP »): the
        # company exists; it is what is taken over.
        if not no_structure and _takeover_of_a_company(msg):
            statut = "entreprise"
    if statut:
        out["statut"] = statut
    # The legal form planned: for a person without a structure, the one to create; for a structure, the
    # one it would become (« passer en SCOP », a commune entering a SCIC): its network applies too.
    current = statut or known.get("statut")
    formes = [m.value for m in planned if m.value in FORMES and m.value != current]
    formes += [v for v in chosen_within if v in FORMES and v != current]
    coop = TAKEOVER_AS_COOP.search(msg.folded)
    if current != "cooperative" and coop and not {"pas", "ni", "sans", "plus"} & set(
            msg.folded[max(0, coop.start() - 25):coop.end()].split()):
        formes.append("cooperative")  # « reprendre l'atelier sous forme de SCOP », whoever the parser takes for the subject
    if formes and current is not None:
        out["forme_envisagee"] = formes[-1]
    elif current not in (None, "cooperative") and any(
            not msg.syntax.negated(m.start, m.end) and JOINS.search(fold(msg.text[max(0, m.start - 40):m.start]))
            for m in msg.of("statut", "mots") if m.value == "cooperative"):
        out["forme_envisagee"] = "cooperative"  # « entrer au capital d'une SCIC »: a member of a cooperative to be
    publics = [p for g in gives + planned_personas for p in g.get("publics", [])]
    if publics:
        merged = list(known.get("publics") or []) + publics
        out["publics"] = [p for p in PUBLICS if p in merged]
    employer = [g["employeur"] for g in gives if isinstance(g.get("employeur"), bool)]
    if employer:
        out["employeur"] = employer[-1]


def _done(msg: _Message, m: Match) -> bool:
    """The need word is a past participle after « avoir » (« on a embauché », « nous avons recruté »)."""
    if len(m.text.split()) > 1:
        return False  # « a perdu son local » says a need
    for t in msg.syntax.tokens:
        if m.start <= t["s"] < m.end and t.get("m", {}).get("VerbForm") == "Part" and t.get("p") == "VERB":
            return any(u.get("l") == "avoir" and u.get("h") == t["i"] for u in msg.syntax.tokens)
    return False


def _purpose_of_a_creation(msg: _Message, m: Match) -> bool:
    """« je veux créer une entreprise d'insertion pour embaucher des jeunes »: what the project is for."""
    if fold(msg.text[max(0, m.start - 6):m.start]).split()[-1:] != ["pour"] or msg.syntax.asked_for(m.start, m.end):
        return False
    return any(c.value == "creation" and c.end <= m.start and msg.syntax.creation_wished(c.start, c.end)
               for c in msg.of("stade", "mots"))


def _takeover_of_a_company(msg: _Message) -> bool:
    takeover = [m for m in msg.of("stade", "mots") if m.value == "reprise" and not msg.syntax.negated(m.start, m.end)
                and msg.syntax.said_of_self(m.start, m.end)]
    company = [m for m in msg.of("statut", "mots") if m.value == "entreprise" and not msg.syntax.negated(m.start, m.end)]
    employee = bool(re.search(r"\b(je suis|nous sommes|on est) (salarie|salariee|salaries|salariees|employe|employee)s?\b"
                              r"|\b(mes|nos) collegues\b|\bles salaries\b", msg.folded))
    return bool(takeover and company and employee)


def _stade(msg: _Message, out: dict) -> None:
    """The stage the words say today. Wanting to create (« on veut créer une asso », « je voudrais me
    lancer ») does not say whether it is an idea or a creation: the question is asked."""
    s = msg.syntax
    strengths = ("mots", "reponses") if msg.answering("stade") else ("mots",)
    found = {m.value for m in msg.of("stade", *strengths)
             if not s.negated(m.start, m.end) and not s.after_before(m.start, m.end)
             and not (m.value == "creation" and (s.creation_wished(m.start, m.end) or _nothing_made(msg, m)
                                                 or (_in_a_question(msg, m) and not msg.answering("stade"))))}
    found |= _stage_from_years(msg.folded)
    for value in STAGE_PRIORITY:
        if value in found:
            out["stade"] = value
            return


def _nothing_made(msg: _Message, m: Match) -> bool:
    """« on n'a rien créé », « rien de monté »: nothing has been created."""
    before = fold(msg.text[max(0, m.start - 12):m.start]).split()
    return before[-1:] == ["rien"] or before[-2:] == ["rien", "de"]


def _in_a_question(msg: _Message, m: Match) -> bool:
    """The words are inside a sentence that ends with a question mark (« faut-il créer une asso ? »)."""
    rest = msg.text[m.end:]
    stop = re.search(r"[.!?\n]", rest)
    return bool(stop) and stop.group(0) == "?"


def _impersonal_before(msg: _Message, m: Match) -> bool:
    """« faut-il créer une association ? »: the impersonal « il » is the writer's own question."""
    return bool(re.search(r"\b(faut il|il faut|faudrait il|il faudrait)\b(?:(?!\b(?:mais|et)\b).){0,30}$",
                          fold(msg.text[max(0, m.start - 50):m.start])))


def _heard_of(msg: _Message, m: Match) -> bool:
    return bool(HEARSAY.search(fold(msg.text[max(0, m.start - 80):m.start])))


def _stage_from_years(folded: str, today: Optional[_dt.date] = None) -> set[str]:
    """« créée en 2008 », « on existe depuis 2015 »: two years or more is an established structure,
    this year or last year a creation (the word « créée » alone would say creation)."""
    year = (today or _dt.date.today()).year
    out = set()
    ages = [year - int(m.group("year")) for m in YEARS.finditer(folded)]
    for m in AGES.finditer(folded):
        n = m.group("n") or m.group("m")
        ages.append(int(n) if n.isdigit() else NUMBERS[n])
    for age in ages:
        if 0 <= age <= 1:
            out.add("creation")
        elif 2 <= age <= 150:
            out.add("developpement")
    return out


def _listed_after_lost(text: str) -> Optional[tuple[int, int]]:
    """Where the list after « je ne sais pas par où commencer : » runs (to the end of its sentence)."""
    for lost in LOST.finditer(text):
        rest = text[lost.end():]
        if rest.lstrip().startswith(":"):
            start = lost.end() + rest.index(":") + 1
            end = re.search(r"[.!?]|$", text[start:]).start() + start
            return start, end
    return None


def _test_is_the_purpose(msg: _Message) -> bool:
    """« un financement pour tester mon activité »: the test is what another need is for."""
    for m in msg.of("test_activite", "mots"):
        before = fold(msg.text[max(0, m.start - 40):m.start])
        if re.search(r"(financement|pret|argent|sous|subvention|aide financiere|local|lieu|salle) (pour|afin de)( le| la| l| mon| ma| de)?$", before):
            return True
    return False


def _besoins(msg: _Message, known: dict, out: dict) -> None:
    s = msg.syntax
    if msg.answering("besoins"):
        words = [m for m in msg.of("besoins", "mots", "reponses", "faibles") if not s.negated(m.start, m.end)]
    else:
        words = [m for m in msg.of("besoins", "mots")
                 if not (s.negated(m.start, m.end) or (s.project_subject(m.start, m.end) and m.value not in TRADE_NEEDS)
                         or s.other_subject(m.start, m.end)
                         # « on veut vendre nos produits »: the wish to sell asks for outlets
                         or (s.own_activity(m.start, m.end) and not (m.value in TRADE_NEEDS and s.asked_for(m.start, m.end)))
                         or _purpose_of_a_creation(msg, m)
                         # « accueillir des formations »: a service the writer offers
                         or (m.value in ("formation", "accompagnement") and s.offered(m.start, m.end)))]
        statuts = msg.of("statut", "mots")
        words += [m for m in msg.of("besoins", "faibles")  # not the field of a structure (« Scop d'ingénierie »)
                  if s.asked_for(m.start, m.end) and not s.negated(m.start, m.end)
                  and not s.complement_of_noun(m.start, m.end)  # « le matériel de cuisine »
                  and not s.other_subject(m.start, m.end)  # « notre patron veut vendre »: his wish, not a need
                  and not any(fold(msg.text[k.end:m.start]) in ("d", "de", "du") for k in statuts if k.end <= m.start)]
        listed = _listed_after_lost(msg.text)  # « par où commencer : le statut, les aides » lists what is needed
        words += [m for m in msg.of("besoins", "faibles") if listed and listed[0] <= m.start < listed[1] and m not in words]
        # A need is what the person asks for: when they ask for something, the words of the story that
        # leads to it (« depuis la baisse de nos financements », « on a du mal à maintenir les emplois »)
        # are context, not more needs.
        # Told as what happened and not asked for, they are no need at all: the need is then asked.
        asked = [m for m in words if s.asked_for(m.start, m.end) or s.wished(m.start, m.end)]
        words = [m for m in words if m in asked or not _in_the_story(msg, m)]
        # Something done (« on se développe, on a embauché 2 personnes cette année ») is no need.
        words = [m for m in words if m in asked or _in_a_question(msg, m) or not _done(msg, m)]
    words = [m for m in words if not (m.value == "marches" and SOLD_BUSINESS.match(fold(msg.text[m.end:m.end + 40])))]
    if not msg.answering("besoins"):
        # « un tiers-lieu (coworking, fablab, café) »: what is in brackets describes, it asks for nothing
        brackets = [b.span() for b in re.finditer(r"\([^()]*\)", msg.text)]
        words = [m for m in words if not any(a < m.start and m.end < b for a, b in brackets)
                 or s.asked_for(m.start, m.end)]
    if msg.intent == "ask_human":
        # « un conseiller au téléphone » asks for a person (the call-back), not for an accompaniment.
        words = [m for m in words if m.value != "accompagnement"]
    # « de l'aide », « aider » say which need only when nothing more precise is said.
    precise = [m for m in words if m.strength != "reponses"]
    needs = list(dict.fromkeys(m.value for m in sorted(precise or words, key=lambda m: m.start)))
    if not needs:
        return
    if LOST.search(msg.text) and not msg.answering("besoins"):
        needs = list(dict.fromkeys(needs + ["accompagnement"]))
    if known.get("besoins") and (any(f" {w} " in f" {msg.folded} " for w in ADD_WORDS)
                                 or (msg.requested not in (None, "besoins"))):
        # Needs said in passing while answering another question (« ça dépend de quand on a l'agrément ? »)
        # add to those already given; only an answer to the needs question replaces them.
        needs = list(dict.fromkeys(list(known["besoins"]) + needs))
    out["besoins"] = needs


def _employeur(msg: _Message, out: dict) -> None:
    s = msg.syntax
    answering = msg.answering("employeur")
    if answering and msg.intent in ("affirm", "deny") and not msg.words:
        out["employeur"] = msg.intent == "affirm"
        return
    found: list[tuple[int, int, bool]] = []
    for m in msg.of("employeur", "mots", "reponses"):
        if m.strength == "reponses" and not answering:
            continue
        if s.negated(m.start, m.end) or s.other_subject(m.start, m.end):
            continue
        if m.value == "oui" and s.hired(m.start, m.end):
            continue  # « on voudrait embaucher deux salariés »: a need, not staff
        if m.value == "oui" and any(t.start <= m.end and m.start <= t.end for t in msg.of("test_activite", "mots")):
            continue  # « être salarié de sa propre activité » describes a CAE, not staff
        found.append((0 if m.strength == "mots" else 1, -m.start, m.value == "oui"))
    if found:
        out["employeur"] = min(found)[2]
    elif answering and msg.intent in ("affirm", "deny"):
        out["employeur"] = msg.intent == "affirm"


def _flags(msg: _Message, out: dict) -> None:
    """Yes-or-no facts said in words: a social-innovation project, wanting to test an activity."""
    for kind in ("innovation_sociale", "test_activite"):
        for m in msg.of(kind, "mots"):
            out[kind] = not msg.syntax.negated(m.start, m.end)


def _in_the_story(msg: _Message, m: Match) -> bool:
    """The words come just after « depuis », « du mal à », « la baisse de »… in their clause (signaux.recit)."""
    before = re.split(r"[.;:!?,]", msg.text[max(0, m.start - 45):m.start])[-1]
    return bool(vocabulary().signal("recit").search(fold(before)))


def _named(msg: _Message, known: dict, out: dict) -> None:
    """Schemes asked for by name (« on voudrait candidater à Territoires zéro chômeur », « je cherche une
    couveuse »): the engine puts them first when they fit, and says why when they do not."""
    s = msg.syntax
    if msg.intent not in STATEMENT_INTENTS and not (msg.intent in DESCRIBING_QUESTIONS and s.speaks_of_self()):
        return
    named = [(i, start, end, s.head(start, end)) for i, start, end in named_schemes(msg.text)
             if not s.negated(start, end)]
    asked = {h for i, start, end, h in named if s.asked_for(start, end) or s.wished(start, end)}
    # « une couveuse ou une CAE »: a scheme coordinated with one asked for is asked for too
    ids = [i for i, _s, _e, h in named if h in asked or (h is not None and s.tokens[h]["h"] in asked
                                                          and s.tokens[h].get("d") == "conj")]
    if ids:
        out["dispositifs_demandes"] = list(dict.fromkeys(list(known.get("dispositifs_demandes") or []) + ids))


def _payload(msg: _Message, out: dict) -> None:
    """Button payloads carry canonical values (``/inform{"statut": "association"}``)."""
    for slot, entity, allowed in (("statut", "statut", STATUTS), ("stade", "stade", STADES)):
        values = [v for v in entity_values(msg.entities, entity) if v in allowed]
        if values:
            out[slot] = values[-1]
    needs = [v for v in entity_values(msg.entities, "besoin") if v in BESOINS]
    if needs:
        out["besoins"] = list(dict.fromkeys(needs))
    for v in entity_values(msg.entities, "employeur"):
        if isinstance(v, bool) or str(v).lower() in ("true", "false"):
            out["employeur"] = v if isinstance(v, bool) else str(v).lower() == "true"


# Inside the name of a scheme, these words say nothing of the writer: « Territoire zéro chômeur » is no job
# seeker, « le Mouvement associatif » no association. Needs stay (« un prêt ESS » is a money need), and a
# word that is the whole name stays (« régie de quartier », « coopérative d'activité et d'emploi »).
NAMED_KINDS = ("statut", "persona", "employeur", "stade")


def _outside_scheme_names(text: str, words: list[Match]) -> list[Match]:
    names = [(m.start(), m.end()) for m in scheme_names().finditer(text)]
    if not names:
        return words
    return [w for w in words if w.kind not in NAMED_KINDS
            or not any(s <= w.start and w.end <= e and (s, e) != (w.start, w.end) for s, e in names)]


def _without_scheme_names(text: str) -> str:
    """The text with scheme and glossary names blanked (same length), so that « PASS Occitanie » or
    « Alter'Incub » is not read as a place."""
    if text.startswith("/"):
        return text
    return scheme_names().sub(lambda m: " " * len(m.group(0)), text)


def read_message(parse: dict, requested: Optional[str], known: Optional[dict], territories) -> Reading:
    """Every slot one message sets, given the question asked (``requested``) and the ``known`` slots."""
    known = dict(known or {})
    msg = _Message(parse or {}, requested)
    out: dict[str, Any] = {}
    if msg.payload:
        _payload(msg, out)
    else:
        _statut(msg, known, out)
        _stade(msg, out)
        if msg.intent in STATEMENT_INTENTS or requested == "besoins":
            _besoins(msg, known, out)
        _employeur(msg, out)
        _flags(msg, out)
        wants_test = any((re.search(r"\btest(er|ant)\b|salari\w* de ", fold(m.text)) or msg.syntax.wished(m.start, m.end))
                         and not msg.syntax.negated(m.start, m.end)
                         for m in msg.of("test_activite", "mots"))
        if wants_test and msg.intent in STATEMENT_INTENTS | DESCRIBING_QUESTIONS and not msg.answering("besoins") \
                and not _test_is_the_purpose(msg):
            # Wanting to test an activity (in a CAE or a couveuse) asks for an accompaniment (CONTRACT.md:
            # « accompagnement (advice, diagnosis, coaching, incubation, activity test) »), besides any other
            # need; a need asked for the test (« un financement pour tester ») is the need.
            needs = list(out.get("besoins") or known.get("besoins") or [])
            if "accompagnement" not in needs:
                out["besoins"] = needs + ["accompagnement"]
        _named(msg, known, out)
    statut = out.get("statut", known.get("statut"))
    employs = out.get("employeur", known.get("employeur")) is True
    if out.get("stade") == "creation" and statut in ("association", "cooperative", "entreprise") and employs \
            and NEW_ACTIVITY.search(msg.folded) and not msg.answering("stade"):
        out["stade"] = "developpement"  # « nous lançons un service de portage de repas »: a new activity
    said_idea = any("idee" in fold(m.text) for m in msg.of("stade", "mots", "reponses") if m.value == "idee")
    if out.get("stade") == "idee" and statut in ("association", "cooperative", "entreprise") and employs \
            and (not msg.answering("stade") or (known.get("statut") is not None and not said_idea)):
        # A structure that employs people and starts a new project (« nous voulons lancer un nouveau
        # projet, une étude de faisabilité ») develops; an idea stage is that of a project without a structure.
        out["stade"] = "developpement"
    if statut in ("sans_structure", "collectivite"):
        out.pop("employeur", None)
        if known.get("employeur") is not None:
            out["employeur"] = None
    if statut is not None and out.get("forme_envisagee") == statut:
        out.pop("forme_envisagee", None)
    if out.get("statut", known.get("statut")) != known.get("statut") and "forme_envisagee" not in out \
            and known.get("forme_envisagee"):
        out["forme_envisagee"] = None  # a new status: the form once considered may not hold any more
    other_words = any(k in out for k in ("statut", "stade", "besoins", "employeur"))
    place = {}
    # A question that also tells about the writer (« je suis à la communauté d'agglomération de Carcassonne,
    # qui peut nous aider à candidater ? ») gives the place too.
    tells = msg.intent in DESCRIBING_QUESTIONS and msg.syntax.speaks_of_self()
    if msg.payload or msg.intent in PLACE_INTENTS or requested == "commune" or tells:
        place = place_from_message(_without_scheme_names(msg.text), msg.entities, msg.intent, requested,
                                   territories, departement=known.get("departement"), other_words=other_words)
    for key, value in place.items():
        if value is not None or known.get(key) is not None:
            out[key] = value
    reading = Reading(slots={k: v for k, v in out.items() if known.get(k) != v})
    reading.corrections = {k: v for k, v in reading.slots.items()
                           if k in ("statut", "stade", "employeur", "commune", "departement")
                           and known.get(k) is not None and v is not None}
    if requested:
        reading.unknown = msg.intent == "dont_know"
        reading.answered = out.get(requested) is not None
        if requested == "commune":
            reading.answered = reading.answered or bool(place.get("departement")) or bool(place.get("lieu_statut"))
        if not reading.answered and not reading.unknown and msg.intent in ANSWER_INTENTS | {"nonsense"}:
            # A correction of another answer (« non, en fait on est en SCOP ») is used, not a failure.
            reading.failed = not any(k in reading.slots for k in PROFILE_SLOTS)
    return reading


__all__ = ["Reading", "read_message", "looks_like_question", "PROFILE_SLOTS", "EMPLOYER_STATUTS"]
