"""``make bench``: every measured target, printed as figures (never a timed test).

1. knowledge: load time, territory lookups, engine speed;
2. training: a full ``rasa train`` from scratch, timed (target at most 180 s);
3. nlu: intent F1 and slot accuracy per slot and per persona on held-out set A (tests/heldout,
   tuned on over time: a regression check) and set B (tests/heldout_b, frozen, never tuned on);
   add --cross-validation for 3-fold CV of the training data;
4. conversations: the share of whole conversations that end with the right orientation, on both sets;
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
RESULTS = ROOT / "bench-results"


def _nlu(extra: list[str]) -> int:
    code = nlu.main(extra)
    print("\n----- nlu, held-out set B (frozen, never tuned on) -----", flush=True)
    return code or nlu.main(["--heldout", str(SET_B / "utterances.yml"), "--out", str(RESULTS / "nlu_b.json")])


def _conversations(_: list[str]) -> int:
    code = conversations.main([])
    print("\n----- conversations, held-out set B (frozen, never tuned on) -----", flush=True)
    return code or conversations.main(["--file", str(SET_B / "conversations.yml"),
                                       "--out", str(RESULTS / "conversations_b.json")])


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
