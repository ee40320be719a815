"""What the syntax of a sentence says about a word: negated, intended, about someone else, asked for.

Works on the plain tokens that ``components/syntax.py`` adds to the NLU result (spaCy's
French dependency parse): no spaCy here, so the reader stays a pure function. Without a
parse (button payloads, old trackers) every word is taken as a plain fact.

The rules, in the words of the issue they fix:
- under a negation (« pas », « plus », « jamais », « aucun », « sans », « ni ») a word is not
  a fact about the present structure: « on n'a pas encore monté de société »;
- under an intention (« vouloir », « envisager de », « avant de », « pour créer », the object
  of « créer », « monter », « passer en ») it is a plan, not the present status;
- a status or persona word only counts when it says what the writer's own structure is:
  « on se réunit à la salle de la mairie », « mon frère a une SCOP » say nothing of the writer;
- a need word is what the person asks for (« il nous faut un atelier »), not what the project is
  about (« on monte un atelier vélo »).
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from knowledge.vocabulary import fold as fold_word, vocabulary

# Relations that start another clause: a scope does not cross them.
CLAUSE_BOUNDARY = {"conj", "parataxis", "advcl", "ccomp", "acl:relcl", "csubj", "punct", "cc",
                   "dislocated", "vocative", "discourse", "reparandum", "list", "orphan"}
NEGATORS = {"pas", "plus", "jamais", "point", "guère", "guere", "nullement", "aucun", "aucune",
            "sans", "ni", "non"}
IMPERSONAL = {"falloir", "manquer", "rester", "exister", "agir", "sembler", "paraître"}
NEEDS_NE = {"plus", "jamais", "point", "guère", "guere"}  # « plus de 10 salariés » is no negation
LINEAR_BOUNDARIES = {",", ";", ":", "mais", "plutôt", "plutot", "sauf", "cependant", "pourtant", "."}
INTENT_VERBS = {"vouloir", "souhaiter", "envisager", "penser", "compter", "projeter", "prévoir",
                "aimer", "espérer", "rêver", "désirer", "essayer", "tenter", "réfléchir", "hésiter",
                "chercher", "viser", "imaginer", "préparer", "devoir", "pouvoir"}
# « on préfère une coopérative », « apprendre comment marche une coopérative »: what they govern is a
# plan or a topic, not what the writer is.
PLAN_VERBS = {"préférer", "apprendre", "comprendre", "découvrir"}
# Verbs that make something new: their object is a plan (« créer ma boîte », « monter une asso »).
NEW_VERBS = {"créer", "monter", "lancer", "fonder", "ouvrir", "constituer", "immatriculer", "déclarer",
             "démarrer", "installer", "implanter", "construire", "bâtir", "mettre", "organiser", "former", "faire",
             "monte", "cree", "relancer",  # the parser's lemma of « je monte », « je cree » is the form itself
             # works on what one has (« aménager une deuxième salle », « rénover notre local »): a project
             "aménager", "réaménager", "rénover", "agrandir", "équiper"}
# Verbs that change something that exists: the object is the present structure, the target
# (« en SCOP », « devenir une SCIC ») the plan (« passer mon entreprise en SCOP »).
CHANGE_VERBS = {"passer", "transformer", "devenir", "transmettre", "céder", "reprendre", "racheter",
                "développer", "structurer", "rejoindre", "évoluer", "basculer", "convertir"}
CREATE_VERBS = NEW_VERBS | CHANGE_VERBS
TAKEOVER_VERBS = {"reprendre", "racheter", "relancer"}
CREATE_NOUNS = {"création", "projet", "idée", "envie", "lancement", "reprise", "transmission",
                "transformation", "passage", "constitution", "montage", "ouverture", "démarrage"}
FUTURE_MARKS = {"avant", "pour", "afin"}
NEED_TRIGGERS = {"chercher", "rechercher", "besoin", "falloir", "trouver", "manquer", "obtenir",
                 "demander", "solliciter", "vouloir", "souhaiter", "aimer", "désirer", "espérer",
                 "aider", "aide", "intéresser", "nécessiter", "accéder", "bénéficier", "louer",
                 "recherche", "cherche", "demande", "question", "besoins", "recevoir", "décrocher", "lever",
                 "prospecter", "conseiller", "avoir besoin"}
VERB_TRIGGERS = {"conseiller", "chercher", "trouver", "demander", "aider"}  # need words only as verbs here
JOIN_VERBS = {"rejoindre", "integrer", "adherer", "entrer"}
REFLEXIVE = {"se", "s'", "s", "me", "m'", "m", "nous", "vous", "te", "t'"}
POSSESSIVES = {"nos", "notre", "mes", "mon", "ma", "leurs", "leur", "ses", "son", "sa"}
SELF_PRONOUNS = {"je", "j'", "j", "on", "nous", "moi", "c'", "ce", "cela", "ça", "ca", "c"}
FIRST_POSSESSIVES = {"mon", "ma", "mes", "notre", "nos"}
OTHER_PEOPLE = {"frère", "sœur", "soeur", "ami", "amie", "mari", "femme", "épouse", "fils", "fille",
                "père", "mère", "cousin", "cousine", "collègue", "voisin", "voisine", "patron", "patronne",
                "oncle", "tante", "copain", "copine", "conjoint", "conjointe", "compagnon", "compagne",
                "parent", "parents", "client", "partenaire", "beau-frère", "belle-sœur"}
MEMBER_NOUNS = {"salarié", "salariée", "membre", "président", "présidente", "trésorier", "trésorière",
                "bénévole", "directeur", "directrice", "coordinateur", "coordinatrice", "fondateur",
                "fondatrice", "gérant", "gérante", "responsable", "adhérent", "adhérente", "chargé",
                "chargée", "secrétaire", "salariés", "bénévoles", "associé", "associée", "coopérateur",
                "sociétaire", "élu", "élue", "maire", "agent", "agente", "dirigeant", "dirigeante",
                "administrateur", "administratrice", "animateur", "animatrice", "cogérant", "cogérante",
                "co-gérant", "co-gérante", "cofondateur", "cofondatrice", "co-fondateur", "co-fondatrice",
                "encadrant", "encadrante", "vice-président", "vice-présidente", "codirecteur", "codirectrice",
                "dg", "pdg", "délégué", "déléguée", "gestionnaire", "chef", "cheffe"}
FORM_NOUNS = {"statut", "forme", "structure", "régime", "cadre", "modèle", "type"}
SELF_PREPOSITIONS = {"en", "sous", "sans"}  # « en SCOP », « sous forme associative », « sans salarié »
MEMBER_VERBS = {"travailler", "bosser", "être", "exercer", "œuvrer", "militer", "s'engager"}
HIRE_VERBS = {"embaucher", "recruter", "engager", "trouver", "chercher", "rechercher", "salarier", "employer"}
LOCATION_VERBS = {"habiter", "vivre", "résider", "loger", "déménager", "quitter"}
SERVICE_VERBS = {"accompagner", "former", "financer", "conseiller", "aider", "soutenir", "héberger", "orienter",
                 "communiquer", "animer", "fédérer", "vendre", "réseauter"}
OFFER_VERBS = {"accueillir", "proposer", "organiser", "dispenser", "offrir", "animer", "donner", "assurer"}
BENEFICIARY_VERBS = {"accompagner", "aider", "employer", "accueillir", "former", "recruter", "embaucher",
                     "servir", "soutenir", "insérer", "orienter", "conseiller", "loger", "héberger",
                     "cibler", "viser", "toucher", "sensibiliser", "mobiliser", "fédérer", "réunir",
                     # partners the project would involve: « associer la commune », « solliciter la mairie »
                     "associer", "impliquer", "solliciter", "contacter", "démarcher", "convaincre",
                     "rencontrer", "inviter", "intégrer", "interpeller", "consulter"}


class Syntax:
    """A parsed sentence, with the scopes of negations and intentions computed once."""

    def __init__(self, tokens: Optional[Iterable[dict]]):
        self.tokens: list[dict[str, Any]] = [dict(t) for t in (tokens or []) if isinstance(t, dict)]
        n = len(self.tokens)
        self.ok = n > 0 and all(isinstance(t.get("h"), int) and 0 <= t["h"] < n for t in self.tokens)
        if not self.ok:
            self.tokens = []
        self.children: list[list[int]] = [[] for _ in self.tokens]
        for t in self.tokens:
            if t["h"] != t["i"]:
                self.children[t["h"]].append(t["i"])
        self.negated_by: list[set[int]] = [set() for _ in self.tokens]
        self.negation_root: dict[int, int] = {}
        self.intended_by: list[set[int]] = [set() for _ in self.tokens]  # a plan: « créer une asso »
        self.wished_by: list[set[int]] = [set() for _ in self.tokens]    # a wish: « on voudrait embaucher »
        self.future: list[bool] = [False for _ in self.tokens]
        if self.ok:
            self._mark()

    # Structure --------------------------------------------------------------------------------

    def _low(self, i: int) -> str:
        return self.tokens[i]["t"].lower()

    def _lemma(self, i: int) -> str:
        """The lemma without accents: people type « creer une asso », and the parser's lemma is then « creer »."""
        return fold_word(self.tokens[i].get("l") or self._low(i))

    def _dep(self, i: int) -> str:
        return self.tokens[i].get("d") or ""

    def _has_own_subject(self, i: int) -> bool:
        return any(self._dep(c).startswith("nsubj") for c in self.children[i])

    def scope(self, root: int) -> set[int]:
        """``root`` and what depends on it within its clause."""
        out, todo = {root}, [root]
        while todo:
            for c in self.children[todo.pop()]:
                if self._dep(c) in CLAUSE_BOUNDARY or (self._has_own_subject(c) and self._dep(c) != "xcomp"):
                    continue
                if c not in out:
                    out.add(c)
                    todo.append(c)
        return out

    def _noun_phrase(self, root: int) -> set[int]:
        """« pas de salarié dans ma SAS »: the negation is of the noun, not of what it is in."""
        return {root} | {c for c in self.children[root] if self._dep(c) in ("det", "amod", "fixed", "flat:name", "nummod", "case")}

    def _boundary_between(self, i: int, j: int) -> bool:
        """A comma, « mais », « plutôt »… between two words: a negation does not reach past it
        (« pas de local, plutôt de l'argent »)."""
        lo, hi = sorted((i, j))
        return any(self._low(k) in LINEAR_BOUNDARIES for k in range(lo + 1, hi))

    def _completed(self, verb: int) -> bool:
        """« on a créé », « on vient de créer »: done, so its object is a present fact."""
        tok = self.tokens[verb]
        if tok.get("m", {}).get("VerbForm") == "Part" and any(
                self._dep(c).startswith("aux") and self._lemma(c) in ("avoir", "etre") for c in self.children[verb]):
            return True
        head = tok["h"]
        return head != verb and self._lemma(head) == "venir" and any(
            self._low(c) in ("de", "d'") for c in self.children[verb])

    def _mark(self) -> None:
        words = [self._low(i) for i in range(len(self.tokens))]
        for i, word in enumerate(words):
            if word in NEGATORS:
                if word in NEEDS_NE and "ne" not in words[max(0, i - 4):i] and "n'" not in words[max(0, i - 4):i]:
                    continue
                if word == "pas" and i + 1 < len(words) and words[i + 1] in ("mal", "seulement", "que"):
                    continue
                if word == "pas" and i + 1 < len(words) and words[i + 1] in ("cher", "chère", "chers", "chères", "loin", "trop") \
                        and "ne" not in words[max(0, i - 4):i] and "n'" not in words[max(0, i - 4):i]:
                    continue  # « un local pas cher », « pas loin de Muret »: no negation of the sentence
                # « non » negates the word it stands before (« non employeur »), not a correction
                # (« une asso, enfin non, une SCIC »).
                if word == "non" and not (i + 1 < len(words) and self.tokens[i + 1].get("p") in ("NOUN", "ADJ")
                                          and self.tokens[i]["h"] == i + 1):
                    continue
                root = self.tokens[i]["h"] if self.tokens[i]["h"] != i else i
                while self.tokens[root].get("p") == "ADV" and self.tokens[root]["h"] != root:
                    root = self.tokens[root]["h"]  # « pas encore monté »: « pas » hangs on « encore »
                if self.tokens[root].get("p") == "AUX" and self._dep(root).startswith(("cop", "aux")) \
                        and self.tokens[root]["h"] != root:
                    root = self.tokens[root]["h"]  # « je ne suis pas en société »: the predicate is negated
                if self._lemma(root) == "savoir":
                    continue  # « on ne sait pas comment le financer »: not knowing how is no denial
                roots = [root]
                before = words[max(0, i - 5):i]
                if word in ("aucun", "aucune", "rien", "personne") and ("ne" in before or "n'" in before):
                    verb = self.tokens[root]["h"]
                    if verb != root:
                        roots.append(verb)  # « nous n'avons créé aucune structure »: the verb too
                for r in roots:
                    self.negation_root[i] = r
                    scope = self.scope(r) if self.tokens[r].get("p") != "NOUN" else self._noun_phrase(r)
                    for c in self.children[r]:
                        if self._dep(c).startswith("nsubj") and c != i and word not in ("aucun", "aucune", "personne", "rien", "nul"):
                            scope -= self.scope(c)  # « la mairie ne veut pas… »: the subject is not negated
                    for j in scope:
                        if not self._boundary_between(i, j):
                            self.negated_by[j].add(i)
        for i in range(len(self.tokens)):
            lemma, dep = self._lemma(i), self._dep(i)
            if lemma in INTENT_VERBS:
                for c in self.children[i]:
                    if self._dep(c) in ("xcomp", "ccomp", "obj", "obl:arg"):
                        for j in self.scope(c):
                            self.wished_by[j].add(i)
            if lemma in PLAN_VERBS:
                for c in self.children[i]:
                    if self._lemma(c) in ("rester", "garder", "continuer", "demeurer"):
                        continue  # « on préfère rester en association »: what is stays
                    if self._dep(c) in ("xcomp", "ccomp", "obj", "obl:arg"):
                        for j in self.scope(c):
                            self.intended_by[j].add(i)
            if lemma in CREATE_VERBS and not self._completed(i):
                for c in self.children[i]:
                    if self._dep(c) not in ("obj", "obl:arg", "obl:mod", "xcomp", "obl"):
                        continue
                    if lemma == "faire" and self._lemma(c) == "partie":
                        continue  # « je fais partie d'une asso »: a member, not a plan
                    if lemma in CHANGE_VERBS and lemma != "devenir" and not (self._dep(c) == "xcomp" or any(
                            self._low(g) in ("en", "sous") for g in self.children[c])):  # « sous forme de SCOP »
                        # « reprendre l'atelier sous forme de SCOP »: the form planned hangs on the object
                        for n in self.scope(c):
                            if n != c and self._dep(n).startswith("nmod") and any(self._low(g) in ("en", "sous")
                                                                                  for g in self.children[n]):
                                for j in self.scope(n):
                                    self.intended_by[j].add(i)
                        continue
                    for j in self.scope(c):
                        self.intended_by[j].add(i)
            if lemma in CREATE_NOUNS and self.tokens[i].get("p") == "NOUN":
                for c in self.children[i]:
                    if self._dep(c).startswith("nmod"):
                        for j in self.scope(c):
                            self.intended_by[j].add(i)
            if dep == "mark" and lemma in FUTURE_MARKS:
                head = self.tokens[i]["h"]
                for j in self.scope(head):
                    self.wished_by[j].add(i)
                    if lemma == "avant":
                        self.future[j] = True

    # Questions about a span of the text -------------------------------------------------------

    def head(self, start: int, end: int) -> Optional[int]:
        """The token of [start, end) that the others depend on."""
        inside = [t["i"] for t in self.tokens if t["s"] < end and start < t["e"]]
        if not inside:
            return None
        for i in inside:
            if self.tokens[i]["h"] not in inside or self.tokens[i]["h"] == i:
                return i
        return inside[0]

    def _span(self, start: int, end: int) -> set[int]:
        return {t["i"] for t in self.tokens if t["s"] < end and start < t["e"]}

    def negated(self, start: int, end: int) -> bool:
        """Under a negation that is not part of the words themselves (« pas de salarié » is a fact)."""
        h = self.head(start, end)
        return h is not None and bool(self.negated_by[h] - self._span(start, end))

    def intended(self, start: int, end: int) -> bool:
        h = self.head(start, end)
        if h is None:
            return False
        if any(self._dep(c) == "acl" and self._lemma(c) in CREATE_VERBS
               and self.tokens[c].get("m", {}).get("VerbForm") == "Part" for c in self.children[h]):
            return False  # « SAS créée le mois dernier »: it exists
        if not self._hypothetical_before(h) and any(
                self._dep(c) == "cop" and self.tokens[c].get("m", {}).get("Mood") == "Ind"
                and self.tokens[c].get("m", {}).get("Tense") != "Fut" for c in self.children[h]):
            return False  # « …, on est une asso »: a predicate in the present indicative says what is
        return bool(self.intended_by[h] - self._span(start, end)) or self._after_create_word(h) \
            or self._hypothetical_before(h)

    def _hypothetical_before(self, h: int) -> bool:
        """« peut-être en SCIC », « éventuellement une asso »: a possibility, not what the structure is."""
        words = [self._low(j) for j in range(max(0, h - 5), h)]
        joined = " ".join(words)
        return any(w in vocabulary().signal_words("hypothese") for w in words) or "pourquoi pas" in joined \
            or "peut etre" in joined or "peut être" in joined

    def said_of_self(self, start: int, end: int) -> bool:
        """The clause of the words has the writer as its subject (« je suis », « on est », « nous avons »),
        or the words carry « notre », « mon »… or « en tant que »: in a question, only such words say
        something about the writer (« c'est quoi une SCIC ? » does not)."""
        h = self.head(start, end)
        if h is None:
            return False
        if any(self._low(c) in FIRST_POSSESSIVES for c in self.children[h]) or \
                any(self._low(j) == "que" and j > 0 and self._low(j - 1) == "tant" for j in range(max(0, h - 3), h)):
            return True
        subject = self._subject(h)
        return subject is not None and self._low(subject) in {"je", "j'", "j", "on", "nous", "moi"}

    def acting_subject(self, start: int, end: int) -> Optional[bool]:
        """The words are the subject of a verb that is not « être » (« une SCIC nous propose d'entrer »,
        « la SCIC existe »): None when not a subject; True when that verb acts on the writer."""
        h = self.head(start, end)
        if h is None or not self._dep(h).startswith("nsubj") or any(
                self._low(c) in FIRST_POSSESSIVES for c in self.children[h]):
            return None
        verb = self.tokens[h]["h"]
        if verb == h or self._dep(h) != "nsubj" or self._lemma(verb) in ("etre", "avoir") \
                or any(self._dep(c) in ("cop", "aux:pass") for c in self.children[verb]):
            return None  # « l'association a été créée en 2019 » says what the writer's structure is
        return any(self._low(c) in ("nous", "me", "m'", "m") and not self._dep(c).startswith("nsubj")
                   for c in self.children[verb])

    def names_a_thing(self, start: int, end: int) -> bool:
        """The words are a noun phrase (a kind of structure), not a verb phrase (« reprendre l'entreprise de… »)."""
        h = self.head(start, end)
        return h is not None and self.tokens[h].get("p") in ("NOUN", "PROPN")

    def speaks_of_self(self) -> bool:
        """Somewhere the writer is a subject (« je suis », « nos élus veulent »): the message tells about them."""
        return any(self._dep(i).startswith("nsubj") and (self._low(i) in {"je", "j'", "j", "on", "nous"}
                                                         or any(self._low(c) in FIRST_POSSESSIVES for c in self.children[i]))
                   for i in range(len(self.tokens)))

    def acts_in_passing(self, start: int, end: int) -> bool:
        """The words are the subject of a verb (not of « être »), without « notre », « mon »: another actor of
        the story (« depuis que la mairie a vendu le bâtiment ») rather than what the writer is."""
        h = self.head(start, end)
        if h is None or not self._dep(h).startswith("nsubj"):
            return False
        verb = self.tokens[h]["h"]
        return verb != h and self.tokens[verb].get("p") == "VERB" \
            and not any(self._low(c) in FIRST_POSSESSIVES for c in self.children[h])

    def of_someone_named(self, start: int, end: int) -> bool:
        """The clause has a noun for subject (« le gérant part à la retraite »): a person's situation
        said of someone else than « je » or « on »."""
        h = self.head(start, end)
        subject = self._subject(h) if h is not None else None
        return subject is not None and subject not in self._span(start, end) \
            and self.tokens[subject].get("p") in ("NOUN", "PROPN") and self._low(subject) not in SELF_PRONOUNS

    def hired(self, start: int, end: int) -> bool:
        """« on voudrait embaucher deux salariés »: people to hire, not staff."""
        h = self.head(start, end)
        if h is None:
            return False
        span = self._span(start, end)
        if any(self._lemma(j) in HIRE_VERBS and self.tokens[j].get("p") == "VERB"
               and (self.tokens[j].get("m") or {}).get("VerbForm") == "Fin" and not self.wished_by[j] for j in span):
            return False  # « notre asso emploie 3 personnes »: staff today
        parent = self.tokens[h]["h"]
        return self._lemma(parent) in HIRE_VERBS or any(self._lemma(j) in HIRE_VERBS for j in range(max(0, h - 4), h))

    def wished(self, start: int, end: int) -> bool:
        """Under « vouloir », « envisager », « pour »…: not (yet) a fact (« on voudrait embaucher deux salariés »)."""
        h = self.head(start, end)
        return h is not None and bool((self.wished_by[h] | self.intended_by[h]) - self._span(start, end))

    def creation_wished(self, start: int, end: int) -> bool:
        """« on veut créer », « je voudrais me lancer »: making something new, only wished."""
        h = self.head(start, end)
        return h is not None and self._lemma(h) in NEW_VERBS | {"lancer", "demarrer"} and self.wished(start, end)

    def _after_create_word(self, h: int) -> bool:
        """« se lancer en société », « passer en SCOP »: the parser may attach the noun elsewhere, so
        a creation word just before it (same clause, not done) also makes it a plan."""
        for j in range(h - 1, max(-1, h - 5), -1):
            tok = self.tokens[j]
            if tok.get("p") == "PUNCT" or self._dep(j).startswith("nsubj"):
                return False
            if self._lemma(j) in CREATE_VERBS and tok.get("p") == "VERB" and not self._completed(j):
                return self._lemma(j) in NEW_VERBS or self._lemma(j) == "devenir" or self._low(h - 1) == "en"
            if self._lemma(j) in CREATE_NOUNS and tok.get("p") == "NOUN":
                return True
            if tok.get("p") in ("VERB", "AUX") and j != h:
                return False
        return False

    def after_before(self, start: int, end: int) -> bool:
        """Under « avant de »: a later step (« avant de me lancer »), not the present stage."""
        h = self.head(start, end)
        return h is not None and self.future[h]

    def negated_structure(self, start: int, end: int) -> bool:
        """« on n'a pas (encore) monté de société », « sans asso », « ni asso ni entreprise »: no structure
        (but « on n'est pas une asso » only says what it is not)."""
        h = self.head(start, end)
        if h is None or not self.negated(start, end):
            return False
        if any(self._dep(c) == "case" and self._lemma(c) in ("dans", "chez", "a", "pour", "avec", "aupres") for c in self.children[h]):
            return False  # « pas de salarié dans l'association »: the structure is where, not what is missing
        roots = {self.negation_root.get(i) for i in self.negated_by[h] - self._span(start, end)}
        node = h
        for _ in range(8):
            if any(self._lemma(c) == "etre" and self._dep(c) == "cop" for c in self.children[node]):
                return False
            if node in roots or self.tokens[node]["h"] == node:
                return True
            node = self.tokens[node]["h"]
        return True

    def _subject(self, i: int) -> Optional[int]:
        node = i
        for _ in range(6):
            for c in self.children[node]:
                if self._dep(c).startswith("nsubj"):
                    return c
            if self.tokens[node]["h"] == node or self._dep(node) in CLAUSE_BOUNDARY:
                return None
            node = self.tokens[node]["h"]
        return None

    def _is_self_subject(self, s: int) -> bool:
        low = self._low(s)
        if low in SELF_PRONOUNS:
            return True
        verb = self.tokens[s]["h"]
        if low in ("qui", "ce", "ça", "ca", "cela") and self._lemma(verb) in ("manque", "manquer", "falloir") and any(
                self._low(c) in ("nous", "me", "m'", "m") for c in self.children[verb]):
            return True  # « ce qui nous manque, c'est… »: the writer's need
        if low == "qui" and self._dep(verb) == "acl:relcl" and self.tokens[verb]["h"] != verb:
            # « on est une asso qui veut passer en SCOP », « notre asso qui a deux salariés »: the
            # writer's structure when its antecedent is.
            antecedent = self.tokens[verb]["h"]
            if any(self._low(c) in FIRST_POSSESSIVES for c in self.children[antecedent]) \
                    or self.tokens[antecedent]["h"] == antecedent:
                return True  # « notre asso qui… », or a fragment: « une asso qui n'emploie personne »
            if any(self._dep(c) == "cop" for c in self.children[antecedent]):
                subject = self._subject(antecedent)
                return subject is not None and subject != s and self._low(subject) in SELF_PRONOUNS
            return False
        if low == "il" and (self._dep(s) == "expl:subj" or self._lemma(self.tokens[s]["h"]) in IMPERSONAL):
            return True  # « il nous faudrait un local »
        if self.tokens[s].get("p") not in ("NOUN", "PROPN", "PRON"):
            return True  # a misparse (a verb as subject) says nothing of who it is
        if self.tokens[s].get("p") == "PROPN" or self._lemma(s) in OTHER_PEOPLE_F or low in ("il", "elle", "ils", "elles"):
            return False
        return any(self._low(c) in FIRST_POSSESSIVES for c in self.children[s]) or self.tokens[s].get("p") == "NOUN"

    def about_other(self, start: int, end: int) -> bool:
        """The words describe someone or something other than the writer's own structure."""
        h = self.head(start, end)
        if h is None:
            return False
        node = h
        while self._dep(node) in ("amod", "flat:name", "fixed", "compound", "nummod", "det") and self.tokens[node]["h"] != node:
            node = self.tokens[node]["h"]
        # « associer les usagers et la commune »: a second conjunct has the role of the first
        while self._dep(node) == "conj" and self.tokens[self.tokens[node]["h"]].get("p") in ("NOUN", "PROPN") \
                and self.tokens[node]["h"] != node:
            node = self.tokens[node]["h"]
        dep = self._dep(node)
        head = self.tokens[node]["h"]
        if dep in ("appos", "nmod") and self.tokens[head].get("p") == "PROPN" \
                and not any(self._dep(c) == "case" for c in self.children[node]):
            return False  # « L'Isle-en-Dodon, asso de 8 ans, … »: the place, then what the writer is
        if any(self._dep(c) == "cop" for c in self.children[node]):
            # « je suis au RSA », « nous sommes une asso »: a predicate says what its subject is.
            subject = self._subject(node)
            return subject is not None and not self._is_self_subject(subject)
        if any(self._low(c) in FIRST_POSSESSIVES for c in self.children[node]):
            return False  # « mon idée », « notre asso »
        if self._on_behalf(node):
            return False  # « je vous écris au nom du bureau de l'association »: the writer's
        span = self._span(start, end)
        # (a place is described by nothing: « je suis à Revel, au RSA » hangs « au RSA » on « Revel »)
        if (dep.startswith("nmod") or dep == "obl:mod") and self.tokens[head].get("p") == "NOUN" and head not in span \
                and any(self._dep(c) == "case" for c in self.children[node]) \
                and not self._of_member_noun(head):
            return True  # « des jeunes au RSA »: the words describe another noun
        cases = [self._lemma(c) for c in self.children[node] if self._dep(c) in ("case", "mark") and c not in span]
        if (dep.startswith("nmod") or dep.startswith("obl")) and cases:
            if cases[0] in SELF_PREPOSITIONS or (dep == "obl:arg" and self._lemma(head) in CREATE_VERBS):
                return False
            if self._of_member_noun(head):
                return False
            if self._lemma(head) in MEMBER_VERBS and cases[0] in ("dans", "pour", "chez", "a", "au"):
                return False
            return True
        if self._other_person_before(h):
            return True
        if dep.startswith("nsubj"):
            if any(self._low(c) in FIRST_POSSESSIVES for c in self.children[node]):
                return False
            verb = head
            if any(c != node and self._low(c) in ("nous", "me", "m'", "moi", "m") and c > node for c in self.children[verb]):
                return True  # « la commune nous prête un local »
            return False
        if dep == "obj" and head != node:
            if self._lemma(head) in BENEFICIARY_VERBS or self._lemma(head) in LOCATION_VERBS:
                return True
            if self._lemma(head) in TAKEOVER_VERBS and (
                    any(self._lemma(c) in ("un", "une", "des") for c in self.children[node])
                    or any(self._dep(c).startswith("nmod") and not any(self._lemma(g) in SELF_PREPOSITIONS
                                                                       for g in self.children[c])
                           for c in self.children[node])):  # « la boîte en SCOP » is still the same boîte
                # « reprendre une entreprise », « racheter le bar du village »: a business to take over, not
                # the writer's own (« reprendre la boîte » where they work, « notre boîte », is theirs)
                return True
            if self._lemma(head) in CHANGE_VERBS:
                return False  # « reprendre la boîte »: the company in question
            subject = self._subject(head)
            return subject is not None and not self._is_self_subject(subject)
        subject = self._subject(node)
        return subject is not None and not self._is_self_subject(subject)

    def _of_member_noun(self, head: int) -> bool:
        """« agent de développement à la communauté de communes »: the noun, or the noun it qualifies,
        says the writer's role in the structure or its form."""
        for _ in range(2):
            # the word as written too: the parser takes « agent » in « je suis agent » for a verb
            if {self._folded_lemma(head), fold_word(self._low(head))} & (FORM_NOUNS_F | MEMBER_NOUNS_F):
                return True
            parent = self.tokens[head]["h"]
            if parent == head or self.tokens[parent].get("p") not in ("NOUN", "PROPN") \
                    or not self._dep(head).startswith("nmod"):
                return False
            head = parent
        return False

    def _folded_lemma(self, i: int) -> str:
        return fold_word(self._lemma(i))

    def _other_person_before(self, h: int) -> bool:
        """« mon ami a une SCOP », « mon frère est en SCOP »: somebody else is the subject just before,
        when the parser missed it."""
        for j in range(h - 1, max(-1, h - 6), -1):
            low = self._low(j)
            if low in SELF_PRONOUNS or self.tokens[j].get("p") == "PUNCT":
                return False
            if self._folded_lemma(j) in OTHER_PEOPLE_F and j > 0 and self._low(j - 1) in FIRST_POSSESSIVES | {"son", "sa", "ses", "leur", "un", "une"}:
                return True
        return False

    def other_subject(self, start: int, end: int) -> bool:
        """The clause of the words has a subject that is not the writer (« mon frère a 3 salariés »,
        « la commune nous prête un local »)."""
        h = self.head(start, end)
        if h is None:
            return False
        subject = self._subject(h)
        if subject is None or subject in self._span(start, end):
            return False
        verb = self.tokens[subject]["h"]
        if self._low(subject) == "qui" and self._dep(verb) != "acl:relcl" and any(
                self._low(c) in ("nous", "me", "m'", "m") for c in
                self.children[verb] + self.children[h] + sorted(self._span(start, end))):
            return False  # « qui pourrait nous accompagner ? », « qui peut m'aider à la monter ? »: who helps them
        if self._is_self_subject(subject) and not any(self._low(c) in FIRST_POSSESSIVES for c in self.children[subject]):
            verb = self.tokens[subject]["h"]
            if self.tokens[subject].get("p") == "NOUN" and any(
                    self._low(c) in ("nous", "me", "m'", "moi", "m") for c in self.children[verb]):
                return True
        return not self._is_self_subject(subject)

    def own_activity(self, start: int, end: int) -> bool:
        """A verb the writer does (« on accompagne des jeunes », « nous formons »): their activity,
        not a need — unless it is asked for (« on cherche à être accompagnés »)."""
        h = self.head(start, end)
        if h is None or self.tokens[h].get("p") != "VERB" or self._lemma(h) not in SERVICE_VERBS:
            return False
        if h > 0 and self._lemma(h - 1) == "faire":
            return False  # « se faire accompagner »
        if self._lemma(h) == "financer" and (self.asked_for(start, end) or any(
                self._low(i) == "comment" for i in range(max(0, h - 3), h))):
            return False  # « nous cherchons à financer un camion », « comment financer le poste »: money is asked
        # « nous former », « se former », « former nos bénévoles »: the writer's own people are trained.
        if self._lemma(h) == "former" and any((self._low(c) in REFLEXIVE and c < h and not self._dep(c).startswith("nsubj"))
                                             or (self._dep(c) == "obj" and self._owned(c)) for c in self.children[h]):
            return False
        subject = self._subject(h)
        passive = any(self._dep(c) in ("aux:pass", "expl:pass") for c in self.children[h])
        return subject is not None and self._low(subject) in SELF_PRONOUNS and not passive

    def joined(self, start: int, end: int) -> bool:
        """What the writer wants to join (« rejoindre une CAE », « un réseau de collectivités »): not what
        they are."""
        node = self.head(start, end)
        for _ in range(3):
            if node is None or self.tokens[node]["h"] == node:
                return False
            if not (self._dep(node) in ("obj", "obl:arg") or self._dep(node).startswith("nmod")):
                return False
            node = self.tokens[node]["h"]
            if self._lemma(node) in JOIN_VERBS:
                return True
        return False

    def _on_behalf(self, node: int) -> bool:
        """Under « au nom de » (on behalf of), a few nouns up."""
        for _ in range(3):
            head = self.tokens[node]["h"]
            if head == node:
                return False
            if self._lemma(head) == "nom" and any(self._low(c) in ("au", "a") for c in self.children[head]):
                return True
            node = head
        return False

    def _owned(self, node: int) -> bool:
        return any(self._dep(c) == "det" and self._low(c) in POSSESSIVES for c in self.children[node])

    def asked_for(self, start: int, end: int) -> bool:
        """The words are what the person asks for: under « je cherche », « il nous faut », « besoin de »…"""
        node = self.head(start, end)
        if node is None:
            return False
        for _ in range(8):
            parent = self.tokens[node]["h"]
            if parent == node or self._dep(node) in CLAUSE_BOUNDARY - {"cc"} or self._dep(node).startswith("nsubj"):
                return False
            if self._lemma(parent) in CREATE_VERBS or self._lemma(parent) in CREATE_NOUNS:
                return False
            if self._lemma(parent) in NEED_TRIGGERS and not (
                    self._lemma(parent) in VERB_TRIGGERS and self.tokens[parent].get("p") in ("NOUN", "PROPN")):
                return True  # not the job of « conseillère clientèle »
            if self.tokens[parent].get("p") in ("VERB", "AUX"):
                return False  # « on voudrait tester une activité de cuisine »: the cuisine is not asked for
            node = parent
        return False

    def offered(self, start: int, end: int) -> bool:
        """The words are what the writer offers (« accueillir des formations », « proposer un
        accompagnement aux jeunes »): the object of a verb of offering, not asked for."""
        h = self.head(start, end)
        if h is None or not self._dep(h).startswith("obj"):
            return False
        return self._lemma(self.tokens[h]["h"]) in OFFER_VERBS and not self.asked_for(start, end)

    def complement_of_noun(self, start: int, end: int, unless: frozenset | set = frozenset()) -> bool:
        """The words qualify another noun (« le matériel de cuisine », « les statuts de l'association »),
        which is what is meant; not under a need word (« besoin d'un local ») or a noun of ``unless``."""
        h = self.head(start, end)
        if h is None or not self._dep(h).startswith("nmod"):
            return False
        parent = self.tokens[h]["h"]
        return self.tokens[parent].get("p") == "NOUN" and self._lemma(parent) not in NEED_TRIGGERS \
            and self._folded_lemma(parent) not in unless

    def project_subject(self, start: int, end: int) -> bool:
        """What the project is (the object of « monter », « créer », « ouvrir »), not a need."""
        node = self.head(start, end)
        if node is None:
            return False
        for _ in range(6):
            parent = self.tokens[node]["h"]
            if parent == node or self._dep(node) in CLAUSE_BOUNDARY:
                return False
            if self._lemma(parent) in NEED_TRIGGERS:
                return False
            if self._lemma(parent) in CREATE_VERBS or (self._lemma(parent) in CREATE_NOUNS
                                                       and self.tokens[parent].get("p") == "NOUN"):
                return True
            node = parent
        return False


