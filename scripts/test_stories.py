"""Run the test stories end to end (NLU and dialogue) against the current model.

Fails on any prediction error. Reports go to results/stories/.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.train import ROOT, model_path  # noqa: E402


def main() -> int:
    model = model_path()
    if not model.exists():
        print("test-stories: no model for the current data; run `make train`.", file=sys.stderr)
        return 1
    out = ROOT / "results" / "stories"
    cmd = [str(Path(sys.executable).parent / "rasa"), "test", "core", "--model", str(model),
           "--stories", str(ROOT / "tests" / "stories"), "--fail-on-prediction-errors", "--out", str(out)]
    result = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
    if result.returncode != 0:
        failed = out / "failed_test_stories.yml"
        if failed.exists():
            print(failed.read_text()[:20000], file=sys.stderr)
        print("test-stories: some test stories failed (details above and in results/stories/)", file=sys.stderr)
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
