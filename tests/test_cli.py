"""Run the command line as a person would: exit codes and what it prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import make_photo


def photoorg(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "photoorg", *map(str, args)],
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=300,
    )


def test_scan_prints_a_summary_and_a_second_scan_reuses_everything(library, tiny_model, tmp_path) -> None:
    home = tmp_path / "h"
    (library / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    first = photoorg("--home", home, "scan", library, "--model", tiny_model, "--device", "cpu")
    assert first.returncode == 0, first.stderr
    assert "photos seen:        11" in first.stdout
    assert "embedded:           10" in first.stdout
    assert "failed:             1" in first.stdout
    assert f"{library / 'broken.jpg'}: " in first.stdout
    assert "photos/s" in first.stdout
    assert (home / "cache" / "catalog.sqlite3").exists()

    second = photoorg("scan", library, "--model", tiny_model, "--home", home, "--json")
    assert second.returncode == 0, second.stderr
    report = json.loads(second.stdout)
    assert (report["seen"], report["embedded"], report["reused"], report["failed"]) == (11, 0, 10, 1)
    assert report["failures"][0]["path"].endswith("broken.jpg")


def test_options_before_the_command_work_too(library, tiny_model, tmp_path) -> None:
    home = tmp_path / "h2"
    done = photoorg("--home", home, "--model", tiny_model, "scan", library, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["embedded"] == 10
    assert (home / "cache" / "catalog.sqlite3").exists()


def test_missing_folder_is_a_usage_error(tmp_path) -> None:
    result = photoorg("scan", tmp_path / "nowhere")
    assert result.returncode == 2
    assert "no such folder" in result.stderr


def test_unavailable_model_fails_the_run_with_advice(tmp_path) -> None:
    folder = tmp_path / "p"
    make_photo(folder / "a.jpg", seed=1)
    result = photoorg("scan", folder, "--model", "facebook/dinov2-small")
    assert result.returncode == 1
    assert "facebook/dinov2-small" in result.stdout and "--model" in result.stdout
    assert "not embedded:       1" in result.stdout


def test_no_command_says_how_to_start(tmp_path) -> None:
    result = photoorg("--home", tmp_path / "h3")
    assert result.returncode == 0
    assert "photoorg scan" in result.stdout
