"""``twinrisk serve --processes N``: a small pre-fork supervisor.

Scoring holds the GIL, so one process scores one proposal at a time however many
threads it has. With N > 1 the supervisor (the process ``twinrisk serve`` started)

1. creates the app (the store is migrated once), runs the warm-up (tables, model,
   gazetteer, one assessment) and freezes the garbage collector, so the large numpy
   arrays and the Python objects built at start are shared copy-on-write;
2. binds the listening socket once;
3. forks N workers; each runs uvicorn on the shared socket (the kernel spreads
   connections over the processes that accept on it);
4. waits: a worker that dies is forked again (from the warmed parent, so in well under
   a second), with a back-off when workers die right after starting; SIGTERM or
   SIGINT stops every worker gracefully (uvicorn finishes requests in flight, up to
   10 s), then the supervisor exits.

A SIGKILLed supervisor cannot clean up: each worker asks the kernel for SIGKILL when
its parent dies (``prctl(PR_SET_PDEATHSIG)``; a watchdog thread polling the parent
where that call is missing), so no orphan keeps serving the port. SIGKILL, not a
graceful SIGTERM: a killed supervisor means the service crashed, and its workers go
with it at once, as on a power loss. Requests in flight get a broken connection (the
client retries); every write that was acknowledged is committed already. (With
SIGTERM here, a worker under load occasionally left a request waiting on a worker
thread for the whole 10 s grace and uvicorn then answered it 500; a SIGTERM to the
supervisor, which stops the workers itself, showed no such stall.)

Readiness is shared through an anonymous shared memory page (one byte per worker
slot): a worker sets its byte after its own warm-up, the supervisor clears it when
the worker dies; ``/readyz`` answers 200 only when every slot is set.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import math
import mmap
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("twinrisk.service")

#: the default number of processes never exceeds this: past it memory grows with
#: every process while a single machine's gain is small; run more machines instead
MAX_DEFAULT_PROCESSES = 8
#: how long workers get to finish requests in flight on SIGTERM (uvicorn's graceful
#: shutdown); the supervisor SIGKILLs stragglers this much later
GRACEFUL_SECONDS = 10
KILL_MARGIN_SECONDS = 5
#: a worker that dies sooner than this after starting counts as a failed start
FAST_FAILURE_SECONDS = 5.0
PR_SET_PDEATHSIG = 1
HANDLED = (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD)


# -- how many -------------------------------------------------------------------------------


def supported() -> bool:
    """Fork and sigtimedwait are there (Linux and most Unixes; not Windows or macOS)."""
    return hasattr(os, "fork") and hasattr(signal, "sigtimedwait")


def _cgroup_cpus() -> float | None:
    """The CPU quota of a cgroup v2 container (``cpu.max``), in CPUs; None if unlimited."""
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        return None
    if quota == "max":
        return None
    try:
        return int(quota) / int(period)
    except (ValueError, ZeroDivisionError):
        return None


def usable_cpus() -> int:
    """CPUs this process may run on: its affinity mask, lowered by a container quota."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    quota = _cgroup_cpus()
    if quota is not None:
        cpus = min(cpus, max(1, math.ceil(quota)))
    return max(1, cpus)


def default_processes() -> int:
    """One process per usable CPU (scoring is CPU-bound), at most MAX_DEFAULT_PROCESSES;
    1 where the supervisor cannot run."""
    return min(usable_cpus(), MAX_DEFAULT_PROCESSES) if supported() else 1


# -- shared readiness -----------------------------------------------------------------------


