"""``make bench``: every measured target, printed as figures (never a timed test).

1. knowledge: load time, territory lookups, engine speed;
2. nlu: held-out intent F1 and slot accuracy (add --cross-validation for 3-fold CV);
3. latency: turn latency for one and ten users, cold start, memory.
"""
from __future__ import annotations

import sys
import time

from bench import knowledge, latency, nlu

PARTS = {"knowledge": knowledge.main, "nlu": nlu.main, "latency": latency.main}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = [p for p in PARTS if p in argv] or list(PARTS)
    extra = [a for a in argv if a not in PARTS]
    failed = []
    for name in chosen:
        print(f"\n===== bench: {name} =====", flush=True)
        start = time.monotonic()
        args = extra if name == "nlu" else []
        try:
            code = PARTS[name](args)
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
