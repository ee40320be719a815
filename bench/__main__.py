"""``make bench``: every measured target, printed as figures (never a timed test).

1. knowledge: load time, territory lookups, engine speed;
2. training: a full ``rasa train`` from scratch, timed (target at most 180 s);
3. nlu: intent F1 and slot accuracy per slot and per persona on held-out set A (tests/heldout,
   tuned on over time: a regression check), set B (tests/heldout_b, frozen; its errors were read
   on 2 December) and set C (tests/heldout_c, written blind and frozen on 2 December; its
   first run is the honest figure, its errors were read after it);
   add --cross-validation for 3-fold CV of the training data;
4. conversations: the share of whole conversations that end with the right orientation, on the three sets;
5. latency: turn latency for one and ten users, cold start, memory.

    .venv/bin/python -m bench                       # everything
    .venv/bin/python -m bench nlu conversations     # some parts only
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable

from bench import conversations, knowledge, latency, nlu, training

ROOT = Path(__file__).resolve().parent.parent
SET_B = ROOT / "tests" / "heldout_b"
SET_C = ROOT / "tests" / "heldout_c"
SET_D = ROOT / "tests" / "heldout_d"  # whole conversations only
SET_E = ROOT / "tests" / "heldout_e"  # whole conversations only
SET_F = ROOT / "tests" / "heldout_f"  # whole conversations only
SET_G = ROOT / "tests" / "heldout_g"  # whole conversations only
RESULTS = ROOT / "bench-results"


SETS = [("B (frozen, its errors read on 2 December)", SET_B, "b"), ("C (written blind and frozen on 2 December, its errors read after the first run)", SET_C, "c")]


def _nlu(extra: list[str]) -> int:
    code = nlu.main(extra)
    for name, folder, suffix in SETS:
        print(f"\n----- nlu, held-out set {name} -----", flush=True)
        code = nlu.main(["--heldout", str(folder / "utterances.yml"), "--out", str(RESULTS / f"nlu_{suffix}.json")]) or code
    return code


def _conversations(_: list[str]) -> int:
    code = conversations.main([])
    for name, folder, suffix in SETS + [("D (written blind and frozen on 2 December, first run 23 of 40)", SET_D, "d"),
                                        ("E (written blind and frozen on 2 December, first run 18 of 40)", SET_E, "e"),
                                        ("F (written blind and frozen on 2 December, first run 13 of 40)", SET_F, "f"),
                                        ("G (written blind and frozen on 2 December, first run 17 of 40)", SET_G, "g")]:
        print(f"\n----- conversations, held-out set {name} -----", flush=True)
        code = conversations.main(["--file", str(folder / "conversations.yml"),
                                   "--out", str(RESULTS / f"conversations_{suffix}.json")]) or code
    return code


PARTS: dict[str, Callable[[list[str]], int]] = {
    "knowledge": lambda _: knowledge.main([]), "training": training.main, "nlu": _nlu,
    "conversations": _conversations, "latency": lambda _: latency.main([])}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = [p for p in PARTS if p in argv] or list(PARTS)
    extra = [a for a in argv if a not in PARTS]
    failed = []
    for name in chosen:
        print(f"\n===== bench: {name} =====", flush=True)
        start = time.monotonic()
        try:
            code = PARTS[name](extra)
        except Exception as exc:  # noqa: BLE001 - report and go on with the other parts
            print(f"bench {name}: error: {exc}", file=sys.stderr)
            code = 1
        if code:
            failed.append(name)
        print(f"({name}: {time.monotonic() - start:.0f}s)")
    print("\nFigures written to bench-results/*.json")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
