"""The first run's model download, for real: huggingface_hub's HTTP path against a stand-in hub.

The stand-in (tests/hubstandin.py) serves a tiny random DINOv2 as facebook/dinov2-base on
127.0.0.1 and can fail in the ways a network does. The command line runs as a person runs it
(a child process: ``photoorg scan``); the library service runs here where a test needs to reach
into the transfer (cancel, a full disk). Nothing but the server is a stand-in.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from photoorg.core.errors import ModelNotCached, ModelUnavailable
from photoorg.core.humanize import human_bytes
from photoorg.core.library import Library
from photoorg.core.model_folder import resolve_model
from photoorg.core.paths import Locations, locations
from photoorg.core.progress import Progress
from tests.cli import photoorg_process
from tests.conftest import fill
from tests.hubstandin import COMMIT, HubStandIn

MODEL = "facebook/dinov2-base"
CAP_S = 120  # a child process that runs longer has hung: the test fails instead of hanging


def start_photoorg(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "photoorg", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ,
    )


def photoorg(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """From nothing: huggingface_hub reads the hub's address when it is imported."""
    return photoorg_process(*args, timeout=CAP_S)


def first_scan(library: Path) -> subprocess.CompletedProcess[str]:
    return photoorg("scan", library, "--model", MODEL, "--device", "cpu", "--json")


def cache(where: Locations) -> Path:
    assert where.model_cache is not None  # each test has its own home: the cache is in it
    return where.model_cache / "models--facebook--dinov2-base"


def weights_in_cache(where: Locations) -> list[Path]:
    """Every file of the cache that holds (part of) the weights, under any name (the small files
    are config.json and preprocessor_config.json, their blobs and the cache's own notes)."""
    folder = cache(where)
    if not folder.exists():
        return []
    return [
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink() and (p.stat().st_size > 10_000 or p.suffix == ".incomplete")
    ]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def served_weights(hub: HubStandIn) -> str:
    return hub.files["model.safetensors"].sha256


def open_library(allow_download: bool = True) -> Library:
    return Library(locations(), {"model": MODEL, "device": "cpu"}, allow_download=allow_download)


def scan(library: Path, progress: Progress | None = None) -> object:
    with open_library() as lib:
        return lib.scan([str(library)], progress or Progress())


# -- the first download, as a person's first `photoorg scan` --------------------------------------
def test_the_first_scan_downloads_the_model_loads_it_and_embeds(hub: HubStandIn, library: Path) -> None:
    done = first_scan(library)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["embedded"] == 10 and summary["model_error"] is None
    assert summary["model_key"].startswith(f"{MODEL}@")
    where = locations()
    snapshot = next((cache(where) / "snapshots").iterdir())
    assert sha256(snapshot / "model.safetensors") == served_weights(hub)
    # The model and nothing else: no telemetry or other requests reached the hub.
    assert {r.split()[1].split("?")[0] for r in hub.requests} <= {
        f"/api/models/{MODEL}",
        f"/api/models/{MODEL}/revision/main",
        f"/api/models/{MODEL}/tree/{snapshot.name}",
        *(f"/{MODEL}/resolve/{snapshot.name}/{name}" for name in hub.files),
    }

    asked = len(hub.requests)
    again = resolve_model(MODEL, cache_dir=where.model_cache)  # the next start: from the cache
    assert again.folder == snapshot and len(hub.requests) == asked  # the hub is not even asked


def test_progress_counts_the_bytes_up_to_the_size_the_hub_gave(hub: HubStandIn, library: Path) -> None:
    seen: list[tuple[str, str, int, int]] = []
    summary = scan(library, Progress(on_change=lambda p: seen.append((p.stage, p.unit, p.done, p.total))))
    download = [(done, total) for stage, unit, done, total in seen if unit == "B"]
    assert download, "no progress in bytes"
    assert download[-1] == (hub.total_size, hub.total_size)
    assert [d for d, _ in download] == sorted(d for d, _ in download)  # only forward
    assert summary.embedded == 10


# -- interruptions -------------------------------------------------------------------------------
def test_a_download_killed_midway_restarts_cleanly_and_never_loads_a_partial_file(
    hub: HubStandIn, library: Path
) -> None:
    hub.faults.gate_after = 12_000_000  # the transfer waits there: the kill comes mid-file
    child = start_photoorg("scan", library, "--model", MODEL, "--device", "cpu")
    try:
        hub.wait_at_gate()
        child.send_signal(signal.SIGKILL)
        child.wait(CAP_S)
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()
    where = locations()
    partial = weights_in_cache(where)
    # Only temporary names (with huggingface_hub 2.4 the kill left two, the weights' and a
    # small file's, where older releases left one).
    assert partial and all(p.name.endswith(".incomplete") for p in partial), [p.name for p in partial]
    with pytest.raises(ModelNotCached):  # the partial file never passes for the model
        resolve_model(MODEL, cache_dir=where.model_cache, allow_download=False)

    hub.open_gate()
    assert scan(library).embedded == 10  # the next start (the library service, as the CLI runs it)
    [weights] = weights_in_cache(where)  # the killed download's leftover is gone
    assert sha256(weights) == served_weights(hub)


def test_ctrl_c_stops_the_download_at_once_and_keeps_nothing_of_it(hub: HubStandIn, library: Path) -> None:
    hub.faults.gate_after = 12_000_000  # and the server sends nothing more until the test ends
    child = start_photoorg("scan", library, "--model", MODEL, "--device", "cpu")
    try:
        hub.wait_at_gate()
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=CAP_S)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, err
    assert "Interrupted" in err and "Traceback" not in err
    assert not [p for p in weights_in_cache(locations()) if not p.name.endswith(".incomplete")]


