"""Map what people type to the contract's canonical slot values.

DIET and the entity synonyms do most of the work; this module is the safety net
used by the form validation when an entity value is not canonical or when a
short answer ("asso", "on démarre", "un local") carries no entity. Matching is
on accent-free lower-case words, so "creation", "Création" and "CREATION" agree.
"""
from __future__ import annotations

import re
import unicodedata

STATUTS = ("sans_structure", "association", "cooperative", "entreprise", "collectivite", "autre")
STADES = ("idee", "creation", "developpement", "consolidation", "changement_echelle", "reprise")
PUBLICS = ("structures_accompagnement", "siae", "entreprises_adaptees", "groupements_employeurs", "jeunes",
           "etudiants", "cae_entrepreneurs_salaries")
BESOINS = ("financement", "hebergement", "accompagnement", "formation", "juridique", "emploi",
           "marches", "reseau")

STATUT_LABELS = {
    "sans_structure": "pas encore de structure",
    "association": "association",
    "cooperative": "coopérative (SCOP, SCIC, CAE…)",
    "entreprise": "entreprise",
    "collectivite": "collectivité (commune, EPCI…)",
    "autre": "autre structure (mutuelle, fondation…)",
}
STADE_LABELS = {
    "idee": "au stade de l'idée",
    "creation": "en création ou en test",
    "developpement": "en développement",
    "consolidation": "en consolidation",
    "changement_echelle": "en changement d'échelle",
    "reprise": "en reprise ou transmission d'entreprise",
}
BESOIN_LABELS = {
    "financement": "financement",
    "hebergement": "local ou hébergement",
    "accompagnement": "accompagnement et conseil",
    "formation": "formation",
    "juridique": "questions juridiques",
    "emploi": "emploi et recrutement",
    "marches": "marchés et clients",
    "reseau": "réseau et visibilité",
}