MEMBER_NOUNS_F = {fold_word(w) for w in MEMBER_NOUNS}
FORM_NOUNS_F = {fold_word(w) for w in FORM_NOUNS}
OTHER_PEOPLE_F = {fold_word(w) for w in OTHER_PEOPLE}
# Lemmas are compared without accents (``Syntax._lemma``): so are the sets of lemmas.
INTENT_VERBS, NEW_VERBS, CHANGE_VERBS, CREATE_VERBS, CREATE_NOUNS, FUTURE_MARKS, NEED_TRIGGERS, IMPERSONAL, \
    MEMBER_VERBS, HIRE_VERBS, LOCATION_VERBS, SERVICE_VERBS, BENEFICIARY_VERBS, SELF_PREPOSITIONS, TAKEOVER_VERBS, \
    PLAN_VERBS, OFFER_VERBS = (
        {fold_word(w) for w in words} for words in (
            INTENT_VERBS, NEW_VERBS, CHANGE_VERBS, CREATE_VERBS, CREATE_NOUNS, FUTURE_MARKS, NEED_TRIGGERS, IMPERSONAL,
            MEMBER_VERBS, HIRE_VERBS, LOCATION_VERBS, SERVICE_VERBS, BENEFICIARY_VERBS, SELF_PREPOSITIONS,
            TAKEOVER_VERBS, PLAN_VERBS, OFFER_VERBS))
