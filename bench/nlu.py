"""NLU benchmark: intents and profile slots of the current model on the held-out set.

    .venv/bin/python -m bench.nlu                      # held-out set, a few seconds after loading
    .venv/bin/python -m bench.nlu --cross-validation   # also 3-fold cross-validation of data/nlu (minutes)

The held-out utterances (tests/heldout/utterances.yml, written blind and never used for
training; the older tests/nlu/heldout.yml was tuned on and is kept only for comparison) are
parsed by the trained model (``scripts.train.model_path()``), then:

- intents: per-intent precision, recall, F1 and support, macro-F1 (mean F1 over the
  intents of the held-out set; a prediction outside them such as ``nlu_fallback``
  counts as a miss of the expected intent), accuracy, confusion pairs;
- slots: ``actions.reading.read_message``, the one reader the assistant runs on every
  message, turns each parse into profile slots (with the question being asked and the
  slots already known, when the example gives them). For each slot, the utterances
  counted are those where the expected or the predicted values have the slot; correct
  means equal. Overall slot accuracy is the sum of correct over the sum of counted;
  it is also given per slot and per persona.

Prints a table, writes bench-results/nlu.json and compares with the targets
(intent macro-F1 >= 0.95, slot accuracy >= 97 %). A benchmark, not a test: the exit
code is 0 even below target, non-zero only when something could not run.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import json
import logging
import os
import shutil
import subprocess
import sys
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HELDOUT = ROOT / "tests" / "heldout" / "utterances.yml"
RESULTS = ROOT / "bench-results" / "nlu.json"
CV_OUT = ROOT / "results" / "nlu-cv"
PROFILE_SLOTS = ("statut", "stade", "besoins", "employeur", "commune", "departement")
TARGETS = {"intent_macro_f1": 0.95, "slot_accuracy": 0.97}


def _asked(example: Dict[str, Any]) -> str:
    return f" [asked: {example['requested']}]" if example.get("requested") else ""


def _rel(path: Path) -> str:
    """A path relative to the repository when it is inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


class BenchError(Exception):
    """Something the benchmark needs is missing or broken (exit code 2)."""


# --------------------------------------------------------------------------- data

def load_heldout(path: Path = HELDOUT) -> List[Dict[str, Any]]:
    import yaml

    if not path.exists():
        raise BenchError(f"held-out set not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BenchError(f"{path} is not valid YAML: {exc}") from exc
    examples = (data or {}).get("examples") if isinstance(data, dict) else None
    if not isinstance(examples, list) or not examples:
        raise BenchError(f"{path}: expected a mapping with a non-empty 'examples' list")
    out = []
    for i, ex in enumerate(examples):
        if not isinstance(ex, dict) or not isinstance(ex.get("text"), str) or not ex.get("intent"):
            raise BenchError(f"{path}: example #{i + 1} needs 'text' and 'intent': {ex!r}")
        out.append({"text": ex["text"], "intent": str(ex["intent"]), "requested": ex.get("requested"),
                    "slots": dict(ex.get("slots") or {}), "known": dict(ex.get("known") or {}),
                    "persona": ex.get("persona") or "-"})
    return out


# --------------------------------------------------------------------------- metrics

def intent_metrics(gold: List[str], pred: List[str]) -> Dict[str, Any]:
    """Per-intent P/R/F1/support, macro-F1 over the gold intents, accuracy, confusion pairs."""
    gold_labels = sorted(set(gold))
    labels = gold_labels + sorted(set(pred) - set(gold))
    per: Dict[str, Dict[str, float]] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, pred) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, pred) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn,
                      "predicted": tp + fp}
    macro_f1 = sum(per[label]["f1"] for label in gold_labels) / len(gold_labels) if gold_labels else 0.0
    accuracy = sum(1 for g, p in zip(gold, pred) if g == p) / len(gold) if gold else 0.0
    confusion = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    return {
        "per_intent": per,
        "macro_f1": macro_f1,
        "accuracy": accuracy,
        "confusion_pairs": [{"expected": g, "predicted": p, "count": n}
                            for (g, p), n in sorted(confusion.items(), key=lambda kv: (-kv[1], kv[0]))],
    }


