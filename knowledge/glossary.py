"""The ESS glossary: one YAML file per notion under ``knowledge/glossary/``.

A definition is shown to the public as it is written, so it must come from the
seed documents only: every file is checked like the catalogue (schema, excerpts
found in the cited lines, ids that exist) and each problem names its file and
line. ``Glossary.find`` tells which notions a user's sentence names, so that
« c'est quoi une SCIC ? » is answered from these entries and nothing else.
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import jsonschema
import yaml

from knowledge.catalogue import CATALOGUE_DIR, Problem, _iter_sources, _line_of, parse_file
from knowledge.sources import check_source

PACKAGE_DIR = Path(__file__).resolve().parent
GLOSSARY_DIR = PACKAGE_DIR / "glossary"
SCHEMA_PATH = PACKAGE_DIR / "schema" / "notion.schema.json"
MAX_SENTENCES = 3
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[«A-ZÀ-Ý0-9])")


def normalize(text: str) -> str:
    """Lower case, no accents, one space between words, so that typing is forgiven."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def alias_pattern(alias: str) -> re.Pattern:
    """Whole words, each with an optional -s/-x: « clause sociale » finds « clauses sociales »."""
    words = (re.escape(word) + "[sx]?" for word in normalize(alias).split())
    return re.compile(r"(?<!\w)" + " ".join(words) + r"(?!\w)")


@dataclass
class Glossary:
    """Validated notions by id, in file-name order."""

    notions: dict[str, dict] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[dict]:
        return iter(self.notions.values())

    def __len__(self) -> int:
        return len(self.notions)

    def get(self, notion_id: str) -> dict | None:
        return self.notions.get(notion_id)

    @functools.cached_property
    def patterns(self) -> list[tuple[re.Pattern, str]]:
        return [(alias_pattern(alias), nid) for nid, doc in self.notions.items() for alias in doc["alias"]]

    def find(self, text: str) -> list[dict]:
        """Notions named in ``text``, in the order of the text. Where aliases overlap the
        longest wins, so « économie sociale et solidaire » is the ESS, not « économie sociale »."""
        words = normalize(text)
        spans = sorted(((m.start(), m.end(), nid) for pattern, nid in self.patterns
                        for m in pattern.finditer(words)), key=lambda s: (s[0] - s[1], s[0]))
        kept: list[tuple[int, int, str]] = []
        for start, end, nid in spans:
            if all(end <= other_start or start >= other_end for other_start, other_end, _ in kept):
                kept.append((start, end, nid))
        return [self.notions[nid] for nid in dict.fromkeys(nid for _, _, nid in sorted(kept))]


@functools.lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _error_path(err: jsonschema.ValidationError) -> list:
    """Where a schema error is; an unexpected field points at its own line."""
    path = list(err.absolute_path)
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        path += [key for key in err.instance if key not in err.schema.get("properties", {})][:1]
    return path


def check_document(doc: Any, root: yaml.Node | None, file_name: str) -> list[Problem]:
    """Schema, excerpts, id = file name and short texts, for one parsed file."""
    errors = jsonschema.Draft7Validator(schema()).iter_errors(doc)
    problems = sorted((Problem(file_name, _line_of(root, _error_path(err)),
                               f"{'.'.join(map(str, err.absolute_path)) or '(document)'}: {err.message}")
                       for err in errors), key=lambda p: p.line)
    if problems:
        return problems
    if doc["id"] != Path(file_name).stem:
        problems.append(Problem(file_name, _line_of(root, ["id"]),
                                f"id {doc['id']!r} differs from the file name {Path(file_name).stem!r}"))
    for path, item in _iter_sources(doc):
        if issue := check_source(item):
            problems.append(Problem(file_name, _line_of(root, path), issue))
    texts = [(("definition", "texte"), doc["definition"]["texte"])]
    texts += [(("differences", i, "texte"), d["texte"]) for i, d in enumerate(doc.get("differences") or [])]
    for path, text in texts:
        if (count := len(SENTENCE_BREAK.split(text.strip()))) > MAX_SENTENCES:
            problems.append(Problem(file_name, _line_of(root, path),
                                    f"{count} sentences; write 1 to {MAX_SENTENCES} short ones"))
    return problems


def _check_links(glossary: Glossary, roots: dict[str, Any], scheme_ids: set[str]) -> list[Problem]:
    """Ids that must exist (catalogue schemes, other notions) and aliases that name two notions."""
    problems: list[Problem] = []
    owners: dict[str, str] = {}
    for nid, doc in glossary.notions.items():
        file_name, root = glossary.files[nid], roots[nid]
        others = set(glossary.notions) - {nid}
        links = [(("dispositifs", i), ref, scheme_ids, "a catalogue entry")
                 for i, ref in enumerate(doc.get("dispositifs") or [])]
        links += [(("voir_aussi", i), ref, others, "another glossary notion")
                  for i, ref in enumerate(doc.get("voir_aussi") or [])]
        links += [(("differences", i, "avec"), diff["avec"], others, "another glossary notion")
                  for i, diff in enumerate(doc.get("differences") or [])]
        problems += [Problem(file_name, _line_of(root, path), f"reference to {ref!r}, which is not {kind}")
                     for path, ref, known, kind in links if ref not in known]
        for i, alias in enumerate(doc["alias"]):
            owner = owners.setdefault(normalize(alias), nid)
            if owner != nid:
                problems.append(Problem(file_name, _line_of(root, ["alias", i]),
                                        f"alias {alias!r} also names the notion {owner!r}"))
    return problems


def load_glossary(directory: Path = GLOSSARY_DIR,
                  catalogue_dir: Path = CATALOGUE_DIR) -> tuple[Glossary, list[Problem]]:
    """Parse and check every ``*.yml``; a file with problems is left out of the glossary
    (ids are unique because each must equal its file name)."""
    glossary, problems, roots = Glossary(), [], {}
    files = sorted(Path(directory).glob("*.yml"))
    if not files:
        problems.append(Problem(str(directory), 1, "no glossary file (*.yml)"))
    for path in files:
        doc, root, file_problems = parse_file(path)
        if not file_problems:
            file_problems = check_document(doc, root, path.name)
        problems.extend(file_problems)
        if not file_problems:
            glossary.notions[doc["id"]], glossary.files[doc["id"]], roots[doc["id"]] = doc, path.name, root
    problems.extend(_check_links(glossary, roots, {p.stem for p in Path(catalogue_dir).glob("*.yml")}))
    return glossary, problems
