"""Text normalisation and the small closed word lists of French place phrases.

Every name table is keyed by ``normalize``: lower case, no accents, ``œ``→``oe``,
every other character a space, ``st``/``ste`` → ``saint``/``sainte``. The word lists
say where a place is expected ("à", "dans le", "j'habite") and what a query may
start with ("je suis à", "code postal"); they are grammar, not data, so they stay here.
"""
from __future__ import annotations

import re
import unicodedata

_TRANS = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_COMBINING = re.compile(r"[\u0300-\u036f]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

TOKEN_RE = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")  # a word as typed, accents kept

ARTICLES = frozenset({"le", "la", "les", "l"})
SAINTS = frozenset({"saint", "sainte", "saints", "saintes"})
# small words inside commune names ("Villeneuve-lès-Avignon", "Pargny-et-Filain"), that
# La Poste and people leave out
LINKERS = ARTICLES | frozenset("de du des d et en sur sous les lez aux au a".split())

# a place context just before a name: "à Muret", "dans le Nord", "près de Revel"
WEAK_CONTEXT = frozenset("a en sur dans vers pres proche autour cote depuis par sous".split())
# "de", and "au"/"aux"/"du"/"des" (which only precede a place whose name has an
# article: "au Mans"): a place context only for a name written with a capital
GENITIVE = frozenset({"de", "d", "du", "des", "au", "aux"})
# a strong place context: "j'habite Pin", "basés à Eu", "la commune de Son"
STRONG_CONTEXT = frozenset("""
habite habites habitons habitez habitent habiter habitant habitante habitants
vis vit vivons vivez vivent vivre reside residons residez resident
situe situee situes situees base basee bases basees installe installee installes
installees implante implantee implantes implantees domicilie domiciliee domicilies
domiciliees localise localisee localises localisees originaire originaires
commune ville village mairie agglomeration agglo bourg cp postal
""".split())
# words stripped from the start of a lookup query ("je suis à", "dans le", ...)
LEAD_WORDS = WEAK_CONTEXT | GENITIVE | STRONG_CONTEXT | ARTICLES | frozenset("""
je j suis on est nous sommes c ici moi chez ma mon notre nos code numero n no insee
departement dept dep dpt region secteur territoire
""".split())
UNIT_WORDS = frozenset("""
euro euros eur e k ke keur dollars usd habitants hab personnes salaries adherents
benevoles m m2 km ha h heures jours mois ans visiteurs exemplaires pieces
""".split())
MONTHS = frozenset("""
janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
janv fev fevr avr juil sept oct nov dec
""".split())
DEPT_WORDS = frozenset({"departement", "dept", "dep", "dpt", "depart"})


def fold(text: str) -> str:
    """Lower case, ASCII only: accents removed, any other non-ASCII character
    (’, «, emoji...) turned into a space."""
    folded = unicodedata.normalize("NFKD", text.translate(_TRANS))
    if not folded.isascii():
        folded = _NON_ASCII.sub(" ", _COMBINING.sub("", folded))
    return folded.lower()


def norm_token(token: str) -> str:
    """``normalize`` for one token as typed (``TOKEN_RE``)."""
    folded = _NON_ALNUM.sub("", fold(token))
    return ABBREVIATIONS.get(folded, folded)


def normalize(text: str) -> str:
    """Normalised matching key: ``"Ramonville-St-Agne"`` → ``"ramonville saint agne"``."""
    tokens = [t for t in _NON_ALNUM.split(fold(text)) if t]
    return " ".join(ABBREVIATIONS.get(t, t) for t in tokens)


def strip_articles(tokens: list[str]) -> list[str]:
    """``["le", "grand", "figeac"]`` → ``["grand", "figeac"]`` (one word is always kept)."""
    i = 0
    while i < len(tokens) - 1 and tokens[i] in ARTICLES:
        i += 1
    return tokens[i:]


def significant_word(name: str):
    """The one word of a name once its article is removed ("La Force" → "force"),
    lower case with accents; None for a name of several words."""
    words = [w for w in re.split(r"[\s\-'’]+", name.lower()) if w]
    while len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return words[0] if len(words) == 1 else None


def starts_sentence(text: str, pos: int) -> bool:
    """Whether ``pos`` starts a sentence (a capital letter there means nothing)."""
    window = text[max(0, pos - 24):pos]
    before = window.rstrip(" \t\"'«»“”(-–—")
    if not before:
        return pos <= 24
    return before[-1] in ".!?:;\n…"
