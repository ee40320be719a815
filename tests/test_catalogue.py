"""The scheme catalogue: every file valid and sourced; broken copies reported and refused.

``python -m knowledge check --directory <dir>`` must name the file and the line of each
problem and exit 1; ``python -m knowledge load`` must refuse a broken catalogue without
touching what is already loaded.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from knowledge.catalogue import (CATALOGUE_DIR, Catalogue, CatalogueError, check_document,
                                 load_catalogue, parse_file, scheme_sources)
from knowledge.sources import check_source, parse_ref, seed_lines

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(CATALOGUE_DIR.glob("*.yml"))
REFERENCE = "dla.yml"  # the reference example of knowledge/CATALOGUE.md


def run_cli(*args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "knowledge", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


# --------------------------------------------------------------------------- the real catalogue


def test_there_is_a_catalogue():
    assert len(FILES) >= 60
    assert (CATALOGUE_DIR / REFERENCE).is_file()


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_catalogue_file_is_valid(path: Path):
    """Schema, sources (file, line range, excerpt), id = file name, contacts rules."""
    doc, root, problems = parse_file(path)
    assert not problems, [str(p) for p in problems]
    problems = check_document(doc, root, path.name)
    assert not problems, "\n".join(str(p) for p in problems)
    assert doc["id"] == path.stem
    # every fact block carries sources, and every source is sound
    for block in ("description", "cible", "territoire", "operateur", "etat"):
        assert doc[block]["sources"], f"{path.name}: {block} has no sources"
    for contact in doc.get("contacts") or []:
        assert contact["sources"]
        assert contact["verifie_le"]
        if contact["date_information"] <= 2012:
            assert contact.get("ancien") is True
    for ref in scheme_sources(doc):
        parsed = parse_ref(ref)
        assert 1 <= parsed.start <= parsed.end <= len(seed_lines(parsed.file)), ref


def test_whole_catalogue_loads_strictly_with_resolved_references():
    catalogue, problems = load_catalogue(strict=True)
    assert problems == []
    assert isinstance(catalogue, Catalogue) and len(catalogue) == len(FILES)
    for scheme in catalogue:
        refs = list(scheme.get("a_qui_demander") or [])
        refs += [scheme["operateur"]["id"]] if "id" in scheme["operateur"] else []
        liens = scheme.get("liens") or {}
        refs += [liens["fait_partie_de"]] if "fait_partie_de" in liens else []
        refs += list(liens.get("voir_aussi") or [])
        for ref in refs:
            assert catalogue.get(ref) is not None, f"{scheme['id']} refers to unknown {ref}"


def test_every_source_item_checks_out(catalogue):
    count = 0
    for scheme in catalogue:
        stack = [scheme]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == "sources" and isinstance(value, list):
                        for item in value:
                            assert check_source(item) is None, (scheme["id"], item)
                            count += 1
                    else:
                        stack.append(value)
            elif isinstance(node, list):
                stack.extend(node)
    assert count > 300


def test_catalogue_semantics_the_engine_relies_on(catalogue):
    desks = [s for s in catalogue if s.get("guichet")]
    zones = {z for s in desks for z in s["territoire"]["zones"]}
    # a desk for Haute-Garonne, for Occitanie and for the rest of France
    assert {"departement:31", "region:76", "FR"} <= zones
    assert any(z == "FR" and not s["cible"].get("statuts") for s in desks for z in s["territoire"]["zones"])
    for scheme in catalogue:
        cible = scheme["cible"]
        assert cible["besoins"], scheme["id"]
        if cible.get("employeur"):
            assert cible.get("structure_existante"), f"{scheme['id']}: an employer is an existing structure"
        if scheme["etat"]["valeur"] in ("annonce", "experimental", "historique"):
            assert scheme["etat"]["texte"].strip()
    # the five exclusions of the issue are encoded in the catalogue
    get = catalogue.get
    assert get("parcours-adress")["territoire"]["zones"] == ["epci:243100518"]
    assert get("fonds-rebond-innovation-sociale-cd31")["territoire"]["zones"] == ["departement:31"]
    assert get("fonds-rebond-innovation-sociale-cd31")["cible"]["structure_existante"] is True
    assert get("dla")["cible"]["employeur"] is True
    assert get("fonds-aides-communes-epci-cd31")["cible"]["statuts"] == ["collectivite"]


def test_check_command_passes_on_the_real_catalogue():
    result = run_cli("check")
    assert result.returncode == 0, result.stderr
    assert f"{len(FILES)} catalogue entries" in result.stdout


# --------------------------------------------------------------------------- broken copies


@pytest.fixture
def broken(tmp_path):
    """A copy of the catalogue and a function that breaks one file and returns the line."""
    directory = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, directory)

    def mutate(name: str, old: str, new: str, mark: str | None = None, first: bool = False) -> int:
        """Replace ``old`` (which must occur once, or its first occurrence with ``first``)."""
        path = directory / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1 or (first and old in text), f"{old!r} must occur once in {name}"
        text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
        where = text.index(mark if mark is not None else new)
        return text[:where].count("\n") + 1

    mutate.directory = directory  # type: ignore[attr-defined]
    return mutate


def _first_line(name: str, needle: str) -> str:
    text = (CATALOGUE_DIR / name).read_text(encoding="utf-8")
    for line in text.splitlines(keepends=True):
        if needle in line:
            return line
    raise AssertionError(f"{needle!r} not in {name}")


def _problems(result: subprocess.CompletedProcess) -> list[tuple[str, int, str]]:
    out = []
    for line in result.stderr.splitlines():
        m = re.match(r"^(?P<file>[^:\s]+\.ya?ml):(?P<line>\d+): (?P<msg>.*)$", line)
        if m:
            out.append((m["file"], int(m["line"]), m["msg"]))
    return out


def _check(directory: Path) -> tuple[subprocess.CompletedProcess, list[tuple[str, int, str]]]:
    result = run_cli("check", "--directory", str(directory))
    return result, _problems(result)


def test_check_reports_malformed_yaml_with_file_and_line(broken):
    line = broken(REFERENCE, "categorie: accompagnement\n", "categorie: accompagnement\n\tmal: indenté\n",
                  mark="\tmal")
    result, problems = _check(broken.directory)
    assert result.returncode == 1
    assert (REFERENCE, line) in [(f, n) for f, n, _ in problems], result.stderr
    assert any(f == REFERENCE and "invalid YAML" in m for f, _, m in problems)
    assert "problem(s)" in result.stderr


def test_check_reports_unclosed_bracket(broken):
    statuts = _first_line("cae.yml", "  statuts: [")
    line = broken("cae.yml", statuts, statuts.rstrip("]\n") + "\n", mark=statuts.rstrip("]\n"))
    result, problems = _check(broken.directory)
    assert result.returncode == 1
    hits = [(n, m) for f, n, m in problems if f == "cae.yml"]
    assert hits and "invalid YAML" in hits[0][1], result.stderr
    assert line <= hits[0][0] <= line + 1  # where the parser stumbles: that line or the next


def test_check_reports_missing_required_field(broken):
    nom = _first_line(REFERENCE, "nom: ")
    broken(REFERENCE, nom, "")
    libelle = _first_line("cae.yml", "  libelle: ")
    # a folded libelle spans several lines: remove the key and keep valid YAML
    text = (broken.directory / "cae.yml").read_text(encoding="utf-8")
    start = text.index(libelle)
    end = text.index("\n  sources:", start)
    (broken.directory / "cae.yml").write_text(text[:start] + text[end + 1:], encoding="utf-8")
    territoire_line = text[:text.index("\nterritoire:") + 1].count("\n") + 1
    result, problems = _check(broken.directory)
    assert result.returncode == 1
    dla = [(n, m) for f, n, m in problems if f == REFERENCE]
    assert any("'nom' is a required property" in m for _, m in dla), result.stderr
    first_key = next(i for i, l in enumerate((broken.directory / REFERENCE).read_text().splitlines(), 1)
                     if l and not l.startswith("#"))
    assert dla[0][0] == first_key, dla  # the document itself lacks the field
    cae = [(n, m) for f, n, m in problems if f == "cae.yml"]
    assert (territoire_line, "territoire: 'libelle' is a required property") in cae, result.stderr


def test_check_reports_source_past_the_end_of_a_seed_file(broken):
    total = len(seed_lines("003_ebb110142c3511bd.txt"))
    line = broken(REFERENCE, "    - ref: 003_ebb110142c3511bd.txt:1835-1837\n",
                  f"    - ref: 003_ebb110142c3511bd.txt:1835-{total + 40}\n")
    result, problems = _check(broken.directory)
    assert result.returncode == 1
    hits = [(n, m) for f, n, m in problems if f == REFERENCE]
    assert (line, f"003_ebb110142c3511bd.txt:1835-{total + 40} goes past the end of "
                  f"003_ebb110142c3511bd.txt ({total} lines)") in hits, result.stderr


def test_check_reports_an_unknown_seed_file_and_a_bad_reference(broken):
    line_file = broken(REFERENCE, "    - ref: 004_b89cdfadd3fe3b52.txt:922-925\n",
                       "    - ref: 004_0000000000000000.txt:922-925\n")
    line_range = broken(REFERENCE, "    - ref: 000_5f6c3ce221aacade.txt:936-939\n",
                        "    - ref: 000_5f6c3ce221aacade.txt:939-936\n", first=True)
    result, problems = _check(broken.directory)
    assert result.returncode == 1
    hits = {n: m for f, n, m in problems if f == REFERENCE}
    assert "no seed file" in hits.get(line_file, ""), result.stderr
    assert "ends before it starts" in hits.get(line_range, ""), result.stderr


def test_check_reports_an_excerpt_not_in_its_lines(broken):
    line = broken(REFERENCE, "      extrait: est un dispositif public et gratuit\n",
                  "      extrait: est un dispositif payant réservé aux grandes entreprises\n",
                  mark="      extrait: est un dispositif payant")
    result, problems = _check(broken.directory)
    assert result.returncode == 1
    hits = [(n, m) for f, n, m in problems if f == REFERENCE]
    # the problem points at the source item (its « - ref: » line, just above the excerpt)
    assert any(n == line - 1 and m.startswith("excerpt not found in 003_ebb110142c3511bd.txt:1835-1837")
               for n, m in hits), result.stderr


def test_check_reports_an_excerpt_moved_to_other_lines(broken):
    """The right words cited at the wrong lines are refused too."""
    line = broken(REFERENCE, "    - ref: 003_ebb110142c3511bd.txt:1835-1837\n",
                  "    - ref: 003_ebb110142c3511bd.txt:1839-1841\n")
    result, problems = _check(broken.directory)
    assert result.returncode == 1
    assert any(f == REFERENCE and n == line and "excerpt not found" in m for f, n, m in problems), result.stderr


def test_check_reports_a_dangling_reference(broken):
    ask = _first_line(REFERENCE, "a_qui_demander:")
    line = broken(REFERENCE, ask, "a_qui_demander: [dispositif-fantome, offre-ingenierie-porteurs-cd31]\n")
    voir = _first_line("cae.yml", "  voir_aussi:")
    line_cae = broken("cae.yml", voir, "  voir_aussi: [couveuses, incubateur-inexistant]\n")
    result, problems = _check(broken.directory)
    assert result.returncode == 1
    assert (REFERENCE, line, "reference to unknown catalogue entry 'dispositif-fantome'") in problems, result.stderr
    assert ("cae.yml", line_cae, "reference to unknown catalogue entry 'incubateur-inexistant'") in problems


def test_check_reports_schema_violations_at_their_line(broken):
    line_statut = broken(REFERENCE, "  statuts: [association, cooperative, entreprise, autre]\n",
                         "  statuts: [association, scop, entreprise, autre]\n")
    line_zone = broken("parcours-adress.yml", "  zones: [epci:243100518]\n", "  zones: [metropole:toulouse]\n")
    line_id = broken("cae.yml", "id: cae\n", "id: coopératives\n")
    result, problems = _check(broken.directory)
    assert result.returncode == 1
    assert any(f == REFERENCE and n == line_statut and "'scop' is not one of" in m for f, n, m in problems), \
        result.stderr
    assert any(f == "parcours-adress.yml" and n == line_zone and "metropole:toulouse" in m
               for f, n, m in problems), result.stderr
    assert any(f == "cae.yml" and n == line_id for f, n, m in problems), result.stderr


def _promise_block(name: str) -> str:
    """The ``promesse:`` key and its ``texte`` (plain or folded), up to its ``sources``."""
    text = (CATALOGUE_DIR / name).read_text(encoding="utf-8")
    start = text.index("\npromesse:\n  texte:") + 1
    return text[start:text.index("\n  sources:", start)]


def test_check_reports_a_long_or_multi_sentence_promise(broken):
    """The promesse shown in every answer: one sentence of at most 20 words."""
    long_promise = ("Un accompagnement gratuit et complet pour consolider, développer et faire changer "
                    "d'échelle une structure de l'ESS qui emploie des salariés, partout en France, "
                    "avec un opérateur public dans chaque département.")
    assert len(long_promise.split()) == 30
    line = broken(REFERENCE, _promise_block(REFERENCE), f"promesse:\n  texte: {long_promise}",
                  mark="  texte: Un accompagnement gratuit et complet")
    line_cae = broken("cae.yml", _promise_block("cae.yml"),
                      "promesse:\n  texte: Un cadre pour tester votre activité. Puis la démarrer.",
                      mark="  texte: Un cadre pour tester")
    result, problems = _check(broken.directory)
    assert result.returncode == 1
    assert any(f == REFERENCE and n == line and "promesse has 30 words" in m for f, n, m in problems), \
        result.stderr
    assert any(f == "cae.yml" and n == line_cae and "promesse must be one sentence" in m
               for f, n, m in problems), result.stderr


def test_check_reports_empty_and_duplicate_files(broken):
    (broken.directory / "vide.yml").write_text("# rien\n", encoding="utf-8")
    shutil.copy(broken.directory / "cae.yml", broken.directory / "cae-copie.yml")
    result, problems = _check(broken.directory)
    assert result.returncode == 1
    assert ("vide.yml", 1, "empty file") in problems
    assert any(f == "cae-copie.yml" and "differs from the file name" in m for f, _, m in problems)


def test_check_on_an_empty_directory(tmp_path):
    result = run_cli("check", "--directory", str(tmp_path))
    assert result.returncode == 1
    assert "no catalogue file" in result.stderr


def test_load_catalogue_raises_with_every_problem(broken):
    broken(REFERENCE, "      extrait: est un dispositif public et gratuit\n", "      extrait: inventé de toutes pièces\n")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(broken.directory, strict=True)
    assert any(p.file == REFERENCE and "excerpt not found" in p.message for p in info.value.problems)
    catalogue, problems = load_catalogue(broken.directory, strict=False)
    assert REFERENCE[:-4] not in catalogue.schemes  # a bad file never enters the catalogue
    assert problems


# --------------------------------------------------------------------------- load refuses a broken copy


def _snapshot(url: str) -> dict:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            counts = {table: conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
                      for table in ("kb_scheme", "geo_region", "geo_departement", "geo_epci", "geo_commune",
                                    "kb_meta")}
            dla = conn.execute(text("SELECT nom, categorie, etat, fichier, data FROM kb_scheme WHERE id = 'dla'")
                               ).one()
            meta = dict(conn.execute(text("SELECT key, value FROM kb_meta")).all())
            muret = conn.execute(text("SELECT nom, epci, codes_postaux FROM geo_commune "
                                      "WHERE code = '31395' AND parent IS NULL")).one()
    finally:
        engine.dispose()
    data = dla.data if isinstance(dla.data, dict) else json.loads(dla.data)
    return {"counts": counts, "dla": (dla.nom, dla.categorie, dla.etat, dla.fichier,
                                      json.dumps(data, sort_keys=True)),
            "meta": meta, "muret": tuple(muret)}


@pytest.fixture(scope="module")
def loaded_sqlite(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('catalogue-load') / 'kb.db'}"
    result = run_cli("--database-url", url, "load")
    assert result.returncode == 0, result.stderr
    return url


@pytest.mark.parametrize("breakage", ["yaml", "missing", "excerpt", "reference"])
def test_load_refuses_a_broken_catalogue_and_keeps_the_database(breakage, broken, loaded_sqlite):
    before = _snapshot(loaded_sqlite)
    assert before["counts"]["kb_scheme"] == len(FILES)
    if breakage == "yaml":
        broken(REFERENCE, "categorie: accompagnement\n", "categorie: [accompagnement\n")
    elif breakage == "missing":
        broken(REFERENCE, _first_line(REFERENCE, "nom: "), "")
    elif breakage == "excerpt":
        broken(REFERENCE, "      extrait: est un dispositif public et gratuit\n",
               "      extrait: un dispositif payant\n")
    else:
        broken("cae.yml", _first_line("cae.yml", "  voir_aussi:"), "  voir_aussi: [nulle-part]\n")
    # Also change a valid file so that the load would write something if it did not refuse.
    broken("avise.yml", "\nnom: ", "\nnom: MODIFIÉ ", mark="nom: MODIFIÉ")
    for extra in ([], ["--force"]):
        result = run_cli("--database-url", loaded_sqlite, "load", "--directory", str(broken.directory), *extra)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "refused" in result.stderr and "not changed" in result.stderr
        assert _problems(result), result.stderr  # names file and line
        assert _snapshot(loaded_sqlite) == before
    # the real catalogue still loads and reports nothing changed
    again = run_cli("--database-url", loaded_sqlite, "load")
    assert again.returncode == 0 and "already up to date" in again.stdout, again.stdout + again.stderr


def test_load_accepts_a_valid_copy_and_reports_the_change(broken, tmp_path):
    url = f"sqlite:///{tmp_path / 'copy.db'}"
    first = run_cli("--database-url", url, "load", "--directory", str(broken.directory))
    assert first.returncode == 0, first.stderr
    broken("avise.yml", "\nnom: ", "\nnom: Copie – ", mark="nom: Copie")
    second = run_cli("--database-url", url, "load", "--directory", str(broken.directory))
    assert second.returncode == 0 and "loaded" in second.stdout and "already" not in second.stdout
    from sqlalchemy import create_engine, text

    engine = create_engine(url, future=True)
    with engine.connect() as conn:
        nom = conn.execute(text("SELECT nom FROM kb_scheme WHERE id = 'avise'")).scalar_one()
    engine.dispose()
    assert nom.startswith("Copie – ")


def test_yaml_of_every_file_is_plain_safe_yaml():
    """No tags, anchors or aliases: the files stay readable by any YAML reader."""
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            assert getattr(event, "anchor", None) is None, path.name
            tag = getattr(event, "tag", None)
            assert tag in (None, "!"), (path.name, tag)
