"""Run ``photoorg`` commands for the tests in processes forked from one that has imported
everything a command imports (torch, transformers' DINOv2, photoorg's CLI): each command still
runs in its own process, from ``photoorg/__main__.py``, with its own environment, folder and
standard streams, but starts in a fraction of a second instead of 8 (the imports alone). The
tests' CLI calls spent most of the suite's time there (measured: 45 of 195 calls in
tests/test_cli.py imported torch, 410 of its 676 s).

This process never runs a torch operation, so each child starts its own threads (OpenMP does not
survive a fork of a process that used them). Started by :mod:`tests.cli`, one per test worker; it
reads one JSON request per line on stdin and answers on stdout: ``{"pid": N}`` when the child
started, then ``{"status": S}`` (``os.waitpid``'s) when it ended.
"""

from __future__ import annotations

import atexit
import io
import json
import os
import runpy
import sys
import threading

# What a command imports, imported once here (imports only: nothing runs).
import hdbscan  # noqa: F401
import onnxruntime  # noqa: F401
import torch  # noqa: F401
import transformers.models.dinov2.modeling_dinov2  # noqa: F401
from transformers import AutoModel  # noqa: F401

import photoorg.cli
import photoorg.cli.albums
import photoorg.cli.files
import photoorg.cli.organize
import photoorg.cli.scan
import photoorg.cli.sets
import photoorg.cli.settings
import photoorg.cli.thresholds
import photoorg.core.embedder


def _streams() -> None:
    """Standard streams as Python makes them at start-up, on descriptors 0, 1 and 2."""
    encoding, errors = sys.__stdout__.encoding, sys.__stdout__.errors
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)))
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(1, "w", closefd=False)), encoding=encoding, errors=errors
    )
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(2, "w", closefd=False)),
        encoding=encoding,
        errors="backslashreplace",
        line_buffering=True,
    )


def _child(request: dict) -> None:
    code = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        for fd, path, flags in (
            (0, os.devnull, os.O_RDONLY),
            (1, request["out"], os.O_WRONLY | os.O_TRUNC),
            (2, request["err"], os.O_WRONLY | os.O_TRUNC),
        ):
            opened = os.open(path, flags)
            os.dup2(opened, fd)
            os.close(opened)
        _streams()
        main = os.path.join(os.path.dirname(photoorg.__file__), "__main__.py")
        sys.argv = [main, *request["argv"]]
        try:
            runpy.run_path(main, run_name="__main__")
            code = 0
        except SystemExit as exc:  # what the interpreter does with it
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                code = 1
        except BaseException:
            sys.excepthook(*sys.exc_info())
            code = 1
        # The interpreter's exit: other threads joined, then the atexit functions, then flushes.
        threading._shutdown()  # type: ignore[attr-defined]
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    finally:
        os._exit(code)


def serve() -> None:
    answers = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)
        print(json.dumps({"pid": pid}), file=answers, flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"status": status}), file=answers, flush=True)


if __name__ == "__main__":
    serve()
