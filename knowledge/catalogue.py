"""The scheme catalogue: one YAML file per scheme under ``knowledge/catalogue/``.

Loading validates every file against ``schema/dispositif.schema.json``, checks
every source reference (file, line range, excerpt), cross-references between
entries and the facts a user will be told. Problems carry the file and line so
that ``python -m knowledge check`` can point at them.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import jsonschema
import yaml

from knowledge.sources import check_source, ref_string

PACKAGE_DIR = Path(__file__).resolve().parent
CATALOGUE_DIR = PACKAGE_DIR / "catalogue"
SCHEMA_PATH = PACKAGE_DIR / "schema" / "dispositif.schema.json"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class Catalogue:
    """Validated schemes by id, in a stable order (file name)."""

    schemes: dict[str, dict] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[dict]:
        return iter(self.schemes.values())

    def __len__(self) -> int:
        return len(self.schemes)

    def get(self, scheme_id: str) -> dict | None:
        return self.schemes.get(scheme_id)


class CatalogueError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@functools.lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _line_of(node: yaml.Node | None, path: Iterable[Any]) -> int:
    """1-based line of the YAML node at ``path`` (keys and indices), or of its nearest parent."""
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for step in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == step:
                    child = value_node
                    line = key_node.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            child = node.value[step]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line


def _iter_sources(doc: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every item of every ``sources`` list in the document, with its path."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key == "sources" and isinstance(value, list):
                for i, item in enumerate(value):
                    yield path + (key, i), item
            else:
                yield from _iter_sources(value, path + (key,))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from _iter_sources(value, path + (i,))


def _referenced_ids(doc: dict) -> Iterator[tuple[tuple, str]]:
    for i, ref in enumerate(doc.get("a_qui_demander", []) or []):
        yield ("a_qui_demander", i), ref
    if "id" in (doc.get("operateur") or {}):
        yield ("operateur", "id"), doc["operateur"]["id"]
    liens = doc.get("liens") or {}
    if "fait_partie_de" in liens:
        yield ("liens", "fait_partie_de"), liens["fait_partie_de"]
    for i, ref in enumerate(liens.get("voir_aussi", []) or []):
        yield ("liens", "voir_aussi", i), ref
    for i, ref in enumerate(doc.get("declinaisons", []) or []):
        yield ("declinaisons", i), ref


PROMISE_MAX_WORDS = 20


def promise_issues(text: str) -> list[str]:
    """Problems of a ``promesse``: one sentence ending with a full stop, at most 20 words."""
    issues = []
    promise = " ".join(text.split())
    inner = promise[:-1]
    if any(mark in inner for mark in (". ", "? ", "! ")) or not promise.endswith("."):
        issues.append("promesse must be one sentence ending with a full stop (no '. ' inside): "
                      f"{promise!r}")
    words = [w for w in promise.split() if any(ch.isalnum() for ch in w)]
    if len(words) > PROMISE_MAX_WORDS:
        issues.append(f"promesse has {len(words)} words; write one sentence of at most "
                      f"{PROMISE_MAX_WORDS} words")
    return issues


def check_document(doc: Any, root: yaml.Node | None, file_name: str) -> list[Problem]:
    """Schema, sources and internal consistency of one parsed file."""
    problems: list[Problem] = []
    validator = jsonschema.Draft7Validator(schema())
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(p) for p in err.absolute_path) or "(document)"
        message = err.message
        if err.validator == "oneOf" and "source" in str(err.schema_path):
            message = ("a source is either '00N_<hash>.txt:START-END' or {ref: ..., extrait: ...}: "
                       f"{err.instance!r}")
        problems.append(Problem(file_name, _line_of(root, err.absolute_path), f"{where}: {message}"))
    if problems or not isinstance(doc, dict):
        return problems
    expected_id = Path(file_name).stem
    if doc["id"] != expected_id:
        problems.append(Problem(file_name, _line_of(root, ["id"]),
                                f"id {doc['id']!r} differs from the file name {expected_id!r}"))
    for path, item in _iter_sources(doc):
        issue = check_source(item)
        if issue:
            problems.append(Problem(file_name, _line_of(root, path), issue))
    description = doc["description"]["texte"]
    sentences = [s for s in description.replace("?", ".").replace("!", ".").split(".") if s.strip()]
    if not 1 <= len(sentences) <= 5:
        problems.append(Problem(file_name, _line_of(root, ["description", "texte"]),
                                f"description has {len(sentences)} sentences; write 2 to 4 short ones"))
    problems.extend(Problem(file_name, _line_of(root, ["promesse", "texte"]), issue)
                    for issue in promise_issues(doc["promesse"]["texte"]))
    for i, contact in enumerate(doc.get("contacts", []) or []):
        if contact["date_information"] <= 2012 and not contact.get("ancien"):
            problems.append(Problem(file_name, _line_of(root, ["contacts", i]),
                                    "a contact from 2012 or before must be marked ancien: true"))
    usable = [c for c in doc.get("contacts", []) or [] if not c.get("ancien")]
    if not usable and not doc.get("a_qui_demander"):
        problems.append(Problem(file_name, _line_of(root, ["contacts"]),
                                "no current contact: add a_qui_demander (whom to ask instead)"))
    return problems


def parse_file(path: Path) -> tuple[Any, yaml.Node | None, list[Problem]]:
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, None, [Problem(name, 1, f"not UTF-8 text: {exc}")]
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        return None, None, [Problem(name, line, f"invalid YAML: {problem}")]
    if doc is None:
        return None, None, [Problem(name, 1, "empty file")]
    return doc, root, []


def load_catalogue(directory: Path = CATALOGUE_DIR, strict: bool = True) -> tuple[Catalogue, list[Problem]]:
    """Parse and check every ``*.yml`` file. With ``strict``, raise on any problem."""
    catalogue = Catalogue()
    problems: list[Problem] = []
    roots: dict[str, yaml.Node | None] = {}
    files = sorted(directory.glob("*.yml")) + sorted(directory.glob("*.yaml"))
    if not files:
        problems.append(Problem(str(directory), 1, "no catalogue file (*.yml)"))
    for path in files:
        doc, root, parse_problems = parse_file(path)
        problems.extend(parse_problems)
        if parse_problems:
            continue
        file_problems = check_document(doc, root, path.name)
        problems.extend(file_problems)
        if file_problems:
            continue
        if doc["id"] in catalogue.schemes:
            problems.append(Problem(path.name, _line_of(root, ["id"]),
                                    f"duplicate id {doc['id']!r} (also in {catalogue.files[doc['id']]})"))
            continue
        catalogue.schemes[doc["id"]] = doc
        catalogue.files[doc["id"]] = path.name
        roots[doc["id"]] = root
    for scheme_id, doc in catalogue.schemes.items():
        for path, ref in _referenced_ids(doc):
            if ref not in catalogue.schemes:
                problems.append(Problem(catalogue.files[scheme_id], _line_of(roots[scheme_id], path),
                                        f"reference to unknown catalogue entry {ref!r}"))
    if strict and problems:
        raise CatalogueError(problems)
    return catalogue, problems


def scheme_sources(doc: dict) -> list[str]:
    """Every distinct reference cited by a scheme, in order of appearance."""
    seen: dict[str, None] = {}
    for _path, item in _iter_sources(doc):
        seen.setdefault(ref_string(item), None)
    return list(seen)
