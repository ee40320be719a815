"""The one vocabulary of the assistant: the words of each profile value and their French labels.

``words.yml`` lists what people type for each value; ``labels.yml`` how the assistant
says each value. ``Vocabulary.matches(text)`` finds the words in a text, with their
positions in the original text, so that the reader of messages (``actions/reading``)
can ask the sentence's syntax whether each one is negated, intended or about someone
else. ``scripts/gen_nlu_data.py`` generates the NLU synonyms and lookups from the same
file, so the model and the reader never disagree on a word.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml

from knowledge.values import BESOINS, PUBLICS, STADES, STATUTS

HERE = Path(__file__).resolve().parent
# Higher first: a match inside a match of a higher kind is not a word of its own
# ("entreprise" inside "entreprise d'insertion", "conseil" inside "conseil municipal").
KINDS = ("persona", "statut", "employeur", "stade", "besoins", "innovation_sociale", "test_activite")
FLAGS = ("innovation_sociale", "test_activite")
ALLOWED = {"statut": STATUTS, "stade": STADES, "besoins": BESOINS, "employeur": ("oui", "non"),
           "innovation_sociale": ("oui",), "test_activite": ("oui",)}
SIGNALS = ("question", "hypothese", "recommencer", "recit", "personnel")
_BOUND_L, _BOUND_R = r"(?<![a-z0-9])", r"(?![a-z0-9])"
_LIGATURES = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"}


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Lower case, no accents, apostrophes and punctuation as single spaces, and for every
    character of the result the index of the original character it comes from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text or ""):
        for c in unicodedata.normalize("NFKD", _LIGATURES.get(ch, ch).casefold()):
            if unicodedata.combining(c):
                continue
            c = c if ("a" <= c <= "z" or "0" <= c <= "9") else " "
            if c == " " and (not out or out[-1] == " "):
                continue
            out.append(c)
            where.append(i)
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def fold(text: str) -> str:
    """The folded form used for every comparison of words (see ``fold_with_map``)."""
    return fold_with_map(str(text))[0]


def _pattern(entry: str) -> str:
    entry = str(entry)
    if entry.startswith("re:"):
        return entry[3:]
    if entry.endswith("*"):
        return re.escape(fold(entry[:-1])) + r"[a-z0-9]*"
    return re.escape(fold(entry))


def _compile(entries: Iterable[str]) -> re.Pattern | None:
    patterns = sorted({_pattern(e) for e in entries if str(e).strip()}, key=len, reverse=True)
    if not patterns:
        return None
    return re.compile(_BOUND_L + "(?:" + "|".join(patterns) + ")" + _BOUND_R)


@dataclass(frozen=True)
class Match:
    kind: str       # one of KINDS
    value: str      # canonical value, persona id, or "oui"/"non" for employeur
    strength: str   # "mots" (a statement), "reponses" (only an answer), "faibles" (needs: only asked for)
    start: int      # in the original text
    end: int
    text: str

    def inside(self, other: "Match") -> bool:
        return other.start <= self.start and self.end <= other.end and (self.start, self.end) != (other.start, other.end)

    def overlaps(self, other: "Match") -> bool:
        return self.start < other.end and other.start < self.end


class Vocabulary:
    def __init__(self, words: dict[str, Any], labels: dict[str, Any]):
        self.words = words
        self.labels = labels
        self.personas: dict[str, dict] = {pid: dict(p.get("donne") or {}) for pid, p in words["personas"].items()}
        self._patterns: list[tuple[str, str, str, re.Pattern]] = []
        for kind in KINDS:
            groups = words["personas"] if kind == "persona" else words.get(kind, {})
            for value, entry in groups.items():
                for strength in ("mots", "reponses", "faibles"):
                    pattern = _compile(entry.get(strength) or [])
                    if pattern is not None:
                        self._patterns.append((kind, str(value), strength, pattern))
        self._neutral = _compile(words.get("neutres") or [])
        self._signals: dict[str, re.Pattern] = {}

    def matches(self, text: str) -> list[Match]:
        """Every value word of ``text``, longest first within a kind, in the order of the text."""
        folded, where = fold_with_map(text)
        if not folded:
            return []

        def span(m: re.Match) -> tuple[int, int]:
            return where[m.start()], where[m.end() - 1] + 1

        found: list[Match] = []
        for kind, value, strength, pattern in self._patterns:
            for m in pattern.finditer(folded):
                s, e = span(m)
                found.append(Match(kind, value, strength, s, e, text[s:e]))
        neutral = [span(m) for m in self._neutral.finditer(folded)] if self._neutral else []
        # A neutral phrase hides the words inside it (« développement local » is no stage), not a longer
        # phrase around it (« chargé de développement à l'agglo » still says where the writer works).
        found = [m for m in found if not any(s <= m.start and m.end <= e for s, e in neutral)]
        kept: list[Match] = []
        for m in sorted(found, key=lambda x: (KINDS.index(x.kind), -(x.end - x.start), x.start)):
            if m.kind in FLAGS:
                if not any(m.overlaps(k) for k in kept if k.kind == m.kind):
                    kept.append(m)  # a yes-or-no fact stands beside the other words
                continue
            if any(m.inside(k) and KINDS.index(k.kind) <= KINDS.index(m.kind) for k in kept):
                continue
            # Within a kind the longest wins; a higher kind also wins over a partial overlap
            # ("un atelier" in "un atelier chantier d'insertion"), but a longer word of a lower kind
            # that contains it whole says something more ("association employeuse").
            if any(m.overlaps(k) and k.kind not in (*FLAGS, "employeur")
                   and (k.kind == m.kind or not (k.inside(m) or (k.start, k.end) == (m.start, m.end)))
                   for k in kept):  # a yes-or-no fact hides nothing (« embaucher notre premier salarié »)
                continue  # the same words may say two things (« tester mon activité »: a stage and a wish)
            kept.append(m)
        return sorted(kept, key=lambda x: (x.start, KINDS.index(x.kind)))

    def phrases(self, kind: str, value: str) -> list[str]:
        """The literal phrases of a value (no stems or regexes): NLU synonyms and lookup entries."""
        entry = (self.words["personas"] if kind == "persona" else self.words[kind]).get(value) or {}
        out: list[str] = []
        for strength in ("mots", "reponses", "faibles"):
            for word in entry.get(strength) or []:
                word = str(word)
                if not word.startswith("re:") and not word.endswith("*") and word not in out:
                    out.append(word)
        return out

    def signal(self, name: str) -> re.Pattern:
        """The words of ``signaux.<name>`` as one pattern on folded text (see words.yml)."""
        if name not in self._signals:
            self._signals[name] = _compile(self.words["signaux"][name]) or re.compile(r"(?!x)x")
        return self._signals[name]

    def signal_words(self, name: str) -> frozenset[str]:
        """The literal words of ``signaux.<name>``, lower case (for matching spaCy tokens)."""
        return frozenset(str(w).lower() for w in self.words["signaux"][name])

    def label(self, kind: str, value: str, form: str = "resume") -> str:
        """How the assistant says a value (``form``: bouton, resume, datif...), see labels.yml."""
        return self.labels[kind][value][form]


def _read(name: str) -> dict:
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return Vocabulary(_read("words.yml"), _read("labels.yml"))


@lru_cache(maxsize=1)
def scheme_names() -> re.Pattern:
    """Names of the catalogue's schemes that contain a place (« PASS Occitanie », « Start Up de territoire
    Comminges », « Alter'Incub »), as one case-insensitive pattern on the original text."""
    from knowledge.catalogue import load_catalogue

    names: set[str] = set()
    catalogue, _ = load_catalogue(strict=False)
    for scheme in catalogue:
        for name in [scheme["nom"], scheme.get("acronyme") or "", *scheme.get("alias", [])]:
            if len(name) >= 4 and " " in name.strip() or "'" in name:
                names.add(name.strip())
    parts = sorted((re.escape(n).replace("\\ ", r"[\s\-]+").replace("'", "['’]") for n in names), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE) if parts else re.compile(r"(?!x)x")


