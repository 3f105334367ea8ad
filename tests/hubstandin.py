"""A stand-in for the Hugging Face hub on 127.0.0.1, so the model download runs for real.

huggingface_hub talks to whatever ``HF_ENDPOINT`` names. This server answers the four requests
``snapshot_download`` makes for a model (read in huggingface_hub 2.4's ``_snapshot_download.py``,
``hf_api.py`` and ``file_download.py``), for one repository served from a folder:

- ``GET /api/models/{repo}[/revision/{rev}]`` (``?blobs=true`` adds sizes and LFS sha256): the
  model info, whose ``sha`` is the commit;
- ``GET /api/models/{repo}/tree/{rev}``: the file listing (path, size, git oid, LFS sha256);
- ``HEAD /{repo}/resolve/{rev}/{file}``: ``X-Repo-Commit``, ``ETag`` (the git blob id, or the
  sha256 for the LFS files ``*.safetensors``, as the Hub does), ``Content-Length``,
  ``Accept-Ranges``;
- ``GET /{repo}/resolve/{rev}/{file}``: the bytes, whole or from a ``Range: bytes=N-``.

It never redirects to a CDN and never offers Xet, so the plain HTTP path of huggingface_hub runs
(the one with resuming, size checks and its temporary files). What can go wrong is set on the
:class:`Faults` of the server, per test, while it runs: an answer 500, a connection dropped, a
slow server, wrong bytes, a transfer held at a gate (so a test can cancel, kill or fill the disk
at a known point without sleeping). Every wait has a cap, and :meth:`HubStandIn.stop` (called
by the context manager) opens every gate, so a test never hangs on it.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMMIT = "0123456789abcdef0123456789abcdef01234567"  # 40 hex digits, like a git commit
GATE_CAP_S = 30.0  # a gate opens by itself after this long, so a forgotten one cannot hang a test


def git_blob_id(data: bytes) -> str:
    """The id git gives a file's content (what the Hub reports as a file's ``oid``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class RepoFile:
    path: str
    data: bytes

    @property
    def lfs(self) -> bool:
        return self.path.endswith(".safetensors")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def etag(self) -> str:
        return self.sha256 if self.lfs else git_blob_id(self.data)

    def tree_entry(self) -> dict:
        entry: dict = {
            "type": "file",
            "path": self.path,
            "size": len(self.data),
            "oid": git_blob_id(self.data),
        }
        if self.lfs:
            entry["lfs"] = {"oid": self.sha256, "size": len(self.data), "pointerSize": 134}
        return entry

    def sibling(self, blobs: bool) -> dict:
        entry: dict = {"rfilename": self.path}
        if blobs:
            entry |= {"size": len(self.data), "blobId": git_blob_id(self.data)}
            if self.lfs:
                entry["lfs"] = {"sha256": self.sha256, "size": len(self.data), "pointerSize": 134}
        return entry


@dataclass
class Faults:
    """What the server does wrong; a test changes these while the server runs.

    ``fail_files``: answer file downloads (GET) with this status (e.g. 500) while it is set;
    ``fail_left``: that many times only.
    ``fail_api``: answer the model info with this status while it is set.
    ``drop_after``: close the connection after this many bytes of the body, once per entry.
    ``chunk`` / ``delay``: send the body in chunks of this size, waiting ``delay`` s before each.
    ``stall_after`` / ``stall``: once, after this many bytes, send nothing for ``stall`` s.
    ``corrupt``: file names served with wrong bytes (same length, so only a checksum tells).
    ``gate_after``: after this many bytes of a file, wait until :meth:`HubStandIn.open_gate`.
    """

    fail_files: int | None = None
    fail_left: int | None = None  # with fail_files: only so many answers fail (None: all)
    fail_api: int | None = None
    drop_after: list[int] = field(default_factory=list)
    chunk: int = 64 * 1024
    delay: float = 0.0
    stall_after: int | None = None
    stall: float = 0.0
    corrupt: set[str] = field(default_factory=set)
    gate_after: int | None = None