def _norm(slot: str, value: Any) -> Any:
    if value is None:
        return None
    if slot == "besoins":
        # The reader keeps the person's order (the first need weighs most); the held-out sets list
        # needs in canonical order: compared as sets.
        return sorted(value) if isinstance(value, (list, tuple)) else [value]
    if slot == "employeur":
        return bool(value)
    return str(value)


def slot_metrics(expected: List[Dict[str, Any]], predicted: List[Dict[str, Any]]) -> Dict[str, Any]:
    per: Dict[str, Dict[str, Any]] = {}
    total = correct_total = exact = 0
    for slot in PROFILE_SLOTS:
        counted = correct = missing = spurious = wrong = 0
        for exp, got in zip(expected, predicted):
            e, g = _norm(slot, exp.get(slot)), _norm(slot, got.get(slot))
            if e is None and g is None:
                continue
            counted += 1
            if e == g:
                correct += 1
            elif g is None:
                missing += 1
            elif e is None:
                spurious += 1
            else:
                wrong += 1
        per[slot] = {"counted": counted, "correct": correct, "missing": missing, "spurious": spurious,
                     "wrong": wrong, "accuracy": correct / counted if counted else None}
        total += counted
        correct_total += correct
    for exp, got in zip(expected, predicted):
        if all(_norm(s, exp.get(s)) == _norm(s, got.get(s)) for s in PROFILE_SLOTS):
            exact += 1
    return {"per_slot": per, "accuracy": correct_total / total if total else 1.0, "counted": total,
            "correct": correct_total, "utterances_all_slots_right": exact / len(expected) if expected else 0.0}


# --------------------------------------------------------------------------- model

