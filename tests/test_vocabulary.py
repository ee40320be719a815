"""The one vocabulary: its files are consistent, the closed sets agree with the schema, and the
lookups given to the intent model are generated from it (never edited by hand)."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge import values  # noqa: E402
from knowledge.vocabulary import Vocabulary, _UniqueKeyLoader, check, vocabulary  # noqa: E402

SCHEMA = json.loads((ROOT / "knowledge" / "schema" / "dispositif.schema.json").read_text(encoding="utf-8"))


def test_the_vocabulary_files_have_no_problem():
    assert check() == []


def test_a_key_given_twice_is_refused():
    with pytest.raises(yaml.YAMLError, match="key given twice: association"):
        yaml.load("statut:\n  association: {mots: [asso]}\n  association: {mots: [loi 1901]}\n",
                  Loader=_UniqueKeyLoader)  # noqa: S506 - a safe loader


def test_unknown_values_and_missing_labels_are_reported():
    vocab = vocabulary()
    words, labels = copy.deepcopy(vocab.words), copy.deepcopy(vocab.labels)
    words["statut"]["mutuelle"] = {"mots": ["mutuelle"]}
    words["personas"]["etudiant"] = {"mots": ["étudiant"], "donne": {"statut": "etudiant", "publics": ["lyceens"]}}
    del labels["besoins"]["emploi"]
    problems = "\n".join(check(Vocabulary(words, labels)))
    assert "unknown value 'mutuelle'" in problems
    assert "unknown statut 'etudiant'" in problems and "unknown public 'lyceens'" in problems
    assert "no label for 'emploi'" in problems


@pytest.mark.parametrize("name,enum", [("statut", values.Statut), ("stade", values.Stade),
                                       ("besoin", values.Besoin), ("public", values.Public)])
def test_closed_sets_are_those_of_the_catalogue_schema(name, enum):
    assert list(values.values(enum)) == SCHEMA["definitions"][name]["enum"]


def test_states_are_those_of_the_catalogue_schema():
    assert list(values.values(values.Etat)) == SCHEMA["properties"]["etat"]["properties"]["valeur"]["enum"]


def test_generated_lookups_are_up_to_date():
    """The lookups under data/nlu/lookups/ come from words.yml: run scripts/gen_nlu_data.py after editing it."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_nlu_data.py"), "--check"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_stale_lookup_is_detected(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "scripts"))
    import gen_nlu_data

    lookups = tmp_path / "lookups"
    lookups.mkdir()
    for file_name, text in gen_nlu_data.tables().items():
        (lookups / file_name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(gen_nlu_data, "LOOKUPS", lookups)
    monkeypatch.setattr(gen_nlu_data, "ROOT", tmp_path)
    assert gen_nlu_data.main(["--check"]) == 0
    first = sorted(lookups.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "      - un mot ajouté à la main\n", encoding="utf-8")
    assert gen_nlu_data.main(["--check"]) == 1
