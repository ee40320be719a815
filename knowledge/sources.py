"""The seed documents and the references that cite them.

A reference is ``<seed file>:<first line>-<last line>``. An optional ``extrait``
(excerpt) must be found in those lines; the comparison ignores case, accents,
punctuation, spacing and PDF line-break hyphens, so an excerpt can be copied
from the text as a person reads it.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent / "sources"
REF_RE = re.compile(r"^(?P<file>00[0-4]_[0-9a-f]{16}\.txt):(?P<start>[0-9]+)(?:-(?P<end>[0-9]+))?$")


@dataclass(frozen=True)
class Ref:
    file: str
    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.file}:{self.start}" + (f"-{self.end}" if self.end != self.start else "")


def parse_ref(text: str) -> Ref:
    m = REF_RE.match(text.strip())
    if not m:
        raise ValueError(f"not a source reference: {text!r} (expected 00N_<hash>.txt:START-END)")
    start = int(m["start"])
    end = int(m["end"] or start)
    if end < start:
        raise ValueError(f"line range ends before it starts: {text!r}")
    return Ref(m["file"], start, end)


@functools.lru_cache(maxsize=None)
def seed_lines(file: str) -> tuple[str, ...]:
    path = SEEDS_DIR / file
    if not path.is_file():
        raise FileNotFoundError(f"no seed file {file} in {SEEDS_DIR}")
    return tuple(path.read_text(encoding="utf-8").splitlines())


def squash(text: str) -> str:
    """Lower-case letters and digits only, accents removed."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch))


def check_source(item: str | dict) -> str | None:
    """Return a problem description, or None when the source is sound."""
    ref_text = item["ref"] if isinstance(item, dict) else item
    try:
        ref = parse_ref(ref_text)
        lines = seed_lines(ref.file)
    except (ValueError, FileNotFoundError) as exc:
        return str(exc)
    if ref.end > len(lines):
        return f"{ref} goes past the end of {ref.file} ({len(lines)} lines)"
    if isinstance(item, dict):
        excerpt = squash(item["extrait"])
        if not excerpt:
            return f"empty excerpt for {ref}"
        body = squash(" ".join(lines[ref.start - 1:ref.end]))
        if excerpt not in body:
            return f"excerpt not found in {ref}: {item['extrait']!r}"
    return None


def ref_string(item: str | dict) -> str:
    return str(parse_ref(item["ref"] if isinstance(item, dict) else item))