def fold(text: str) -> str:
    """Lower case, no accents, apostrophes and hyphens as spaces, single spaces."""
    text = unicodedata.normalize("NFKD", str(text).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[’'`´\-_/]", " ", text)
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _compile(patterns: dict[str, list[str]]) -> list[tuple[str, re.Pattern]]:
    return [(value, re.compile(r"\b(?:" + "|".join(words) + r")\b")) for value, words in patterns.items()]


# Order matters: the first value whose pattern matches wins (specific before generic).
_STATUT_PATTERNS = _compile({
    "collectivite": [r"commune", r"mairie", r"epci", r"intercommunalite", r"communaute de communes",
                     r"communaute d agglomeration", r"metropole", r"collectivite s?", r"elus?",
                     r"conseil municipal", r"syndicat mixte"],
    "cooperative": [r"scop", r"scic", r"cae", r"coop", r"coops", r"cooperatives?",
                    r"societe cooperative", r"cuma", r"sccp"],
    "association": [r"asso", r"assos", r"association s?", r"loi 1901", r"assoc", r"asociation",
                    r"associatif", r"associative"],
    "autre": [r"mutuelle", r"fondation", r"fonds de dotation", r"mutualiste"],
    "entreprise": [r"entreprise", r"societe", r"sarl", r"sas", r"sasu", r"eurl", r"esus",
                   r"micro entreprise", r"micro entrepreneur", r"auto entrepreneur",
                   r"auto entreprise", r"entreprise individuelle", r"ei", r"ei?rl", r"startup",
                   r"start up", r"boite"],
    "sans_structure": [r"pas (encore )?de structure", r"pas (encore )?de statut", r"aucune structure",
                       r"aucun statut", r"rien de cree", r"pas (encore )?cree", r"particulier",
                       r"seule?", r"a titre individuel", r"collectif informel", r"groupe d amis",
                       r"sans structure", r"pas encore immatricule", r"juste moi", r"personne physique",
                       r"citoyens?", r"habitants?"],
})

# Words that name a status on their own, anywhere in a sentence ("commune", "seul", "coop"... can mean
# something else and are only read as a direct answer to the status question).
_STATUT_STRONG = _compile({
    "collectivite": [r"mairie", r"epci", r"intercommunalite", r"communaute de communes",
                     r"communaute d agglomeration", r"conseil municipal", r"syndicat mixte",
                     r"elue? (d une|de la) (commune|mairie|ville)"],
    "cooperative": [r"scop", r"scic", r"cae", r"cuma", r"cooperative", r"societe cooperative"],
    "association": [r"asso", r"assos", r"association", r"associations", r"loi 1901", r"assoc"],
    "autre": [r"mutuelle", r"fondation", r"fonds de dotation"],
    "entreprise": [r"entreprise", r"sarl", r"sas", r"sasu", r"eurl", r"micro entreprise", r"micro entrepreneur",
                   r"auto entrepreneur", r"auto entreprise", r"entreprise individuelle", r"startup", r"start up"],
    "sans_structure": [r"pas (encore )?de structure", r"pas (encore )?de statut", r"aucune structure",
                       r"sans structure", r"rien de cree", r"collectif informel", r"pas encore immatricule"],
})

_STADE_PATTERNS = _compile({
    "reprise": [r"reprise", r"reprendre", r"repreneurs?", r"transmission", r"transmettre", r"ceder",
                r"cession", r"retraite"],
    "changement_echelle": [r"changement d echelle", r"changer d echelle", r"essaim\w*",
                           r"dupliqu\w*", r"duplication", r"repliqu\w*", r"passer a l echelle",
                           r"autres territoires", r"s implanter ailleurs", r"ouvrir (un|une|d autres) "
                           r"(antenne|site|agence)s?", r"grandir beaucoup", r"accelerer", r"acceleration"],
    "consolidation": [r"consolid\w*", r"stabilis\w*", r"perenn\w*", r"difficultes?", r"en difficulte",
                      r"tresorerie", r"fragil\w*", r"sauver", r"risque de fermer", r"baisse des subventions",
                      r"securiser", r"modele economique"],
    "developpement": [r"developp\w*", r"croissance", r"grandir", r"nouvelle activite", r"embaucher",
                      r"recruter", r"se deployer", r"deploiement", r"diversifier", r"structuration"],
    "creation": [r"creation", r"creer", r"cree\w*", r"en train de creer", r"demarr\w*", r"lancement",
                 r"lancer", r"lance", r"on se lance", r"je me lance", r"tester", r"test", r"tests",
                 r"test d activite", r"premiere annee", r"immatricul\w*", r"debut\w*",
                 r"vient de (se )?creer", r"jeune (structure|entreprise|asso\w*)",
                 r"monter", r"on monte", r"je monte"],
    "idee": [r"idee", r"idees", r"emergence", r"reflexion", r"reflechi\w*", r"ante creation",
             r"faisabilite", r"opportunite", r"envie de", r"projet pas encore", r"pas encore lance",
             r"debut de projet", r"au tout debut", r"j y pense", r"en projet"],
})

_BESOIN_PATTERNS = _compile({
    "financement": [r"financ\w*", r"argent", r"fonds", r"subventions?", r"prets?", r"emprunts?",
                    r"tresorerie", r"garanties?", r"capital", r"fonds propres", r"investissements?",
                    r"aides? financieres?", r"budget", r"crowdfunding", r"dons?", r"thunes?",
                    r"levee de fonds", r"banque"],
    "hebergement": [r"locaux", r"local", r"bureaux?", r"hebergement", r"heberger", r"pepiniere",
                    r"coworking", r"co working", r"tiers lieux?", r"atelier", r"salle", r"lieu",
                    r"immobilier", r"foncier", r"espace", r"terrain", r"terrains"],
    "accompagnement": [r"accompagn\w*", r"conseils?", r"conseiller", r"diagnostic", r"coaching",
                       r"incub\w*", r"aide a monter", r"orientation", r"appui", r"soutien",
                       r"etre aide", r"mentor\w*", r"strategie", r"expertise", r"tester mon activite"],
    "formation": [r"formations?", r"former", r"se former", r"apprendre", r"ateliers? de formation",
                  r"competences", r"diplome", r"monter en competence"],
    "juridique": [r"juridiques?", r"statuts?", r"forme juridique", r"esus", r"agrement", r"droit",
                  r"gouvernance", r"choisir le statut", r"rediger"],
    "emploi": [r"emplois?", r"recrut\w*", r"embauch\w*", r"insertion",
               r"groupements? d employeurs", r"groupements? employeurs", r"mutualiser (un|des) postes?",
               r"postes? partages?", r"emplois? partages?", r"rh", r"ressources humaines", r"service civique"],
    "marches": [r"marches?( publics?)?", r"clients?", r"debouches?", r"vendre", r"commande publique",
                r"appels? d offres?", r"commercial\w*", r"achats?"],
    "reseau": [r"reseaux?", r"visibilite", r"partenaires?", r"partenariats?", r"se faire connaitre",
               r"rencontrer", r"communication", r"reseauter", r"networking", r"mise en relation"],
})

# In a whole sentence only unambiguous need words count ("sans statut" is not a legal question,
# "entreprise d'insertion" is not a hiring need).
_BESOIN_STRONG_PATTERNS = _compile({
    "financement": [r"financ\w*", r"subventions?", r"prets? d honneur", r"levee de fonds", r"lever des fonds",
                    r"fonds propres", r"tresorerie", r"emprunts?", r"crowdfunding"],
    "hebergement": [r"locaux", r"un local", r"des bureaux", r"hebergement", r"heberger", r"pepiniere",
                    r"coworking", r"un atelier", r"un terrain", r"un lieu", r"une salle"],
    "accompagnement": [r"accompagn\w*", r"des conseils", r"conseiller", r"incub\w*", r"un diagnostic"],
    "formation": [r"formations?", r"se former", r"nous former", r"me former"],
    "juridique": [r"questions? juridiques?", r"forme juridique", r"choisir (le|un|notre|mon) statut",
                  r"aide juridique"],
    "emploi": [r"recrut\w*", r"embauch\w*", r"groupements? d employeurs", r"mutualiser (un|des) postes?",
               r"postes? partages?", r"emplois? partages?"],
    "marches": [r"marches publics", r"commande publique", r"appels? d offres?", r"trouver des clients",
                r"nouveaux clients", r"debouches"],
    "reseau": [r"se faire connaitre", r"visibilite", r"rencontrer d autres", r"mise en relation",
               r"entrer dans un reseau", r"rejoindre un reseau"],
})

_EMPLOYEUR_YES = re.compile(r"\b(employeu(r|se)s?|salaries?|emplo(i|yons|ie)|[0-9]+ (salaries|employes|"
                            r"personnes|etp|postes)|des salaries|on a des (salaries|employes)|on emploie|"
                            r"nous employons|oui)\b")
_EMPLOYEUR_NO = re.compile(r"\b(pas de salaries?|aucun salarie|sans salaries?|que des benevoles|"
                           r"uniquement des benevoles|seulement des benevoles|non employeu(r|se)|"
                           r"personne n est salarie|0 salarie|zero salarie|non|benevoles)\b")


_NO_EMPLOYEES = re.compile(r"\b(pas d(e|es)? (salaries?|employes?)|aucun (salarie|employe)|sans (salaries?|employes?)|"
                           r"(que|uniquement|seulement) des benevoles|non employeu(r|se)|0 salaries?|zero salaries?|"
                           r"n (a|avons|ont) pas de (salaries?|employes?)|personne n est salarie)\b")


_EMPLOYEES = re.compile(r"\b(employeu(r|se|rs|ses)|[0-9]+ (salaries?|employes?|etp|personnes salariees)|"
                        r"(des|nos|mes|plusieurs|quelques) (salaries|employes)|on emploie|nous employons|"
                        r"(on a|nous avons|j ai) (un|une|deux|trois|quatre|cinq|[0-9]+) (salarie|salariee|salaries|employes?))\b")


def says_employees(text: str | None) -> bool:
    """True when a whole message says there are employees (and does not say there are none)."""
    return bool(text) and not says_no_employees(text) and bool(_EMPLOYEES.search(fold(text)))


def says_no_employees(text: str | None) -> bool:
    """True when a whole message says explicitly that there are no employees."""
    return bool(text) and bool(_NO_EMPLOYEES.search(fold(text)))


def _first(patterns: list[tuple[str, re.Pattern]], text: str) -> str | None:
    folded = fold(text)
    for value, pattern in patterns:
        if pattern.search(folded):
            return value
    return None


def canonical_statut(text: str | None, strong_only: bool = False) -> str | None:
    """The status a text names; ``strong_only`` for words found anywhere in a sentence."""
    if not text:
        return None
    if text in STATUTS:
        return text
    if strong_only:
        # "sans structure" must win over the kind of structure being created ("pas encore d'asso").
        return (_first(_STATUT_STRONG[-1:], text) or _first(_STATUT_STRONG[:-1], text))
    return _first(_STATUT_PATTERNS, text)


def canonical_stade(text: str | None) -> str | None:
    if not text:
        return None
    if text in STADES:
        return text
    return _first(_STADE_PATTERNS, text)


def canonical_besoins(values, strong_only: bool = False) -> list[str]:
    """All needs named in a value, a list of values or a sentence, in canonical order
    (``strong_only``: only unambiguous need words, for a whole sentence)."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    found: set[str] = set()
    for value in values:
        if not value:
            continue
        if value in BESOINS:
            found.add(value)
            continue
        folded = fold(value)
        for besoin, pattern in (_BESOIN_STRONG_PATTERNS if strong_only else _BESOIN_PATTERNS):
            if pattern.search(folded):
                found.add(besoin)
    return [b for b in BESOINS if b in found]


def canonical_employeur(value) -> bool | None:
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    folded = fold(str(value))
    if folded in {"true", "vrai", "1"}:
        return True
    if folded in {"false", "faux", "0"}:
        return False
    if _EMPLOYEUR_NO.search(folded):
        return False
    if _EMPLOYEUR_YES.search(folded):
        return True
    return None


_PUBLIC_PATTERNS = _compile({
    "siae": [r"siae", r"iae", r"insertion par l activite economique", r"entreprise d insertion", r"chantiers? d insertion",
             r"aci", r"etti", r"association intermediaire", r"structure d insertion"],
    "entreprises_adaptees": [r"entreprises? adaptees?", r"ea", r"esat", r"travailleurs handicapes"],
    "groupements_employeurs": [r"groupements? d employeurs?", r"ge", r"geiq"],
    "jeunes": [r"jeunes?", r"ados?", r"adolescents?", r"lyceens?", r"16 18 ans", r"mineurs?"],
    "etudiants": [r"etudiants?", r"etudiantes?", r"en master", r"a la fac", r"universite"],
    "structures_accompagnement": [r"structures? d accompagnement", r"reseau d accompagnement",
                                  r"nous accompagnons des porteurs", r"on accompagne des porteurs"],
    "cae_entrepreneurs_salaries": [r"entrepreneurs? salaries?"],
})


def canonical_publics(values) -> list[str]:
    """Specific publics named in entity values or text (SIAE, young people...)."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    found: set[str] = set()
    for value in values:
        if not value:
            continue
        if value in PUBLICS:
            found.add(value)
            continue
        folded = fold(value)
        for public, pattern in _PUBLIC_PATTERNS:
            if pattern.search(folded):
                found.add(public)
    return [p for p in PUBLICS if p in found]