@lru_cache(maxsize=1)
def _scheme_name_pattern() -> tuple[re.Pattern | None, dict[str, tuple[str, ...]]]:
    from knowledge.catalogue import load_catalogue

    ids: dict[str, tuple[str, ...]] = {}
    catalogue, _ = load_catalogue(strict=False)
    for scheme in catalogue:
        for name in [scheme["nom"], scheme.get("acronyme") or "", *scheme.get("alias", [])]:
            key = fold(name).strip()
            if len(key) >= 2 and scheme["id"] not in ids.get(key, ()):
                ids[key] = ids.get(key, ()) + (scheme["id"],)
    parts = sorted((re.escape(k) for k in ids), key=len, reverse=True)
    return (re.compile(_BOUND_L + "(?:" + "|".join(parts) + ")" + _BOUND_R) if parts else None), ids


def named_schemes(text: str, min_length: int = 3) -> list[tuple[str, int, int]]:
    """The catalogue's schemes a text names (by name, acronym or alias), as (id, start, end) in the text,
    longest name first at each place; a name shared by two schemes (« CRESS ») gives both."""
    pattern, ids = _scheme_name_pattern()
    folded, where = fold_with_map(text)
    if pattern is None or not folded:
        return []
    return [(i, where[m.start()], where[m.end() - 1] + 1) for m in pattern.finditer(folded)
            if len(m.group(0)) >= min_length for i in ids[m.group(0)]]


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice (the second would silently replace the first)."""


def _mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
    twice = sorted({str(k) for k in keys if keys.count(k) > 1})
    if twice:
        raise yaml.constructor.ConstructorError(None, None, f"key given twice: {', '.join(twice)}", node.start_mark)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def check(vocab: Vocabulary | None = None) -> list[str]:
    """Problems of the vocabulary files: a key given twice, unknown values, personas implying unknown values."""
    problems = []
    for name in ("words.yml", "labels.yml"):
        try:
            yaml.load((HERE / name).read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506 - safe loader
        except yaml.YAMLError as exc:
            problems.append(f"{name}: {exc}")
    vocab = vocab or vocabulary()
    for kind, allowed in ALLOWED.items():
        for value in vocab.words.get(kind, {}):
            if value not in allowed:
                problems.append(f"words.yml: {kind}: unknown value {value!r}")
    for pid, gives in vocab.personas.items():
        if gives.get("statut") not in (None, *STATUTS):
            problems.append(f"words.yml: persona {pid}: unknown statut {gives.get('statut')!r}")
        for public in gives.get("publics") or []:
            if public not in PUBLICS:
                problems.append(f"words.yml: persona {pid}: unknown public {public!r}")
    for name in SIGNALS:
        if not (vocab.words.get("signaux") or {}).get(name):
            problems.append(f"words.yml: signaux: no words for {name!r}")
    for kind in ("statut", "stade", "besoins"):
        for value in ALLOWED[kind]:
            if value not in vocab.labels.get(kind, {}):
                problems.append(f"labels.yml: {kind}: no label for {value!r}")
    return problems
