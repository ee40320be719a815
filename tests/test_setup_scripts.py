"""The set-up scripts: Python detection, training fingerprint, process supervision."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts import train
from scripts.stack import Settings, Stack, free_port

ROOT = Path(__file__).resolve().parent.parent


def test_bootstrap_without_python310_fails_with_a_clear_message(tmp_path):
    for name in ("requirements.txt", "constraints.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "bootstrap.sh", tmp_path / "scripts" / "bootstrap.sh")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}  # no pyenv, no python3.10
    result = subprocess.run(["bash", "scripts/bootstrap.sh"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "Python 3.10 was not found" in result.stderr
    assert "pyenv install 3.10" in result.stderr
    assert not (tmp_path / ".venv").exists()


def test_bootstrap_is_fast_when_nothing_changed():
    start = time.monotonic()
    result = subprocess.run(["bash", "scripts/bootstrap.sh"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - start < 5
    assert "installing" not in result.stdout


def test_training_fingerprint_follows_the_training_inputs(tmp_path, monkeypatch):
    for name in ("config.yml", "domain.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.setattr(train, "ROOT", tmp_path)
    first = train.fingerprint()
    assert train.fingerprint() == first
    (tmp_path / "README.txt").write_text("not a training input")
    assert train.fingerprint() == first
    nlu = tmp_path / "data" / "nlu" / "conversation.yml"
    nlu.write_text(nlu.read_text() + "\n")
    assert train.fingerprint() != first


def test_stack_stops_every_process_it_started(tmp_path):
    """A stand-in for the servers: a process that ignores SIGTERM must still be gone after stop()."""
    port = free_port()
    stubborn = tmp_path / "stubborn.py"
    stubborn.write_text(
        "import signal, http.server, sys\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "class H(http.server.BaseHTTPRequestHandler):\n"
        "    def do_GET(self):\n"
        "        self.send_response(200); self.end_headers(); self.wfile.write(b'ok')\n"
        "    def log_message(self, *a): pass\n"
        f"http.server.HTTPServer(('127.0.0.1', {port}), H).serve_forever()\n")
    stack = Stack(Settings(), Path("unused"), tmp_path)
    stack._commands = lambda: [  # type: ignore[method-assign]
        __import__("scripts.stack", fromlist=["Process"]).Process(
            "stubborn", [sys.executable, str(stubborn)], f"http://127.0.0.1:{port}/", tmp_path / "s.log")]
    stack.start(timeout=20)
    pid = stack.pids()["stubborn"]
    os.kill(pid, 0)  # running
    started = time.monotonic()
    stack.stop(grace=1.0)
    assert time.monotonic() - started < 10
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    stack.stop()  # idempotent


def test_the_rasa_api_is_never_opened_on_a_network_without_a_token(tmp_path):
    from scripts.stack import StackError

    stack = Stack(Settings(host="0.0.0.0"), tmp_path / "model.tar.gz", tmp_path)
    with pytest.raises(StackError, match="RASA_API_TOKEN"):
        stack.start()
    assert stack.processes == []  # nothing was started
    assert Settings(host="127.0.0.1").loopback and not Settings(host="192.168.1.10").loopback
    allowed = Stack(Settings(host="0.0.0.0", api_token="x" * 32), tmp_path / "model.tar.gz", tmp_path)

    def no_processes():
        raise RuntimeError("past the check")
    allowed._commands = no_processes
    with pytest.raises(RuntimeError, match="past the check"):  # with a token the start goes on
        allowed.start()
