"""Camera RAW files in the app: thumbnails and previews from their embedded preview, a RAW+JPEG
pair that is not offered for the trash until the person asks for it in Settings, and the
Problems page when RAW support (rawpy) is missing from the engine's Python."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from photoorg.core.duplicates import Verdict
from photoorg.gui.app import PAGE_PROBLEMS, MainWindow
from photoorg.gui.dialogs import SettingsDialog
from photoorg.gui.tasks import Tasks
from photoorg.gui.thumbnails import Shown, Thumbnails, load_preview
from tests.conftest import make_photo
from tests.core.test_raw import as_jpeg, picture
from tests.gui.conftest import TIMEOUT_MS, Dialogs, scan, settings_for
from tests.rawfactory import make_dng

OpenWindow = Callable[..., MainWindow]


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, line = image.width(), image.height(), image.bytesPerLine()
    return np.frombuffer(bytes(image.constBits()), np.uint8).reshape(h, line)[:, : 3 * w].reshape(h, w, 3)


def alike(a: QImage, b: QImage) -> bool:
    return a.size() == b.size() and float(np.abs(pixels(a).astype(np.float32) - pixels(b)).mean()) < 8.0


def test_a_raw_shows_as_an_upright_thumbnail_and_preview(qtbot: QtBot, tmp_path: Path) -> None:
    """A RAW shot with the camera turned: the grid and the preview show it upright, as its JPEG."""
    img = picture((384, 256))
    dng = make_dng(tmp_path / "IMG_7.DNG", img, orientation=6)
    jpeg = as_jpeg(img, tmp_path / "IMG_7.JPG", 6)
    tasks = Tasks()
    thumbnails = Thumbnails(tasks, tmp_path / "thumbnails")
    try:
        shown = {}
        for path, fp in ((dng, "a" * 32), (jpeg, "b" * 32)):
            with qtbot.waitSignal(thumbnails.ready, timeout=TIMEOUT_MS):
                assert thumbnails.get(str(path), fp) is None  # decoded in the io pool
            pm = thumbnails.get(str(path), fp)
            assert pm is not None and pm is not thumbnails.broken
            shown[path] = pm.toImage()
        assert shown[dng].height() > shown[dng].width()  # portrait: turned upright
        assert alike(shown[dng], shown[jpeg])
        assert (tmp_path / "thumbnails" / "aa" / f"{'a' * 32}.jpg").exists()  # cached on disk
        big_raw, big_jpeg = load_preview(str(dng), 200), load_preview(str(jpeg), 200)
        assert isinstance(big_raw, Shown) and isinstance(big_jpeg, Shown), (big_raw, big_jpeg)
        assert (big_raw.image.width(), big_raw.image.height()) == (133, 200)
        assert alike(big_raw.image, big_jpeg.image)
        assert big_raw.natural == big_jpeg.natural  # the RAW's full size, upright
        # 1:1: this camera embedded a full-size preview, so every pixel is there
        one_to_one = load_preview(str(dng), None)
        assert isinstance(one_to_one, Shown) and one_to_one.full
    finally:
        assert tasks.shutdown()


def _same_sets(state: Any) -> list[list[str]]:
    return [
        sorted(os.path.basename(p.path) for p in s.photos) for s in state.sets if s.verdict is Verdict.SAME
    ]


def test_the_jpeg_of_a_raw_is_offered_only_when_settings_say_so(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, dialogs: Dialogs
) -> None:
    card = tmp_path / "Card"
    card.mkdir()
    img = picture()
    make_dng(card / "IMG_1.DNG", img)
    as_jpeg(img, card / "IMG_1.JPG")
    for i in range(4):
        make_photo(card / f"other_{i}.jpg", seed=40 + i, size=(160, 120), quality=90)
    window = open_window(settings_for(card, tiny_model))
    state = scan(qtbot, window)
    assert state.failures == []
    assert {os.path.basename(p.path) for p in state.timeline.photos} >= {"IMG_1.DNG", "IMG_1.JPG"}
    assert _same_sets(state) == []  # a pair, not a duplicate
    assert not [s for s in state.sets if "IMG_1.JPG" in {os.path.basename(p.path) for p in s.photos}]

    dialogs.drive(SettingsDialog)

    def turn_on() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, SettingsDialog)
        assert not box.raw_jpegs.isChecked()  # off by default
        box.raw_jpegs.setChecked(True)
        box.accept()

    QTimer.singleShot(100, turn_on)
    with qtbot.waitSignal(window.library.state_changed, timeout=TIMEOUT_MS) as blocker:
        window.open_settings()
    state = blocker.args[0]
    assert window.library.settings.offer_raw_jpegs
    assert _same_sets(state) == [["IMG_1.DNG", "IMG_1.JPG"]]
    [pair] = [s for s in state.sets if s.verdict is Verdict.SAME]
    page = window.duplicates_page
    page.members.set_duplicate_set(pair)
    kept = page.members.keep_flags()
    assert kept == {str(card / "IMG_1.DNG"): True, str(card / "IMG_1.JPG"): False}  # the RAW is kept


_NO_RAWPY = """
import sys

class NoRawpy:  # an install without rawpy: its import fails in this Python
    def find_spec(self, name, path=None, target=None):
        if name == "rawpy" or name.startswith("rawpy."):
            raise ModuleNotFoundError("No module named 'rawpy'", name="rawpy")
        return None

sys.meta_path.insert(0, NoRawpy())
"""


def test_without_rawpy_the_problems_page_lists_the_raws_with_the_command_that_adds_it(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, tiny_model: Path, monkeypatch: Any
) -> None:
    """The engine process runs in a Python whose rawpy cannot be imported (a sitecustomize that
    blocks it): the JPEG is scanned, the RAW is a problem that says what to run."""
    blocker = tmp_path / "no-rawpy"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(_NO_RAWPY)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(blocker), os.environ.get("PYTHONPATH", "")]))
    card = tmp_path / "Card"
    card.mkdir()
    make_dng(card / "IMG_1.DNG", picture())
    make_photo(card / "IMG_2.jpg", seed=3, size=(160, 120), quality=90)
    window = open_window(settings_for(card, tiny_model), own_engine=True)
    state = scan(qtbot, window)
    assert [os.path.basename(p.path) for p in state.timeline.photos] == ["IMG_2.jpg"]
    model = window.problems_page.problems
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "IMG_1.DNG"
    reason = model.index(0, 2).data()
    assert "needs the rawpy package" in reason and "-m pip install 'rawpy>=0.28'" in reason
    assert len(state.failures) == 1
    assert window.nav.item(PAGE_PROBLEMS).text() == "Problems (1)"
