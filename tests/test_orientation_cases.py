"""The orientation engine against the golden table ``tests/orientation_cases.yml``.

The table was written from the seed documents by a field expert before the engine ran on it
(see its header): 170+ profiles by persona and territory, each with the schemes that must be
shown (``must``, ``must_any``), the first specific scheme when the seeds make it plain
(``first``), the first desk (``desk``) and the schemes that must never be recommended
(``must_not``, checked against everything the person can reach: the answer and « d'autres
pistes »). Every row cites the seed lines that justify it.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.engine import orient

CASES = yaml.safe_load((Path(__file__).parent / "orientation_cases.yml").read_text(encoding="utf-8"))["cases"]
MORE = 12  # what « d'autres pistes » can reach


@pytest.mark.parametrize("case", CASES, ids=[c["name"][:70] for c in CASES])
def test_golden_case(case, catalogue, territories):
    answer = orient(case["profile"], catalogue, territories)
    shown = [r.id for r in answer.shown]
    reachable = [r.id for r in orient(case["profile"], catalogue, territories, limit=MORE).recommandations] + shown
    problems = [f"missing {i}" for i in case.get("must") or [] if i not in shown]
    problems += [f"none of {g}" for g in case.get("must_any") or [] if not set(g) & set(shown)]
    problems += [f"must not {i}" for i in case.get("must_not") or [] if i in reachable]
    specific = [r.id for r in answer.shown if not r.guichet]
    if case.get("first") and (not specific or specific[0] != case["first"]):
        problems.append(f"first is {specific[:1]}, expected {case['first']}")
    desks = [r.id for r in answer.guichets]
    if case.get("desk") and (not desks or desks[0] != case["desk"]):
        problems.append(f"first desk is {desks[:1]}, expected {case['desk']}")
    assert not problems, f"{case['why']}\nshown: {shown}"


def test_the_table_is_big_and_varied_enough():
    personas = {c["persona"] for c in CASES}
    outside = [c for c in CASES if (c["profile"].get("departement") or "31") not in
               ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82")]
    occitanie = [c for c in CASES if c["profile"].get("departement") in
                 ("09", "11", "12", "30", "32", "34", "46", "48", "65", "66", "81", "82")]
    collectivites = [c for c in CASES if c["profile"].get("statut") == "collectivite"]
    assert len(CASES) >= 150 and len(personas) >= 10
    assert len(outside) >= 30 and len(occitanie) >= 25 and len(collectivites) >= 20
    assert all(c.get("why") for c in CASES)