class ReadinessBoard:
    """One byte per worker slot in anonymous shared memory, created before the fork."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._mem = mmap.mmap(-1, max(slots, 1))

    def mark(self, slot: int, ready: bool) -> None:
        self._mem[slot] = 1 if ready else 0

    def ready_count(self) -> int:
        return sum(self._mem[: self.slots])


# -- the worker ------------------------------------------------------------------------------


def _die_with_parent(parent: int) -> None:
    """SIGKILL this process when its parent dies (Linux), else a watchdog thread."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    except (OSError, AttributeError):

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os.kill(os.getpid(), signal.SIGKILL)

        threading.Thread(target=watch, name="twinrisk-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(0)


def _worker(
    app: Any, sock: socket.socket, slot: int, parent: int, log_level: str, old_mask: Any
) -> None:
    """Runs in the forked child; never returns."""
    code = 0
    try:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
        _die_with_parent(parent)
        gc.enable()
        import uvicorn

        st = app.state.twinrisk
        st.slot = slot
        # never reuse a database connection opened before the fork
        st.store.engine.dispose(close=False)
        config = uvicorn.Config(
            app,
            log_level=log_level,
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=GRACEFUL_SECONDS,
        )
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        log.exception("worker %d failed", os.getpid())
        code = 1
    finally:
        with contextlib.suppress(Exception):
            logging.shutdown()
        os._exit(code)


# -- the supervisor -------------------------------------------------------------------------


@dataclass
class Supervisor:
    app: Any
    sock: socket.socket
    processes: int
    log_level: str = "info"
    board: ReadinessBoard = field(init=False)
    #: pid -> (slot, started at)
    workers: dict[int, tuple[int, float]] = field(default_factory=dict)
    #: slot -> earliest time to fork it again
    pending: dict[int, float] = field(default_factory=dict)
    failures: dict[int, int] = field(default_factory=dict)
    stopping: bool = False

    def __post_init__(self) -> None:
        self.board = ReadinessBoard(self.processes)
        self.app.state.twinrisk.board = self.board

    def spawn(self, slot: int, old_mask: Any) -> None:
        self.board.mark(slot, False)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            _worker(self.app, self.sock, slot, parent, self.log_level, old_mask)
        self.workers[pid] = (slot, time.monotonic())

    def reap(self) -> None:
        while self.workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            slot, started = self.workers.pop(pid, (None, 0.0))
            if slot is None:
                continue
            self.board.mark(slot, False)
            if self.stopping:
                continue
            how = (
                f"signal {os.WTERMSIG(status)}"
                if os.WIFSIGNALED(status)
                else f"exit code {os.waitstatus_to_exitcode(status)}"
            )
            fast = time.monotonic() - started < FAST_FAILURE_SECONDS
            self.failures[slot] = self.failures.get(slot, 0) + 1 if fast else 0
            delay = min(0.5 * 2 ** (self.failures[slot] - 1), 30.0) if fast else 0.0
            log.warning(
                "worker %d (slot %d) ended with %s; starting another%s",
                pid,
                slot,
                how,
                f" in {delay:g} s" if delay else "",
            )
            self.pending[slot] = time.monotonic() + delay

    def _on_stop(self, signum: int, frame: Any) -> None:
        self.stopping = True

    def run(self) -> int:
        # The signals are blocked and taken with sigtimedwait. Native threads started
        # before (OpenBLAS's) do not block them, so a signal may land on one of them:
        # with a handler it only sets `stopping` (seen within a second) instead of the
        # default action killing the supervisor without stopping its workers.
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_stop)
        old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
        try:
            gc.collect()
            gc.freeze()  # objects built so far stay shared: the collector never writes them
            for slot in range(self.processes):
                self.spawn(slot, old_mask)
            log.info(
                "twinrisk serve: %d worker processes (pids %s)",
                self.processes,
                ", ".join(str(p) for p in self.workers),
            )
            while True:
                info = signal.sigtimedwait(HANDLED, 1.0)
                if info is not None and info.si_signo in (signal.SIGTERM, signal.SIGINT):
                    self.stopping = True
                if self.stopping:
                    break
                self.reap()
                now = time.monotonic()
                for slot, when in sorted(self.pending.items()):
                    if when <= now:
                        del self.pending[slot]
                        self.spawn(slot, old_mask)
            self.stop()
            return 0
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
            with contextlib.suppress(OSError):
                self.sock.close()

    def stop(self) -> None:
        for pid in list(self.workers):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + GRACEFUL_SECONDS + KILL_MARGIN_SECONDS
        while self.workers and time.monotonic() < deadline:
            self.reap()
            if self.workers:
                signal.sigtimedwait((signal.SIGCHLD,), 0.2)
        for pid in list(self.workers):
            log.error(
                "worker %d did not stop within %d s; killing it",
                pid,
                GRACEFUL_SECONDS + KILL_MARGIN_SECONDS,
            )
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        while self.workers:
            pid, _ = os.waitpid(-1, 0)
            self.workers.pop(pid, None)


def listen(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """The listening socket every worker accepts on."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def serve(app: Any, host: str, port: int, processes: int, log_level: str = "info") -> int:
    """Warm up in this process, then fork ``processes`` workers on one socket; returns
    the exit code once stopped."""
    from twinrisk.service import library

    st = app.state.twinrisk
    t0 = time.perf_counter()
    if st.settings.warm_up:
        try:
            library.warm_up()  # in the parent: what it loads is shared with every worker
        except Exception:  # each worker repeats the warm-up and /readyz says what failed
            log.exception("warm-up before forking failed")
    st.store.engine.dispose()
    others = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    if others:  # a fork copies only this thread: a lock another one holds stays held
        log.warning("threads running before the fork: %s", ", ".join(others))
    log.info("warmed up in %.2f s; forking %d workers", time.perf_counter() - t0, processes)
    try:
        sock = listen(host, port)
    except OSError as exc:
        print(f"twinrisk serve: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
        return 1
    log.info("listening on http://%s:%d", host if ":" not in host else f"[{host}]", port)
    return Supervisor(app, sock, processes, log_level).run()
