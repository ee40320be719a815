"""Knowledge-base benchmark: loading, territory index, orientation engine, commune lookup.

    .venv/bin/python -m bench.knowledge                  # fresh SQLite database in a temporary directory
    .venv/bin/python -m bench.knowledge --database-url postgresql+psycopg2://...   # another database

Measures, with everything loaded (the whole catalogue and every French territory):

- ``load_all`` into a fresh database (validation + catalogue + territories), target < 30 s;
- building the ``TerritoryIndex`` from the database (what the action server does at start-up);
- 2000 ``orient`` calls over a varied, seeded set of profiles (every status, stage and need;
  communes of Haute-Garonne, of Occitanie, of other regions, Corsica and overseas;
  department-only, empty and garbage profiles): p50 / p95 / max in ms, target p95 < 5 ms;
- 2000 commune lookups (official names, typos, postal codes): p50 / p95 in ms, target
  p95 < 2 ms.

Prints the figures with their targets (PASS / BELOW) and writes
``bench-results/knowledge.json``. A benchmark, not a test: the exit code is 0 even below a
target, non-zero only when something could not run.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterable, List, Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench-results" / "knowledge.json"
TARGETS = {
    "load_all_s": 30.0,       # loading everything
    "engine_p95_ms": 5.0,     # one orient() call, whole territory data loaded
    "lookup_p95_ms": 2.0,     # one commune lookup
}

STATUTS = ["sans_structure", "association", "cooperative", "entreprise", "collectivite", "autre"]
STADES = ["idee", "creation", "developpement", "consolidation", "changement_echelle", "reprise"]
BESOINS = ["financement", "hebergement", "accompagnement", "formation", "juridique", "emploi", "marches", "reseau"]
PUBLICS = ["siae", "jeunes", "entreprises_adaptees", "groupements_employeurs", "structures_accompagnement"]
# Haute-Garonne (Toulouse Métropole, Muretain, Sicoval, Comminges, rural), Occitanie, elsewhere.
COMMUNES = ["31555", "31069", "31149", "31157", "31395", "31446", "31113", "31483", "31042", "31451", "31396",
            "31256", "34172", "81004", "46042", "66136", "12202", "48095", "65440", "32013", "09122", "82121",
            "11069", "30189", "69123", "75056", "33063", "2A004", "2B033", "97411", "97209", "97302", "97611"]
DEPARTEMENTS = ["31", "34", "81", "09", "69", "2A", "971", "974"]


def _percentile(values: List[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, int(round(pct / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def _latencies(calls: Iterable[Callable[[], Any]]) -> tuple[List[float], List[float]]:
    """Wall-clock latency (what a user waits) and CPU time of each call, in ms. On a busy
    machine the wall clock includes time spent waiting for a processor; the CPU time does not."""
    wall, cpu = [], []
    gc_was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()  # measure the call, not a collection of someone else's garbage
    try:
        for call in calls:
            start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
            call()
            cpu.append((time.thread_time_ns() - start_cpu) / 1e6)
            wall.append((time.perf_counter_ns() - start) / 1e6)
    finally:
        if gc_was_enabled:
            gc.enable()
    return wall, cpu


def profiles(count: int, seed: int) -> List[Any]:
    """A varied, reproducible set of profiles."""
    rnd = random.Random(seed)
    out: List[Any] = []
    for i in range(count):
        kind = i % 20
        if kind == 0:
            out.append({})
            continue
        if kind == 1:  # garbage
            out.append(rnd.choice([None, {"statut": 3, "besoins": "argent", "commune": []},
                                   {"stade": "licorne", "departement": "999"}, "texte", 42]))
            continue
        profile: dict = {"statut": rnd.choice(STATUTS), "stade": rnd.choice(STADES),
                         "besoins": rnd.sample(BESOINS, rnd.choice([1, 1, 1, 2, 3]))}
        if kind in (2, 3):
            profile["departement"] = rnd.choice(DEPARTEMENTS)
        else:
            profile["commune"] = rnd.choice(COMMUNES)
        if profile["statut"] not in ("sans_structure", "collectivite") and rnd.random() < 0.7:
            profile["employeur"] = rnd.random() < 0.6
        if rnd.random() < 0.3:
            profile["innovation_sociale"] = rnd.random() < 0.7
        if rnd.random() < 0.1:
            profile["publics"] = [rnd.choice(PUBLICS)]
        out.append(profile)
    return out


def _typo(rnd: random.Random, name: str) -> str:
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(letters) < 5:
        return name
    i = rnd.choice(letters[1:])
    op = rnd.choice(["swap", "drop", "replace"])
    if op == "swap" and i + 1 < len(name):
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    if op == "drop":
        return name[:i] + name[i + 1:]
    return name[:i] + rnd.choice("aeioulnrst") + name[i + 1:]


def lookup_queries(territories, count: int, seed: int) -> List[tuple[str, str]]:
    """(kind, query): official names, names with a typo, postal codes; Haute-Garonne weighted."""
    rnd = random.Random(seed)
    communes = list(territories.places.communes.values())
    home = [c for c in communes if c.departement == "31"]
    out = []
    for i in range(count):
        commune = rnd.choice(home if rnd.random() < 0.4 else communes)
        kind = ("nom", "faute", "code_postal")[i % 3]
        if kind == "nom":
            query = commune.nom if rnd.random() < 0.5 else commune.nom.lower()
        elif kind == "faute":
            query = _typo(rnd, commune.nom)
        else:
            query = rnd.choice(commune.codes_postaux) if commune.codes_postaux else commune.code
        out.append((kind, query))
    return out


def _summary(values: List[float]) -> dict:
    return {"n": len(values), "p50_ms": round(statistics.median(values), 4),
            "p95_ms": round(_percentile(values, 95), 4), "max_ms": round(max(values), 4),
            "mean_ms": round(statistics.fmean(values), 4)}


def _verdict(value: float, target: float) -> str:
    return "PASS" if value < target else "BELOW"


def run(database_url: Optional[str], engine_calls: int, lookups: int, seed: int) -> dict:
    from knowledge.engine import orient
    from knowledge.store import load_all, load_catalogue_from_db, load_territories_from_db

    tmp = None
    if database_url is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-knowledge-")
        database_url = f"sqlite:///{Path(tmp.name) / 'kb.db'}"
    try:
        report, load_s = _timed(lambda: load_all(database_url, force=True))
        catalogue, catalogue_s = _timed(lambda: load_catalogue_from_db(database_url))
        territories, index_s = _timed(lambda: load_territories_from_db(database_url))

        # engine: warm up (first call pays for lazy imports), then measure
        batch = profiles(engine_calls, seed)
        for profile in batch[:50]:
            orient(profile, catalogue, territories)
        engine_ms, engine_cpu = _latencies([lambda p=p: orient(p, catalogue, territories) for p in batch])
        answered = sum(1 for p in batch if orient(p, catalogue, territories).recommandations)

        queries = lookup_queries(territories, lookups, seed)
        for _kind, query in queries[:50]:
            territories.lookup(query)
        lookup_ms, lookup_cpu = _latencies([lambda q=q: territories.lookup(q) for _k, q in queries])
        by_kind = {}
        for kind in ("nom", "faute", "code_postal"):
            values = [ms for (k, _q), ms in zip(queries, lookup_ms) if k == kind]
            cpu_values = [ms for (k, _q), ms in zip(queries, lookup_cpu) if k == kind]
            by_kind[kind] = {**_summary(values), "cpu_p95_ms": round(_percentile(cpu_values, 95), 4),
                             "verdict": _verdict(_percentile(values, 95), TARGETS["lookup_p95_ms"])}
        found = sum(1 for _k, q in queries if territories.lookup(q).status != "unknown")
    finally:
        if tmp is not None:
            tmp.cleanup()

    engine = {**_summary(engine_ms), "cpu_p50_ms": round(statistics.median(engine_cpu), 4),
              "cpu_p95_ms": round(_percentile(engine_cpu, 95), 4)}
    lookup = {**_summary(lookup_ms), "cpu_p50_ms": round(statistics.median(lookup_cpu), 4),
              "cpu_p95_ms": round(_percentile(lookup_cpu, 95), 4)}
    try:
        load_average = [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover - not on every platform
        load_average = None
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_average": load_average},
        "database": "fresh SQLite (temporary)" if tmp is not None else database_url.split("@")[-1],
        "counts": report.counts,
        "load_all_s": round(load_s, 3),
        "catalogue_from_db_s": round(catalogue_s, 3),
        "territory_index_s": round(index_s, 3),
        "engine": {**engine, "profiles_answered": answered},
        "lookup": {**lookup, "by_kind": by_kind, "resolved": found},
        "targets": TARGETS,
        "verdicts": {
            "load_all_s": _verdict(load_s, TARGETS["load_all_s"]),
            "engine_p95_ms": _verdict(engine["p95_ms"], TARGETS["engine_p95_ms"]),
            "lookup_p95_ms": _verdict(lookup["p95_ms"], TARGETS["lookup_p95_ms"]),
        },
        "seed": seed,
    }


def print_report(result: dict) -> None:
    v = result["verdicts"]
    t = result["targets"]
    e, lk = result["engine"], result["lookup"]
    counts = ", ".join(f"{n} {k}" for k, n in result["counts"].items())
    print(f"Knowledge base benchmark ({result['database']}; {counts})")
    print(f"  load everything (load_all)      {result['load_all_s']:8.2f} s    target < {t['load_all_s']:g} s"
          f"    {v['load_all_s']}")
    print(f"  catalogue from the database     {result['catalogue_from_db_s']:8.2f} s")
    print(f"  TerritoryIndex from the database{result['territory_index_s']:8.2f} s")
    print(f"  engine, {e['n']} calls:  p50 {e['p50_ms']:.3f} ms  p95 {e['p95_ms']:.3f} ms  max {e['max_ms']:.3f} ms"
          f"    target p95 < {t['engine_p95_ms']:g} ms    {v['engine_p95_ms']}")
    print(f"      CPU time per call: p50 {e['cpu_p50_ms']:.3f} ms  p95 {e['cpu_p95_ms']:.3f} ms")
    print(f"  commune lookup, {lk['n']} queries:  p50 {lk['p50_ms']:.3f} ms  p95 {lk['p95_ms']:.3f} ms"
          f"  max {lk['max_ms']:.3f} ms    target p95 < {t['lookup_p95_ms']:g} ms    {v['lookup_p95_ms']}")
    print(f"      CPU time per lookup: p50 {lk['cpu_p50_ms']:.3f} ms  p95 {lk['cpu_p95_ms']:.3f} ms")
    for kind, s in lk["by_kind"].items():
        print(f"      {kind:<12} p50 {s['p50_ms']:.3f} ms  p95 {s['p95_ms']:.3f} ms  (CPU p95 {s['cpu_p95_ms']:.3f} ms,"
              f" n={s['n']})    {s['verdict']}")
    print(f"  {e['profiles_answered']}/{e['n']} profiles answered; {lk['resolved']}/{lk['n']} lookups resolved")
    machine = result["machine"]
    if machine.get("load_average"):
        print(f"  machine: {machine['cpus']} CPUs, load average {machine['load_average'][0]:g} "
              "(wall-clock latencies grow on a busy machine; CPU times do not)")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.knowledge", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None,
                        help="load into this database instead of a fresh temporary SQLite file")
    parser.add_argument("--engine-calls", type=int, default=2000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=31)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    try:
        result = run(args.database_url, args.engine_calls, args.lookups, args.seed)
    except Exception as exc:  # a benchmark that cannot run says why, with a non-zero code
        print(f"bench.knowledge: could not run: {exc!r}", file=sys.stderr)
        return 2
    print_report(result)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    try:
        shown = args.output.resolve().relative_to(ROOT)
    except ValueError:
        shown = args.output
    print(f"  written to {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
