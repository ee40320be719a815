"""Start and stop the three processes of the assistant.

Used by ``make run`` (scripts/run.py) and by the end-to-end tests, so that both
start exactly the same thing. Each process runs in its own session and gets
SIGTERM if its parent dies; ``stop()`` terminates, waits, then kills, because
``rasa run`` is slow to die on SIGTERM.
"""
from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.conversation_store import endpoint_section, store_url

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Ask Linux to send SIGTERM to this child when the parent process dies."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class Settings:
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    actions_port: int = 5055
    web_port: int = 8080
    database_url: str | None = None
    api_token: str | None = None
    extra_cors: list[str] = field(default_factory=list)
    partners_file: str | None = None  # extra partners (bot/partners.yml format), e.g. for tests
    # Where conversations are kept: TRACKER_STORE_URL or var/conversations.db for ``make run``
    # (from_env); None: a SQLite file in the log folder, so that tests and benchmarks never share one.
    tracker_store_url: str | None = None

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Settings":
        env = os.environ if env is None else env
        return cls(
            host=env.get("BIND_HOST", "127.0.0.1"),
            rasa_port=int(env.get("RASA_PORT", 5005)),
            actions_port=int(env.get("ACTIONS_PORT", 5055)),
            web_port=int(env.get("WEB_PORT", 8080)),
            database_url=env.get("DATABASE_URL") or None,
            api_token=env.get("RASA_API_TOKEN") or None,
            extra_cors=[o for o in env.get("CORS_ORIGINS", "").split(",") if o.strip()],
            partners_file=env.get("PARTNERS_FILE") or None,
            tracker_store_url=store_url(env),
        )

    @property
    def loopback(self) -> bool:
        return self.host in ("127.0.0.1", "localhost", "::1") or self.host.startswith("127.")

    @property
    def client_host(self) -> str:
        return "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host

    @property
    def web_url(self) -> str:
        return f"http://{self.client_host}:{self.web_port}/"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.client_host}:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.client_host}:{self.actions_port}"

    def web_origins(self) -> list[str]:
        hosts = {self.client_host, "127.0.0.1", "localhost"}
        return sorted(f"http://{h}:{self.web_port}" for h in hosts) + self.extra_cors

    def partners(self):
        from bot.partners import Partners

        return Partners.load(self.partners_file)

    def allowed_origins(self) -> list[str]:
        """The web server's own origins and every partner's (bot/partners.yml and partners_file)."""
        from bot.partners import merge_origins

        return merge_origins(self.web_origins(), self.partners().origins())


@dataclass
class Process:
    name: str
    cmd: list[str]
    ready_url: str
    log_path: Path
    popen: subprocess.Popen | None = None


class StackError(RuntimeError):
    pass


