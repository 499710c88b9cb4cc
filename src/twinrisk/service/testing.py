"""Run ``twinrisk serve`` as a real process on a free port (for the end-to-end,
restart and load tests): ``with ServerProcess(data_dir) as server: server.url``.

With several processes (``processes=N``, or the server's default) ``proc`` is the
supervisor; ``workers()`` lists its worker processes, and ``kill()`` SIGKILLs the
supervisor and then waits until every worker has gone as well."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any


def process_gone(pid: int) -> bool:
    """True once ``pid`` has exited: every one of its threads is dead or a zombie (a
    zombie nobody reaped counts as gone: it holds no socket and runs no code). The
    leader alone is not enough: after a SIGKILL it can turn zombie while other threads
    are still exiting and the sockets they share are still open."""
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return True
    for task in tasks:
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
            return False
    return True


def port_refused(port: int) -> bool:
    """Nothing accepts connections on 127.0.0.1:port (no worker kept the socket)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return False
    except OSError:
        return True


def children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (Linux /proc)."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return sorted(p for p in set(out) if not process_gone(p))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """``twinrisk serve`` in a subprocess with its own data directory.

    The gazetteer and geometry caches of the current data directory are linked in,
    so a fresh store does not mean rebuilding the place index.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int | None = None,
        env: dict[str, str] | None = None,
        ready_timeout: float = 180.0,
        processes: int | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        #: ``--processes``; None: the server's default (TWINRISK_PROCESSES, else CPUs)
        self.processes = processes
        self.port = port or free_port()
        self.extra_env = env or {}
        self.ready_timeout = ready_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = self.data_dir / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _link_cache(self) -> None:
        from twinrisk.config import cache_dir

        shared = cache_dir()
        target = self.data_dir / "cache"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not target.exists() and shared.is_dir() and shared.resolve() != target.resolve():
            target.symlink_to(shared.resolve(), target_is_directory=True)

    def start(self) -> ServerProcess:
        self._link_cache()
        env = {k: v for k, v in os.environ.items() if k != "TWINRISK_DATABASE_URL"}
        env.update({"TWINRISK_DATA_DIR": str(self.data_dir), **self.extra_env})
        log = self.log_path.open("ab")
        processes = [] if self.processes is None else ["--processes", str(self.processes)]
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "twinrisk.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                *processes,
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.wait_ready()
        return self

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not ready within {self.ready_timeout} s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-5000:]
        except OSError:
            return ""

    def workers(self) -> list[int]:
        """The server's worker processes (none when it runs as one process)."""
        if self.proc is None or self.proc.poll() is not None:
            return []
        return children(self.proc.pid)

    def kill(self, wait_workers: float = 30.0) -> list[int]:
        """SIGKILL: no shutdown handlers, no flushing; what was acknowledged must survive.

        With several processes the supervisor is killed; its workers notice (their
        parent-death signal) and stop. Waits up to ``wait_workers`` seconds for them and
        returns the pids of any that outlived that (then SIGKILLs them, so a test run
        leaves nothing behind)."""
        if self.proc is None or self.proc.poll() is not None:
            return []
        workers = children(self.proc.pid)
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        deadline = time.monotonic() + wait_workers
        while time.monotonic() < deadline and not all(process_gone(p) for p in workers):
            time.sleep(0.05)
        survivors = [p for p in workers if not process_gone(p)]
        for pid in survivors:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return survivors

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        status, doc, _ = self.request_full(method, path, body, headers)
        return status, doc

    def request_full(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any, dict[str, str]]:
        """(status, JSON body, response headers with lower-case names)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(  # noqa: S310
            self.url + path,
            data=data,
            method=method,
            headers={"content-type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(req, timeout=60) as r:  # noqa: S310
                got = {k.lower(): v for k, v in r.headers.items()}
                return r.status, json.loads(r.read() or b"null"), got
        except urllib.error.HTTPError as exc:
            got = {k.lower(): v for k, v in exc.headers.items()}
            with contextlib.suppress(ValueError):
                return exc.code, json.loads(exc.read() or b"null"), got
            return exc.code, None, got

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
