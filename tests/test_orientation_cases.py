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

# Rows the engine does not meet yet, each with what is missing. Strict: a row that starts passing
# fails until it leaves this list, so the list is always the true state (README, « Limites connues »).
KNOWN_GAPS = {
    "employer association in Toulouse developing, needs quasi-equity": "the profile has no finer need than "
        "« financement »: a guarantee or quasi-equity cannot be asked for, so France Active comes before its tools",
    "16-year-old in Toulouse": "no age in the profile: Théogone (young companies) is reachable for a teenager",
    "volunteer association in Toulouse whose board wants training": "the Diplôme (ESS cadres) is not "
        "restricted to employers in the catalogue; the sources do not say it is",
    "mountain association in Luchon": "two needs fill the four places with money schemes; the Comminges "
        "scheme and the DLA come 5th and 6th",
    "Revel commune": "the communes' fund is for investment, which the profile cannot say; engineering comes first",
    "young volunteer association in Nailloux": "PAVA and the Mouvement associatif come after four money and "
        "incubation schemes",
    "future market gardener": "the farmers' test spaces are part of the short-supply-chain plan, not a "
        "test-activity entry: the CAE and couveuses come first",
    "CUMA in Montesquieu-Volvestre": "the profile cannot tell a CUMA from a SCOP: CGSCOP tools stay reachable",
    "Muret town council": "the insertion-clause facilitators match only need and status: four schemes "
        "for collectivités come first",
    "porteur in Ramonville-Saint-Agne": "REALIS accompanies all Occitanie ESS companies (001:958-961): it is "
        "reachable in « d'autres pistes », which the row forbids",
    "ESS company in Labège": "scale-up financing tools (NovESS, SIFA) rank after France Active and the "
        "accelerators",
    "porteur in Montpellier needing a pépinière": "the REALIS premises are in Montpellier only; the catalogue "
        "keeps « hébergement » off the regional entry",
    "Beauvais agglomeration": "the PTCE entry answers « réseau » only; the agglomeration asked for support and money",
    "student in Poitiers": "Pépite and the Social Cup answer « accompagnement » in the catalogue; the student "
        "asked for training and a network",
    "employer association in Toulouse developing, support first": "REALIS reachable in « d'autres pistes » "
        "(see Ramonville)",
    "ESS company in Toulouse looking for buyers": "the catalogue opens the Department's markets to all ESS "
        "structures (000:2508-2510); the row keeps them for SIAE and EA",
    "ESS company in Montpellier with a social innovation": "REALIS and AD'OCC come after the financing entries",
}


def _gap(case) -> str | None:
    return next((why for prefix, why in KNOWN_GAPS.items() if case["name"].startswith(prefix)), None)


PARAMS = [pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=_gap(c))) if _gap(c) else c for c in CASES]


@pytest.mark.parametrize("case", PARAMS, ids=[c["name"][:70] for c in CASES])
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


def test_every_known_gap_names_a_row():
    for prefix in KNOWN_GAPS:
        assert sum(c["name"].startswith(prefix) for c in CASES) == 1, prefix


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
