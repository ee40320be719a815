"""Format of the held-out sets, without any model.

The benchmarks (bench/nlu.py, bench/conversations.py) trust these files: every intent must
exist in the domain, every expected slot must use the contract's names and canonical values,
every place must be a real INSEE code of the territory index, and every scheme id of the whole
conversations must exist in the catalogue. Sets: tests/heldout/ (written blind, frozen, the
one `make bench` reports), tests/heldout_b/ (written blind later, measured once at the end) and
tests/nlu/heldout.yml (the first set, tuned on, kept for comparison).
Set C, tests/heldout_c/, was written blind on 2 December and frozen; its errors were read after its first run.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.values import BESOINS, STADES, STATUTS  # noqa: E402
from bench.nlu import PROFILE_SLOTS as BENCH_SLOTS  # noqa: E402

PROFILE_SLOTS = set(BENCH_SLOTS)
KEYS = {"text", "intent", "slots", "requested", "persona", "known"}
SETS = [ROOT / "tests" / "nlu" / "heldout.yml", ROOT / "tests" / "heldout" / "utterances.yml",
        ROOT / "tests" / "heldout_b" / "utterances.yml"]
CONVERSATIONS = [ROOT / "tests" / "heldout" / "conversations.yml", ROOT / "tests" / "heldout_b" / "conversations.yml"]
SETS.append(ROOT / "tests" / "heldout_c" / "utterances.yml")
CONVERSATIONS.append(ROOT / "tests" / "heldout_c" / "conversations.yml")
MIN_UTTERANCES = 150
MIN_PER_INTENT = 6
MIN_INFORM = 70


def domain_intents() -> set[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    names = set()
    for item in domain.get("intents") or []:
        names.add(next(iter(item)) if isinstance(item, dict) else str(item))
    return names


def problems(data, intents: set[str], territories) -> list[str]:
    """Everything wrong with a parsed held-out file (empty when it is fine)."""
    if not isinstance(data, dict) or not isinstance(data.get("examples"), list):
        return ["the file must be a mapping with an 'examples' list"]
    out: list[str] = []
    seen: Counter = Counter()
    for i, ex in enumerate(data["examples"], start=1):
        where = f"example #{i}"
        if not isinstance(ex, dict):
            out.append(f"{where}: not a mapping")
            continue
        where = f"example #{i} ({ex.get('text')!r})"
        unknown = set(ex) - KEYS
        if unknown:
            out.append(f"{where}: unknown keys {sorted(unknown)}")
        text = ex.get("text")
        if not isinstance(text, str) or not text.strip():
            out.append(f"{where}: 'text' must be a non-empty string")
        else:
            key = (text.strip().casefold(), ex.get("requested"), repr(sorted((ex.get("slots") or {}).items())),
                   ex.get("intent"))
            seen[key] += 1
        if ex.get("intent") not in intents:
            out.append(f"{where}: intent {ex.get('intent')!r} is not in domain.yml")
        requested = ex.get("requested")
        if requested is not None and requested not in PROFILE_SLOTS:
            out.append(f"{where}: requested {requested!r} is not a profile slot")
        slots = ex.get("slots")
        if not isinstance(slots, dict):
            out.append(f"{where}: 'slots' must be a mapping ({{}} when none)")
            continue
        for name in set(slots) - PROFILE_SLOTS:
            out.append(f"{where}: unknown slot {name!r}")
        if "statut" in slots and slots["statut"] not in STATUTS:
            out.append(f"{where}: statut {slots['statut']!r} is not canonical")
        if "stade" in slots and slots["stade"] not in STADES:
            out.append(f"{where}: stade {slots['stade']!r} is not canonical")
        if "employeur" in slots and not isinstance(slots["employeur"], bool):
            out.append(f"{where}: employeur must be true or false")
        if "besoins" in slots:
            besoins = slots["besoins"]
            if (not isinstance(besoins, list) or not besoins or any(b not in BESOINS for b in besoins)
                    or len(set(besoins)) != len(besoins)):
                out.append(f"{where}: besoins must be a non-empty list of {BESOINS}")
            elif besoins != [b for b in BESOINS if b in besoins]:
                out.append(f"{where}: besoins {besoins} not in the canonical order {BESOINS}")
        dep = slots.get("departement")
        if "departement" in slots and (not isinstance(dep, str) or territories.departement(dep) is None
                                       or territories.departement(dep).code != dep):
            out.append(f"{where}: departement {dep!r} is not a department code (a quoted string like \"31\")")
        if "commune" in slots:
            code = slots["commune"]
            commune = territories.commune(code) if isinstance(code, str) else None
            if commune is None or commune.code != code:
                out.append(f"{where}: commune {code!r} is not the INSEE code of a current commune")
            elif dep != commune.departement:
                out.append(f"{where}: commune {code} is in department {commune.departement}, "
                           f"departement must be {commune.departement!r}")
    # The same text twice with different expectations is a contradiction (the same one twice is not).
    by_text: Counter = Counter((text, requested) for text, requested, _slots, _intent in seen)
    for (text, requested), n in by_text.items():
        if n > 1:
            out.append(f"utterance {text!r} (requested {requested}) expects different things")
    return out


@pytest.fixture(scope="module", params=SETS, ids=[p.parent.name for p in SETS])
def heldout(request):
    return yaml.safe_load(request.param.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def intents():
    return domain_intents()


def test_heldout_is_valid(heldout, intents, territories):
    assert problems(heldout, intents, territories) == []


def test_heldout_is_big_enough_and_covers_every_intent(heldout, intents):
    if not any("persona" in ex for ex in heldout["examples"]):
        intents = intents - {"ask_conditions", "ask_why_not"}  # the first set predates these intents
    counts = Counter(ex["intent"] for ex in heldout["examples"])
    assert len(heldout["examples"]) >= MIN_UTTERANCES
    too_few = {name: counts.get(name, 0) for name in sorted(intents) if counts.get(name, 0) < MIN_PER_INTENT}
    assert too_few == {}, f"fewer than {MIN_PER_INTENT} utterances: {too_few}"
    assert counts["inform"] >= MIN_INFORM


def test_heldout_has_answers_to_every_profile_question(heldout):
    asked = Counter(ex.get("requested") for ex in heldout["examples"] if ex.get("requested"))
    assert set(asked) == PROFILE_SLOTS - {"departement"}


BROKEN = {
    "not a mapping": "- text: bonjour\n  intent: greet\n",
    "unknown intent": "examples:\n  - {text: bonjour, intent: salutation, slots: {}}\n",
    "unknown slot": "examples:\n  - {text: asso, intent: inform, slots: {structure: association}}\n",
    "non-canonical statut": "examples:\n  - {text: asso, intent: inform, slots: {statut: asso}}\n",
    "non-canonical stade": "examples:\n  - {text: on démarre, intent: inform, slots: {stade: demarrage}}\n",
    "employeur as a string": "examples:\n  - {text: oui, intent: affirm, slots: {employeur: 'oui'}}\n",
    "besoins not a list": "examples:\n  - {text: un local, intent: inform, slots: {besoins: hebergement}}\n",
    "besoins out of order": "examples:\n  - {text: x, intent: inform, slots: {besoins: [reseau, financement]}}\n",
    "unknown INSEE code": "examples:\n  - {text: x, intent: inform, slots: {commune: '31999', departement: '31'}}\n",
    "commune as a number": "examples:\n  - {text: x, intent: inform, slots: {commune: 31395, departement: '31'}}\n",
    "commune without its department": "examples:\n  - {text: Muret, intent: inform, slots: {commune: '31395'}}\n",
    "wrong department": "examples:\n  - {text: Muret, intent: inform, slots: {commune: '31395', departement: '09'}}\n",
    "unknown department": "examples:\n  - {text: x, intent: inform, slots: {departement: '99'}}\n",
    "missing slots": "examples:\n  - {text: bonjour, intent: greet}\n",
    "empty text": "examples:\n  - {text: '', intent: greet, slots: {}}\n",
    "bad requested": "examples:\n  - {text: asso, requested: structure, intent: inform, slots: {}}\n",
    "contradiction": "examples:\n  - {text: Bonjour, intent: greet, slots: {}}\n  - {text: bonjour, intent: goodbye, slots: {}}\n",
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_file_is_reported(case, intents, territories):
    assert problems(yaml.safe_load(BROKEN[case]), intents, territories), case



@pytest.mark.parametrize("path", CONVERSATIONS, ids=[p.parent.name for p in CONVERSATIONS])
def test_conversations_are_valid(path, catalogue, territories):
    conversations = yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]
    assert len(conversations) >= 45
    ids = set()
    for conv in conversations:
        assert conv["id"] not in ids and conv.get("turns") and conv.get("persona")
        ids.add(conv["id"])
        expect = conv.get("expect") or {}
        named = list(expect.get("must") or []) + list(expect.get("must_not") or []) + \
            [i for group in expect.get("must_any") or [] for i in group]
        assert all(catalogue.get(i) is not None for i in named), conv["id"]
        assert set(answers := (conv.get("answers") or {})) <= PROFILE_SLOTS - {"departement"}, (conv["id"], answers)
        assert problems({"examples": [{"text": "x", "intent": "inform", "slots": expect.get("profile") or {}}]},
                        {"inform"}, territories) == [], conv["id"]


# Sets D, E and F: whole conversations only, written blind on 2 December (needs in the person's order).
WHOLE_CONVERSATION_SETS = [ROOT / "tests" / "heldout_d" / "conversations.yml",
                           ROOT / "tests" / "heldout_e" / "conversations.yml",
                           ROOT / "tests" / "heldout_f" / "conversations.yml"]


@pytest.mark.parametrize("path", WHOLE_CONVERSATION_SETS, ids=[p.parent.name for p in WHOLE_CONVERSATION_SETS])
def test_whole_conversation_sets_are_valid(path, catalogue, territories):
    conversations = yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]
    assert len(conversations) >= 40 and len({c["id"] for c in conversations}) == len(conversations)
    for conv in conversations:
        expect = conv.get("expect") or {}
        named = list(expect.get("must") or []) + list(expect.get("must_not") or []) + \
            [i for group in expect.get("must_any") or [] for i in group]
        assert conv.get("turns") and conv.get("persona") and all(catalogue.get(i) is not None for i in named), conv["id"]
        assert not set(expect.get("must") or []) & set(expect.get("must_not") or []), conv["id"]
        profile = dict(expect.get("profile") or {})  # needs in the person's order: canonical order for the check
        profile["besoins"] = sorted(profile.get("besoins") or [], key=BESOINS.index) or None
        profile = {k: v for k, v in profile.items() if v is not None}
        assert problems({"examples": [{"text": "x", "intent": "inform", "slots": profile}]},
                        {"inform"}, territories) == [], conv["id"]


SET_D = ROOT / "tests" / "heldout_d" / "conversations.yml"  # set D: 40 whole conversations, written blind on 2 December


def test_set_d_conversations_are_valid(catalogue, territories):
    conversations = yaml.safe_load(SET_D.read_text(encoding="utf-8"))["conversations"]
    assert len(conversations) >= 40
    assert len({c["id"] for c in conversations}) == len(conversations)
    for conv in conversations:
        expect = conv.get("expect") or {}
        named = list(expect.get("must") or []) + list(expect.get("must_not") or []) + \
            [i for group in expect.get("must_any") or [] for i in group]
        assert conv.get("turns") and conv.get("persona") and all(catalogue.get(i) is not None for i in named), conv["id"]
        assert not set(expect.get("must") or []) & set(expect.get("must_not") or []), conv["id"]
        profile = dict(expect.get("profile") or {})  # needs in the person's order: canonical order for the check
        profile["besoins"] = sorted(profile.get("besoins") or [], key=BESOINS.index) or None
        profile = {k: v for k, v in profile.items() if v is not None}
        assert problems({"examples": [{"text": "x", "intent": "inform", "slots": profile}]},
                        {"inform"}, territories) == [], conv["id"]


SET_E = ROOT / "tests" / "heldout_e" / "conversations.yml"  # set E: 40 whole conversations, written blind on 2 December


def test_set_e_conversations_are_valid(catalogue, territories):
    conversations = yaml.safe_load(SET_E.read_text(encoding="utf-8"))["conversations"]
    assert len(conversations) >= 40 and len({c["id"] for c in conversations}) == len(conversations)
    for conv in conversations:
        expect = conv.get("expect") or {}
        named = list(expect.get("must") or []) + list(expect.get("must_not") or []) + \
            [i for group in expect.get("must_any") or [] for i in group]
        assert conv.get("turns") and conv.get("persona") and all(catalogue.get(i) is not None for i in named), conv["id"]
        assert not set(expect.get("must") or []) & set(expect.get("must_not") or []), conv["id"]
        profile = dict(expect.get("profile") or {})
        profile["besoins"] = sorted(profile.get("besoins") or [], key=BESOINS.index) or None
        profile = {k: v for k, v in profile.items() if v is not None}
        assert problems({"examples": [{"text": "x", "intent": "inform", "slots": profile}]},
                        {"inform"}, territories) == [], conv["id"]


SET_F = ROOT / "tests" / "heldout_f" / "conversations.yml"  # set F: 40 whole conversations, written blind on 2 December


def test_set_f_conversations_are_valid(catalogue, territories):
    conversations = yaml.safe_load(SET_F.read_text(encoding="utf-8"))["conversations"]
    assert len(conversations) >= 40 and len({c["id"] for c in conversations}) == len(conversations)
    for conv in conversations:
        expect = conv.get("expect") or {}
        named = list(expect.get("must") or []) + list(expect.get("must_not") or []) + \
            [i for group in expect.get("must_any") or [] for i in group]
        assert conv.get("turns") and conv.get("persona") and all(catalogue.get(i) is not None for i in named), conv["id"]
        assert not set(expect.get("must") or []) & set(expect.get("must_not") or []), conv["id"]
        profile = dict(expect.get("profile") or {})
        profile["besoins"] = sorted(profile.get("besoins") or [], key=BESOINS.index) or None
        profile = {k: v for k, v in profile.items() if v is not None}
        assert problems({"examples": [{"text": "x", "intent": "inform", "slots": profile}]},
                        {"inform"}, territories) == [], conv["id"]
SET_G = ROOT / "tests" / "heldout_g" / "conversations.yml"  # set G: 40 whole conversations, written blind on 2 December


def test_set_g_conversations_are_valid(catalogue, territories):
    test_whole_conversation_sets_are_valid(SET_G, catalogue, territories)