class HubStandIn:
    """Serves ``folder`` as the model repository ``repo`` (see the module docstring)."""

    def __init__(self, folder: Path, repo: str = "facebook/dinov2-base") -> None:
        self.repo = repo
        self.files = {
            p.name: RepoFile(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file()
        }
        self.faults = Faults()
        self.requests: list[str] = []  # "METHOD path [Range]" of every request, in order
        self.gate_reached = threading.Event()  # a transfer is waiting at the gate
        self._gate = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True  # a handler still writing never holds up stop()
        self._thread = threading.Thread(target=self._server.serve_forever, name="hub-stand-in", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HubStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._gate.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def open_gate(self) -> None:
        self._gate.set()

    def wait_at_gate(self, timeout: float = GATE_CAP_S) -> None:
        """Until a transfer has reached ``faults.gate_after`` bytes and waits there."""
        if not self.gate_reached.wait(timeout):
            raise AssertionError("no download reached the gate")

    @property
    def total_size(self) -> int:
        return sum(len(f.data) for f in self.files.values())

    def ranges(self) -> list[str]:
        return [r for r in self.requests if "Range" in r]


def _handler(hub: HubStandIn) -> type[BaseHTTPRequestHandler]:
    repo = re.escape(hub.repo)
    info_re = re.compile(rf"^/api/models/{repo}(?:/revision/[^/]+)?$")
    tree_re = re.compile(rf"^/api/models/{repo}/tree/[^/]+$")
    file_re = re.compile(rf"^/{repo}/resolve/[^/]+/(.+)$")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet: pytest shows failures
            pass

        def _json(self, body: object, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Repo-Commit", COMMIT)
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Error-Message", message)
            data = json.dumps({"error": message}).encode()
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _log(self) -> None:
            rng = self.headers.get("Range")
            hub.requests.append(f"{self.command} {self.path}" + (f" Range {rng}" if rng else ""))

        def do_HEAD(self) -> None:
            self._log()
            self._file(body=False)

        def do_GET(self) -> None:
            self._log()
            path = unquote(urlsplit(self.path).path)
            query = urlsplit(self.path).query
            if info_re.match(path):
                if hub.faults.fail_api:
                    self._error(hub.faults.fail_api, "Internal Error")
                    return
                blobs = "blobs=true" in query.lower()
                siblings = [f.sibling(blobs) for f in hub.files.values()]
                self._json({"id": hub.repo, "modelId": hub.repo, "sha": COMMIT, "siblings": siblings})
            elif tree_re.match(path):
                self._json([f.tree_entry() for f in hub.files.values()])
            else:
                self._file(body=True)

        def _file(self, body: bool) -> None:
            match = file_re.match(unquote(urlsplit(self.path).path))
            file = hub.files.get(match.group(1)) if match else None
            if file is None:
                self.send_response(404)
                self.send_header("X-Error-Code", "EntryNotFound")
                self.send_header("X-Repo-Commit", COMMIT)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if body and hub.faults.fail_files and hub.faults.fail_left != 0:
                if hub.faults.fail_left is not None:
                    hub.faults.fail_left -= 1
                self._error(hub.faults.fail_files, "Internal Error")
                return
            data = file.data
            if file.path in hub.faults.corrupt:
                middle = len(data) // 2  # in the weights, past the header: it still parses
                data = (
                    data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 64]) + data[middle + 64 :]
                )
            start = 0
            rng = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
            if rng and body:
                start = int(rng.group(1))
            self.send_response(206 if start else 200)
            self.send_header("X-Repo-Commit", COMMIT)
            self.send_header("ETag", f'"{file.etag}"')
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Type", "application/octet-stream")
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.send_header("Content-Length", str(len(data) - start))
            self.end_headers()
            if body:
                self._send(file.path, data, start)

        def _send(self, name: str, data: bytes, start: int) -> None:
            faults = hub.faults
            sent = start
            try:
                while sent < len(data):
                    if faults.drop_after and sent >= faults.drop_after[0] and sent > start:
                        faults.drop_after.pop(0)
                        self.wfile.flush()
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    if (
                        faults.gate_after is not None
                        and sent >= faults.gate_after
                        and name.endswith(".safetensors")
                    ):
                        faults.gate_after = None
                        hub.gate_reached.set()
                        hub._gate.wait(GATE_CAP_S)
                    if faults.stall_after is not None and sent >= faults.stall_after:
                        faults.stall_after = None
                        time.sleep(faults.stall)
                    if faults.delay:
                        time.sleep(faults.delay)
                    end = min(len(data), sent + faults.chunk)
                    for limit in (faults.drop_after[:1], [faults.gate_after or 0], [faults.stall_after or 0]):
                        if limit and sent < limit[0] < end:
                            end = limit[0]
                    self.wfile.write(data[sent:end])
                    self.wfile.flush()
                    sent = end
            except OSError:  # the client went away (cancelled, killed): nothing more to send
                self.close_connection = True

    return Handler


@contextmanager
def hub_stand_in(folder: Path, repo: str = "facebook/dinov2-base") -> Iterator[HubStandIn]:
    """A running stand-in that stops at the end of the ``with`` block."""
    hub = HubStandIn(folder, repo).start()
    try:
        yield hub
    finally:
        hub.stop()