def test_cancel_stops_the_download_and_the_next_attempt_completes(hub: HubStandIn, library: Path) -> None:
    hub.faults.gate_after = 12_000_000
    progress = Progress()
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(scan(library, progress)))
    worker.start()
    hub.wait_at_gate()
    progress.cancel()  # while no byte arrives: Cancel does not wait for the stalled transfer
    worker.join(CAP_S)
    assert result and result[0].cancelled and result[0].embedded == 0
    assert not [p for p in weights_in_cache(locations()) if not p.name.endswith(".incomplete")]
    hub.open_gate()
    assert scan(library).embedded == 10


def test_a_dropped_connection_is_resumed_where_it_broke_off(hub: HubStandIn, library: Path) -> None:
    hub.faults.drop_after = [15_000_000]  # after one chunk of 10 MiB was written to disk
    assert scan(library).embedded == 10
    assert [r for r in hub.requests if "Range" in r] == [
        f"GET /{MODEL}/resolve/{COMMIT}/model.safetensors Range bytes={10 * 1024 * 1024}-"
    ]


@pytest.mark.parametrize("where_it_fails", ["fail_files", "fail_api"])
def test_a_server_error_says_so_plainly_and_the_next_attempt_completes(
    hub: HubStandIn, library: Path, where_it_fails: str
) -> None:
    setattr(hub.faults, where_it_fails, 500)
    summary = scan(library)
    assert summary.embedded == 0
    assert summary.model_error == (
        f"Downloading the model '{MODEL}' did not work: the Hugging Face hub answered with an error "
        "(500). Nothing half-downloaded is kept or used. Try again in a moment; it starts over."
    )
    assert not weights_in_cache(locations())
    setattr(hub.faults, where_it_fails, None)
    assert scan(library).embedded == 10


def test_a_corrupt_file_is_refused_deleted_and_fetched_again(hub: HubStandIn, library: Path) -> None:
    hub.faults.corrupt = {"model.safetensors"}
    summary = scan(library)
    assert summary.embedded == 0
    assert "model.safetensors" in summary.model_error and "damaged" in summary.model_error
    assert not weights_in_cache(locations())  # deleted, so nothing ever loads it
    hub.faults.corrupt = set()
    assert scan(library).embedded == 10


def test_a_damaged_file_in_the_cache_is_found_before_it_is_loaded(hub: HubStandIn, library: Path) -> None:
    assert scan(library).embedded == 10
    where = locations()
    [blob] = weights_in_cache(where)
    data = bytearray(blob.read_bytes())
    data[1000] ^= 0xFF  # a bit flipped on disk, size unchanged
    blob.write_bytes(bytes(data))
    with pytest.raises(ModelUnavailable, match="damaged"):
        resolve_model(MODEL, cache_dir=where.model_cache, allow_download=False)


# -- no room, no connection -----------------------------------------------------------------------
def test_no_room_for_the_model_is_refused_before_downloading(
    hub: HubStandIn, library: Path, small_fs
) -> None:
    where = locations()
    small_fs(str(where.cache.relative_to(where.cache.parents[1])), 10_000)  # 10 MB: too small
    summary = scan(library)
    assert summary.embedded == 0
    assert str(cache(where)) in summary.model_error and "not enough free space" in summary.model_error
    assert f"it needs {human_bytes(hub.total_size)}" in summary.model_error
    assert not [r for r in hub.requests if r.startswith("GET") and "/resolve/" in r]


def test_a_disk_that_fills_during_the_download_leaves_nothing_that_passes_for_the_model(
    hub: HubStandIn, library: Path, small_fs
) -> None:
    where = locations()
    disk = small_fs(str(where.cache.relative_to(where.cache.parents[1])), 40_000)  # 40 MB: room
    hub.faults.gate_after = 12_000_000
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(scan(library)))
    worker.start()
    hub.wait_at_gate()
    filler = fill(disk, leave=2_000_000)  # another program fills the disk meanwhile
    hub.open_gate()
    worker.join(CAP_S)
    [summary] = result
    assert summary.embedded == 0
    assert str(cache(where)) in summary.model_error and "not enough free space" in summary.model_error
    assert not weights_in_cache(where)
    filler.unlink()
    assert scan(library).embedded == 10


def test_offline_the_first_scan_says_so_and_still_catalogues(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    done = first_scan(library)
    assert done.returncode == 1, done.stderr  # a scan without its model did not do its job
    summary = json.loads(done.stdout)
    assert summary["seen"] == 10 and summary["embedded"] == 0
    assert summary["model_error"].startswith(
        f"The model '{MODEL}' is not on this computer and cannot be downloaded (no connection to the "
        "Hugging Face hub)."
    )
    # In words, it says it scanned with no model (a new-user review: "Scanned 1 folder with
    # facebook/dinov2-base", then "no model")
    said = photoorg("scan", library, "--model", MODEL, "--device", "cpu").stdout
    assert (
        said.startswith("Scanned 1 folder with no model (exact copies only) in ")
        and MODEL not in said.split("\n")[0]
    )


def test_the_size_said_is_the_chosen_models() -> None:
    """Found by a review: the message for dinov2-small said "about 350 MB for dinov2-base"."""
    from photoorg.core.download import offline_help

    assert "(about 90 MB)" in offline_help("facebook/dinov2-small") and "350" not in offline_help(
        "facebook/dinov2-small"
    )
    assert "MB" not in offline_help("someone/a-fine-tune")  # not known: no size made up