class Stack:
    """The action server, the Rasa server and the web server of ``bot/``."""

    def __init__(self, settings: Settings, model: Path, log_dir: Path, env: dict | None = None):
        self.settings = settings
        self.model = model
        self.log_dir = log_dir
        self.base_env = dict(os.environ if env is None else env)
        self.processes: list[Process] = []

    @property
    def tracker_store_url(self) -> str:
        return self.settings.tracker_store_url or f"sqlite:///{self.log_dir.resolve() / 'conversations.db'}"

    def env(self) -> dict:
        s = self.settings
        env = {**self.base_env, "BIND_HOST": s.host, "RASA_PORT": str(s.rasa_port),
               "ACTIONS_PORT": str(s.actions_port), "WEB_PORT": str(s.web_port),
               "SANIC_HOST": s.host, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1"}
        if s.database_url:
            env["DATABASE_URL"] = s.database_url
        if s.api_token:
            env["RASA_API_TOKEN"] = s.api_token
        env["TRACKER_STORE_URL"] = self.tracker_store_url  # the console erases conversations there
        from bot.partners import ENV_ALLOWED, ENV_FILE, ENV_OWN

        env.pop(ENV_FILE, None)  # the settings decide, so that every process sees the same partners
        if s.partners_file:
            env[ENV_FILE] = str(s.partners_file)
        # One list of allowed origins for Rasa's CORS, its socket.io channel and the web server.
        env[ENV_OWN] = ",".join(s.web_origins())
        env[ENV_ALLOWED] = ",".join(s.allowed_origins())
        return env

    def _commands(self) -> list[Process]:
        s = self.settings
        rasa = str(VENV_BIN / "rasa")
        status = f"{s.rasa_url}/status" + (f"?token={s.api_token}" if s.api_token else "")
        rasa_cmd = [rasa, "run", "--model", str(self.model), "--enable-api",
                    "--interface", s.host, "--port", str(s.rasa_port),
                    "--credentials", str(ROOT / "credentials.yml"),
                    "--endpoints", str(self.log_dir / "endpoints.yml"),
                    "--cors", *self.settings.allowed_origins()]
        if s.api_token:
            rasa_cmd += ["--auth-token", s.api_token]
        self.log_dir.mkdir(parents=True, exist_ok=True)
        # Rasa does not expand environment variables in endpoints.yml: write the action URL and the
        # conversation store here.
        endpoints = self.log_dir / "endpoints.yml"
        endpoints.write_text(f'action_endpoint:\n  url: "{s.actions_url}/webhook"\n'
                             + endpoint_section(self.tracker_store_url))
        return [
            Process("actions", [rasa, "run", "actions", "--actions", "actions", "--port", str(s.actions_port)],
                    f"{s.actions_url}/health", self.log_dir / "actions.log"),
            Process("rasa", rasa_cmd, status, self.log_dir / "rasa.log"),
            Process("web", [sys.executable, "-m", "bot"], f"http://{s.client_host}:{s.web_port}/health",
                    self.log_dir / "web.log"),
        ]

    def start(self, timeout: float = 240.0) -> float:
        """Start every process and wait until all answer their ready check; return seconds taken."""
        if not self.settings.loopback and not self.settings.api_token:
            # Rasa's HTTP API reads and rewrites every conversation: never open on a network without a token.
            raise StackError(f"BIND_HOST={self.settings.host} n'est pas une adresse locale : définissez RASA_API_TOKEN "
                             "(un secret long) pour protéger l'API du serveur Rasa, ou gardez BIND_HOST=127.0.0.1.")
        start = time.monotonic()
        env = self.env()
        try:
            for proc in self._commands():
                self._spawn(proc, env)
                self.processes.append(proc)
            self._wait_ready(list(self.processes), start, timeout)
        except BaseException:
            self.stop()
            raise
        return time.monotonic() - start

    def _spawn(self, proc: Process, env: dict) -> None:
        log = open(proc.log_path, "ab")
        proc.popen = subprocess.Popen(proc.cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True, preexec_fn=_die_with_parent)
        log.close()

    def restart(self, name: str, timeout: float = 240.0) -> float:
        """Start again one process that stopped (the others go on); return seconds until it is ready."""
        proc = next(p for p in self.processes if p.name == name)
        if proc.popen and proc.popen.poll() is None:
            return 0.0
        if proc.popen:
            _signal_group(proc.popen.pid, signal.SIGKILL)  # what it may have left in its group
        start = time.monotonic()
        self._spawn(proc, self.env())
        self._wait_ready([proc], start, timeout)
        return time.monotonic() - start

    def stopped(self) -> list[str]:
        """The processes that have exited."""
        return [p.name for p in self.processes if p.popen and p.popen.poll() is not None]

    def _wait_ready(self, pending: list[Process], start: float, timeout: float) -> None:
        while pending:
            if time.monotonic() - start > timeout:
                names = ", ".join(p.name for p in pending)
                raise StackError(f"not ready after {timeout:.0f}s: {names}\n" + self._tails(pending))
            for proc in list(pending):
                if proc.popen.poll() is not None:
                    raise StackError(f"{proc.name} exited with code {proc.popen.returncode}\n"
                                     + self._tails([proc]))
                if _answers(proc.ready_url):
                    pending.remove(proc)
            time.sleep(0.25)

    def _tails(self, procs: list[Process], lines: int = 30) -> str:
        out = []
        for proc in procs:
            try:
                text = proc.log_path.read_text(errors="replace").splitlines()[-lines:]
            except OSError:
                text = []
            out.append(f"--- {proc.name} ({proc.log_path}) ---\n" + "\n".join(text))
        return "\n".join(out)

    def pids(self) -> dict[str, int]:
        return {p.name: p.popen.pid for p in self.processes if p.popen}

    def stop(self, grace: float = 8.0) -> None:
        """SIGTERM each process group, wait, then SIGKILL what is left. Idempotent."""
        for proc in self.processes:
            if proc.popen and proc.popen.poll() is None:
                _signal_group(proc.popen.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.processes:
            if not proc.popen:
                continue
            try:
                proc.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc.popen.pid, signal.SIGKILL)
                proc.popen.wait(timeout=10)
            # Children the process may have left in its group.
            _signal_group(proc.popen.pid, signal.SIGKILL)
        self.processes = []

    def __enter__(self) -> "Stack":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            if resp.status != 200:
                return False
            body = resp.read()
            if url.split("?")[0].endswith("/status"):
                return bool(json.loads(body or b"{}").get("model_file"))
            return True
    except (urllib.error.URLError, OSError, ValueError):
        return False