def quiet() -> None:
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    warnings.filterwarnings("ignore")
    logging.basicConfig(level=logging.ERROR)
    for name in ("rasa", "tensorflow", "absl", "sanic", "matplotlib", "py.warnings"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:  # Rasa's structured logs (one debug line per parsed message) go to stdout by default
        import structlog

        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
    except ImportError:  # pragma: no cover
        pass


def current_model(explicit: Optional[str]) -> Path:
    from scripts.train import MODELS, model_path

    if explicit:
        path = Path(explicit)
        if not path.exists():
            raise BenchError(f"model not found: {path}")
        return path
    path = model_path()
    if not path.exists():
        others = sorted(MODELS.glob("ess-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
        hint = f" The newest model on disk is {_rel(others[0])} (use --model to measure it)." \
            if others else ""
        raise BenchError(f"no trained model for the current data, config and domain "
                         f"({_rel(path)} is missing): run `make train` first.{hint}")
    return path


def parse_all(model: Path, texts: List[str], timings: Dict[str, float]) -> List[Dict[str, Any]]:
    from rasa.core.agent import Agent

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        start = time.monotonic()
        try:
            agent = Agent.load(str(model))
        except Exception as exc:  # a corrupt or incompatible archive
            raise BenchError(f"could not load the model {_rel(model)}: {exc}") from exc
        if not agent.is_ready():
            raise BenchError(f"could not load the model {model}")
        timings["load"] = time.monotonic() - start

        async def run() -> List[Dict[str, Any]]:
            return [await agent.parse_message(text) for text in texts]

        start = time.monotonic()
        parses = loop.run_until_complete(run())
        timings["parse"] = time.monotonic() - start
        return parses
    finally:
        loop.close()
        asyncio.set_event_loop(None)


# --------------------------------------------------------------------------- cross-validation

def cross_validation() -> Dict[str, Any]:
    rasa = Path(sys.executable).parent / "rasa"
    if not rasa.exists():
        rasa_cmd = shutil.which("rasa")
        if not rasa_cmd:
            raise BenchError("the rasa command was not found next to this Python")
        rasa = Path(rasa_cmd)
    report_file = CV_OUT / "intent_report.json"
    report_file.unlink(missing_ok=True)  # never report the figures of an earlier run
    cmd = [str(rasa), "test", "nlu", "--nlu", "data/nlu", "--cross-validation", "--folds", "3",
           "--runs", "1", "--out", _rel(CV_OUT)]
    print(f"nlu: cross-validation: rasa {' '.join(cmd[1:])} (several minutes)...", flush=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    start = time.monotonic()
    log_file = CV_OUT.parent / "nlu-cv.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("w", encoding="utf-8") as log:
        result = subprocess.run(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    elapsed = time.monotonic() - start
    if result.returncode != 0:
        raise BenchError(f"cross-validation failed (exit {result.returncode}); see {_rel(log_file)}")
    if not report_file.exists():
        raise BenchError(f"cross-validation wrote no {_rel(report_file)}; see {_rel(log_file)}")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    macro = report.get("macro avg") or {}
    weighted = report.get("weighted avg") or {}
    per_intent = {k: v for k, v in report.items() if isinstance(v, dict) and "f1-score" in v
                  and k not in ("macro avg", "weighted avg", "micro avg")}
    worst = sorted(per_intent.items(), key=lambda kv: kv[1]["f1-score"])[:5]
    return {
        "command": " ".join(["rasa"] + cmd[1:]),
        "report": _rel(report_file),
        "seconds": round(elapsed, 1),
        "macro_f1": macro.get("f1-score"),
        "weighted_f1": weighted.get("f1-score"),
        "accuracy": report.get("accuracy"),
        "support": macro.get("support"),
        "worst_intents": [{"intent": k, "f1": v["f1-score"], "support": v.get("support")} for k, v in worst],
    }


# --------------------------------------------------------------------------- output

def _fmt(value: Optional[float], pct: bool = False) -> str:
    if value is None:
        return "  -  "
    return f"{value * 100:5.1f}%" if pct else f"{value:.3f}"


def _status(value: Optional[float], target: float) -> str:
    return "PASS" if value is not None and value >= target else "BELOW"


def _slots_str(slots: Dict[str, Any]) -> str:
    return ", ".join(f"{k}={json.dumps(slots[k], ensure_ascii=False)}" for k in PROFILE_SLOTS if k in slots) or "-"


def print_report(result: Dict[str, Any]) -> None:
    intents = result["intents"]
    slots = result["slots"]
    print()
    print(f"NLU benchmark - model {result['model']['file']} - {result['heldout']['utterances']} held-out utterances")
    print()
    print(f"{'intent':<22}{'precision':>10}{'recall':>9}{'F1':>8}{'support':>9}")
    for label, m in intents["per_intent"].items():
        mark = "" if m["support"] else "   (predicted only)"
        print(f"{label:<22}{_fmt(m['precision']):>10}{_fmt(m['recall']):>9}{_fmt(m['f1']):>8}{m['support']:>9}{mark}")
    print(f"{'macro-F1':<22}{'':>10}{'':>9}{_fmt(intents['macro_f1']):>8}")
    print(f"{'accuracy':<22}{'':>10}{'':>9}{_fmt(intents['accuracy']):>8}")
    if intents["confusion_pairs"]:
        print()
        print("confusion pairs (expected -> predicted: count)")
        for pair in intents["confusion_pairs"]:
            print(f"  {pair['expected']} -> {pair['predicted']}: {pair['count']}")
    print()
    print(f"{'slot':<14}{'accuracy':>9}{'correct':>9}{'counted':>9}{'missing':>9}{'spurious':>10}{'wrong':>7}")
    for slot, m in slots["per_slot"].items():
        print(f"{slot:<14}{_fmt(m['accuracy'], pct=True):>9}{m['correct']:>9}{m['counted']:>9}"
              f"{m['missing']:>9}{m['spurious']:>10}{m['wrong']:>7}")
    print(f"{'all slots':<14}{_fmt(slots['accuracy'], pct=True):>9}{slots['correct']:>9}{slots['counted']:>9}")
    print(f"utterances with every slot right: {_fmt(slots['utterances_all_slots_right'], pct=True)}")
    if slots.get("per_persona"):
        print()
        print(f"{'persona':<18}{'slot acc.':>10}{'counted':>9}{'utterances':>12}")
        for persona, m in slots["per_persona"].items():
            print(f"{persona:<18}{_fmt(m['accuracy'], pct=True):>10}{m['counted']:>9}{m['utterances']:>12}")
    errors = result["misclassified"]
    if errors:
        print()
        print(f"misclassified utterances ({len(errors)})")
        for e in errors:
            print(f"  {e['expected']:<19} -> {e['predicted']:<19} {e['confidence']:.2f}  {e['text']!r}{_asked(e)}")
    slot_errors = result["slot_errors"]
    if slot_errors:
        print()
        print(f"slot errors ({len(slot_errors)} utterances)")
        for e in slot_errors:
            print(f"  {e['text']!r}{_asked(e)} (intent {e['predicted_intent']})")
            print(f"      expected: {_slots_str(e['expected'])}")
            print(f"      got:      {_slots_str(e['predicted'])}")
    cv = result.get("cross_validation")
    if cv:
        print()
        print(f"cross-validation (3 folds, data/nlu, from {cv['report']}): macro-F1 {_fmt(cv['macro_f1'])}, "
              f"weighted F1 {_fmt(cv['weighted_f1'])}, accuracy {_fmt(cv['accuracy'])}, {cv['support']} examples")
        if cv.get("worst_intents"):
            print("  weakest intents: " + ", ".join(f"{w['intent']} {w['f1']:.3f}" for w in cv["worst_intents"]))
    print()
    print("targets")
    for t in result["targets"]:
        value = _fmt(t["value"], pct=t["name"] == "slot_accuracy")
        target = _fmt(t["target"], pct=t["name"] == "slot_accuracy")
        print(f"  {t['name']:<18} {value:>7}  (target >= {target})  {t['status']}")
    print()
    sec = result["seconds"]
    print(f"time: territory index {sec['territories']:.1f}s, model loading {sec['model_load']:.1f}s, "
          f"parsing {sec['parse']:.1f}s ({result['heldout']['utterances']} utterances)")
    print(f"written: {result['output']}")


# --------------------------------------------------------------------------- main

def run(args: argparse.Namespace) -> Dict[str, Any]:
    quiet()
    heldout_path = Path(args.heldout)
    examples = load_heldout(heldout_path)
    model = current_model(args.model)

    from actions.reading import read_message
    from knowledge.territories import TerritoryIndex

    t0 = time.monotonic()
    territories = TerritoryIndex.from_etalab()
    t1 = time.monotonic()
    print(f"nlu: loading {_rel(model)}...", flush=True)
    texts = [ex["text"] for ex in examples]
    timings: Dict[str, float] = {}
    parses = parse_all(model, texts, timings)

    gold = [ex["intent"] for ex in examples]
    pred = [((p.get("intent") or {}).get("name") or "None") for p in parses]
    predicted_slots = []
    for ex, parse in zip(examples, parses):
        got = read_message(parse, ex["requested"], ex["known"], territories).slots
        predicted_slots.append({k: got[k] for k in PROFILE_SLOTS if got.get(k) is not None})
    expected_slots = [{k: v for k, v in ex["slots"].items() if k in PROFILE_SLOTS} for ex in examples]

    intents = intent_metrics(gold, pred)
    slots = slot_metrics(expected_slots, predicted_slots)
    personas = sorted({ex["persona"] for ex in examples})
    slots["per_persona"] = {}
    for persona in personas:
        idx = [i for i, ex in enumerate(examples) if ex["persona"] == persona]
        m = slot_metrics([expected_slots[i] for i in idx], [predicted_slots[i] for i in idx])
        slots["per_persona"][persona] = {"accuracy": m["accuracy"], "counted": m["counted"], "correct": m["correct"],
                                         "utterances": len(idx)}
    misclassified = [
        {"text": ex["text"], "requested": ex["requested"], "expected": g, "predicted": p,
         "confidence": round(float((parse.get("intent") or {}).get("confidence") or 0.0), 3)}
        for ex, g, p, parse in zip(examples, gold, pred, parses) if g != p]
    slot_errors = [
        {"text": ex["text"], "requested": ex["requested"], "expected_intent": ex["intent"],
         "predicted_intent": p, "expected": e, "predicted": g,
         "entities": [{"entity": ent.get("entity"), "value": ent.get("value"), "text": ex["text"][ent["start"]:ent["end"]]
                       if isinstance(ent.get("start"), int) and isinstance(ent.get("end"), int) else None}
                      for ent in parse.get("entities") or []]}
        for ex, p, e, g, parse in zip(examples, pred, expected_slots, predicted_slots, parses)
        if any(_norm(s, e.get(s)) != _norm(s, g.get(s)) for s in PROFILE_SLOTS)]

    fingerprint = model.name[len("ess-"):-len(".tar.gz")] if model.name.startswith("ess-") else model.stem
    result: Dict[str, Any] = {
        "date": _dt.datetime.now().isoformat(timespec="seconds"),
        "model": {"file": model.name, "fingerprint": fingerprint,
                  "modified": _dt.datetime.fromtimestamp(model.stat().st_mtime).isoformat(timespec="seconds")},
        "heldout": {"file": str(heldout_path), "utterances": len(examples),
                    "per_intent": dict(sorted(Counter(gold).items()))},
        "seconds": {"territories": round(t1 - t0, 2), "model_load": round(timings["load"], 2),
                    "parse": round(timings["parse"], 2)},
        "intents": intents,
        "slots": slots,
        "misclassified": misclassified,
        "slot_errors": slot_errors,
    }
    if args.cross_validation:
        try:
            result["cross_validation"] = cross_validation()
        except BenchError as exc:  # keep the held-out figures, report the failure
            result["errors"] = [f"cross-validation: {exc}"]
    targets = [
        {"name": "intent_macro_f1", "value": intents["macro_f1"], "target": TARGETS["intent_macro_f1"]},
        {"name": "slot_accuracy", "value": slots["accuracy"], "target": TARGETS["slot_accuracy"]},
    ]
    if result.get("cross_validation"):
        targets.append({"name": "cv_intent_macro_f1", "value": result["cross_validation"]["macro_f1"],
                        "target": TARGETS["intent_macro_f1"]})
    for t in targets:
        t["status"] = _status(t["value"], t["target"])
    result["targets"] = targets
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    result["output"] = _rel(out)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return result


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.nlu", description=__doc__.split("\n")[0])
    parser.add_argument("--cross-validation", action="store_true",
                        help="also run a 3-fold cross-validation of data/nlu (several minutes)")
    parser.add_argument("--heldout", default=str(HELDOUT), help="held-out set (default: %(default)s)")
    parser.add_argument("--model", default=None,
                        help="model file to measure (default: the model of the current data, scripts.train.model_path())")
    parser.add_argument("--out", default=str(RESULTS), help="JSON results (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        result = run(args)
    except BenchError as exc:
        print(f"nlu: error: {exc}", file=sys.stderr)
        return 2
    print_report(result)
    for error in result.get("errors", []):
        print(f"nlu: error: {error}", file=sys.stderr)
    return 1 if result.get("errors") else 0


if __name__ == "__main__":
    raise SystemExit(main())
