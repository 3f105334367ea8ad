"""The core stays free of Qt, and torch loads only when embedding starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import photoorg

CHECK = """
import sys
import photoorg, photoorg.cli
import photoorg.core.scanner, photoorg.core.imaging, photoorg.core.catalog
import photoorg.core.embedder, photoorg.core.pipeline, photoorg.core.progress, photoorg.core.paths
import photoorg.core.settings, photoorg.core.library, photoorg.engine
import photoorg.cli.parser, photoorg.cli.common
loaded = sorted(m for m in ("torch", "transformers", "PySide6") if m in sys.modules)
print("loaded:", ",".join(loaded) or "nothing")
"""


def test_importing_core_cli_and_engine_loads_neither_qt_nor_torch() -> None:
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "loaded: nothing"


def test_core_sources_never_import_qt_gui_or_cli() -> None:
    package = Path(photoorg.__file__).parent
    # The core (its catalog package too) and the engine, a child process.
    qt_free = [*(package / "core").rglob("*.py"), *(package / "engine").glob("*.py")]
    offenders = [
        f"{path.name}:{n}"
        for path in qt_free
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if line.lstrip().startswith(("import ", "from "))
        and any(name in line for name in ("PySide6", "photoorg.gui", "photoorg.cli"))
    ]
    assert offenders == []


def test_embedding_is_what_loads_torch(tiny_model: Path) -> None:
    script = f"""
import sys, numpy as np
from photoorg.core.embedder import Embedder
e = Embedder({str(tiny_model)!r}, device="cpu")
e.resolve()
print("after resolve:", "torch" in sys.modules)
e.embed(np.zeros((1, 224, 224, 3), np.uint8))
print("after embed:", "torch" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["after resolve: False", "after embed: True"]
