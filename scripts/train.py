"""Train the Rasa model unless one exists for the current data, config and domain.

The model file is named after a fingerprint of everything training reads
(config.yml, domain.yml, data/, the custom NLU components), so a second call
with nothing changed returns at once. Prints how long training took.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
INPUTS = ["config.yml", "domain.yml", "data", "components"]
KEEP = 3


def training_files() -> list[Path]:
    files: list[Path] = []
    for name in INPUTS:
        path = ROOT / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file() and p.suffix in {".yml", ".yaml", ".py", ".txt"}
                         and "__pycache__" not in p.parts)
    return sorted(files)


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in training_files():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path() -> Path:
    return MODELS / f"ess-{fingerprint()}.tar.gz"


def prune(keep: Path) -> None:
    models = sorted(MODELS.glob("ess-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [m for m in models if m != keep][KEEP - 1:]:
        old.unlink(missing_ok=True)


def main() -> int:
    target = model_path()
    if target.exists():
        print(f"train: model up to date ({target.relative_to(ROOT)}), nothing to do")
        return 0
    MODELS.mkdir(exist_ok=True)
    rasa = Path(sys.executable).parent / "rasa"
    cmd = [str(rasa), "train", "--fixed-model-name", target.name[: -len(".tar.gz")], "--out", str(MODELS)]
    print("train: data, config or domain changed; training the model (a few minutes)...", flush=True)
    start = time.monotonic()
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(cmd, cwd=ROOT, env=env)
    elapsed = time.monotonic() - start
    if result.returncode != 0 or not target.exists():
        print(f"train: training failed after {elapsed:.0f}s", file=sys.stderr)
        return result.returncode or 1
    prune(target)
    print(f"train: model {target.relative_to(ROOT)} trained in {elapsed:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
