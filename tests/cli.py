"""Run the command line as a person would: ``photoorg ARGS`` in a process of its own, with this
test's environment (its ``PHOTOORG_HOME``, its trash), and what it printed and its exit code.

:func:`photoorg` forks each command from a process that has the imports done (:mod:`tests.
cli_zygote`), one for each environment (what an import may read: the hub's address,
``PYTHONPATH``, ``HOME``...), so a command runs as it would started from nothing with the same
environment, as :func:`photoorg_process` starts it.
"""

from __future__ import annotations

import atexit
import io
import json
import locale
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 300

#: Variables read when a command runs, never when a module is imported: a test may change them
#: and still have its commands forked (torch sets the last one in the tests' own process).
PER_COMMAND = ("PHOTOORG_HOME", "XDG_DATA_HOME", "PYTEST_CURRENT_TEST", "TORCHINDUCTOR_CACHE_DIR")


def photoorg_process(*args: str | Path, timeout: float = TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    """``python -m photoorg ARGS``, started from nothing."""
    return subprocess.run(
        [sys.executable, "-m", "photoorg", *map(str, args)],
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=timeout,
    )


class _Zygote:
    def __init__(self) -> None:
        self.env = dict(os.environ)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.cli_zygote"],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.read = b""  # answers read but not taken yet

    def _answer(self, deadline: float | None) -> dict | None:
        """The next answer line, or None at the deadline (read unbuffered, so that a line
        already read is never waited for)."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.read:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([fd], [], [], wait)[0]:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError("the process that starts photoorg's commands for the tests stopped")
            self.read += chunk
        line, self.read = self.read.split(b"\n", 1)
        return json.loads(line)

    def run(self, argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        assert self.proc.stdin is not None
        with tempfile.TemporaryDirectory(prefix="photoorg-cli-") as tmp:
            out, err = os.path.join(tmp, "out"), os.path.join(tmp, "err")
            for path in (out, err):
                Path(path).touch()
            request = {"argv": argv, "env": env, "cwd": os.getcwd(), "out": out, "err": err}
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            started = self._answer(None)
            assert started is not None
            ended = self._answer(time.monotonic() + TIMEOUT_S)
            if ended is None:
                os.kill(started["pid"], signal.SIGKILL)
                self._answer(None)
                raise subprocess.TimeoutExpired(["photoorg", *argv], TIMEOUT_S)
            code = os.waitstatus_to_exitcode(ended["status"])
            encoding = locale.getpreferredencoding(False)
            # As subprocess.run(text=True) reads them: the locale's encoding, universal newlines.
            printed = []
            for path in (out, err):
                with open(path, "rb") as raw, io.TextIOWrapper(raw, encoding=encoding) as text:
                    printed.append(text.read())
        return subprocess.CompletedProcess([sys.executable, "-m", "photoorg", *argv], code, *printed)


def _kind(env: dict[str, str]) -> frozenset[tuple[str, str]]:
    return frozenset((k, v) for k, v in env.items() if k not in PER_COMMAND)


def _stop_all() -> None:
    for zygote in _zygotes.values():
        if zygote.proc.stdin is not None:
            zygote.proc.stdin.close()  # its loop ends
        zygote.proc.wait(timeout=30)
        if zygote.proc.stdout is not None:
            zygote.proc.stdout.close()


#: Zygotes of this test worker, by environment (what is not :data:`PER_COMMAND`): the usual
#: one, and those of tests that set their own variables (the hub's address...), a few at most.
_zygotes: dict[frozenset[tuple[str, str]], _Zygote] = {}
_MOST = 3
_lock = threading.Lock()
atexit.register(_stop_all)


def photoorg(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``photoorg ARGS`` in a process of its own (see the module's text)."""
    argv, env = [str(a) for a in args], dict(os.environ)
    kind = _kind(env)
    with _lock:
        zygote = _zygotes.get(kind)
        if zygote is None or zygote.proc.poll() is not None:
            if kind not in _zygotes and len(_zygotes) >= _MOST:
                return photoorg_process(*argv)
            zygote = _zygotes[kind] = _Zygote()
        return zygote.run(argv, env)
