"""Thumbnails: decoded in the io pool as QImage, kept as QPixmap in an LRU, cached on disk.

The disk cache is keyed by content fingerprint, so a moved or renamed photo keeps its
thumbnail and an edited one gets a new one. Models ask with :meth:`Thumbnails.get`, which
never touches the disk on the GUI thread: it answers from memory or queues a load and
returns None; :attr:`Thumbnails.ready` announces the path when the pixmap is there.
"""

from __future__ import annotations

import io
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QObject, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap

from photoorg.core import imaging
from photoorg.core.errors import DecodeError
from photoorg.core.videos import is_video_name
from photoorg.gui.tasks import Tasks

log = logging.getLogger(__name__)

THUMB_EDGE = 256  # stored size; views scale down
MEMORY_ITEMS = 800  # pixmaps kept in memory: up to 256 KB each, so about 200 MB at most


def pil_to_qimage(img: Image.Image) -> QImage:
    """Convert an RGB PIL image; safe off the GUI thread (QImage, not QPixmap)."""
    img = img.convert("RGB")
    w, h = img.size
    return QImage(img.tobytes(), w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def _decode_to_fit(path: str, edge: int, resample: Image.Resampling) -> Image.Image | None:
    """The photo upright and scaled to fit ``edge`` x ``edge``; None (logged) if unreadable."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        img = imaging.decode(data, edge // 2, path=path).image
    except (OSError, DecodeError) as exc:
        log.info("cannot show %s: %s", path, exc)
        return None
    assert img is not None
    img.thumbnail((edge, edge), resample, reducing_gap=2.0)
    return img


def video_tile(edge: int = THUMB_EDGE) -> QImage:
    """What a video shows in a grid: a dark 16:9 tile with a play mark (no frame is decoded)."""
    image = QImage(edge, edge * 9 // 16, QImage.Format.Format_RGB888)
    image.fill(QColor("#25282c"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255, 200))
    cx, cy, r = image.width() // 2, image.height() // 2, image.height() // 6
    painter.drawPolygon([QPoint(cx - r, cy - r), QPoint(cx - r, cy + r), QPoint(cx + r, cy)])
    painter.end()
    return image


def load_thumbnail(path: str, fingerprint: str, cache_dir: Path) -> QImage | None:
    """Thumbnail of one photo from the disk cache, or decoded and then cached; None if unreadable."""
    if is_video_name(path):
        return video_tile()
    cached = cache_dir / fingerprint[:2] / f"{fingerprint}.jpg"
    try:
        return pil_to_qimage(Image.open(cached))
    except (OSError, ValueError):
        pass
    img = _decode_to_fit(path, THUMB_EDGE, Image.Resampling.BILINEAR)
    if img is None:
        return None
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=85)
        # One name per process and thread: two threads making the thumbnail of two exact copies
        # took each other's (an app review: "cannot write the thumbnail cache ... No such file").
        tmp = cached.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
        tmp.write_bytes(buf.getvalue())
        os.replace(tmp, cached)
    except OSError as exc:
        log.warning("cannot write the thumbnail cache in %s: %s", cache_dir, exc)
    return pil_to_qimage(img)


@dataclass(frozen=True)
class Shown:
    """A photo decoded for viewing, and the size of its full-resolution pixels (upright)."""

    image: QImage
    natural: QSize
    full: bool  # the image holds every pixel of the photo (1:1 shows real pixels)


def load_preview(path: str, edge: int | None) -> Shown | str:
    """One photo for the preview and compare views, decoded to fit ``edge`` x ``edge`` pixels
    (None: at full resolution, for 1:1), or why it cannot be shown (logged)."""
    if is_video_name(path):  # (a new-user review: "This photo cannot be read … not a photo")
        return (
            "A video: photoorg catalogs and organizes videos, but does not play them. Open with "
            "default app plays it."
        )
    try:
        with open(path, "rb") as f:
            data = f.read()
        decoded = imaging.decode(data, edge // 2 if edge else None, path=path)
    except FileNotFoundError:  # a review: "cannot be shown (see Problems)", with no problem there
        log.info("cannot show %s: no longer there", path)
        return "This photo is no longer there: it was deleted or moved outside photoorg."
    except (OSError, DecodeError) as exc:
        log.info("cannot show %s: %s", path, exc)
        return f"This photo cannot be read ({exc})."
    img = decoded.image
    assert img is not None
    if edge:
        img.thumbnail((edge, edge), Image.Resampling.LANCZOS, reducing_gap=2.0)
    full = img.size == (decoded.width, decoded.height)
    return Shown(pil_to_qimage(img), QSize(decoded.width, decoded.height), full)


def placeholder(size: int, colour: str = "#3a3d42") -> QPixmap:
    pm = QPixmap(size, size)
    pm.fill(QColor(colour))
    return pm


class Thumbnails(QObject):
    """Pixmaps by photo path, loaded lazily in the io pool."""

    ready = Signal(str)  # the photo path whose thumbnail just arrived

    def __init__(self, tasks: Tasks, cache_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.cache_dir = cache_dir
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._pending: set[str] = set()
        self._failed: set[str] = set()
        self.broken = placeholder(THUMB_EDGE, "#5a2e2e")
        #: The Live Photos' stills (each with its video folded behind it): marked LIVE in every
        #: grid (a new-user review: marked in All photos, not among an album's suggestions).
        self.live: Collection[str] = frozenset()

    def get(self, path: str, fingerprint: str) -> QPixmap | None:
        """The thumbnail if it is in memory; otherwise queue it and return None."""
        pm = self._pixmaps.get(path)
        if pm is not None:
            self._pixmaps.move_to_end(path)
            return pm
        if path in self._failed:
            return self.broken
        if path not in self._pending:
            self._pending.add(path)
            self._tasks.run_io(
                lambda: load_thumbnail(path, fingerprint, self.cache_dir),
                lambda img: self._arrived(path, img),
                lambda _err: self._arrived(path, None),
            )
        return None

    def _arrived(self, path: str, img: QImage | None) -> None:
        self._pending.discard(path)
        if img is None or img.isNull():
            self._failed.add(path)
        else:
            self._pixmaps[path] = QPixmap.fromImage(img)
            while len(self._pixmaps) > MEMORY_ITEMS:
                self._pixmaps.popitem(last=False)
        self.ready.emit(path)

    def forget(self, path: str) -> None:
        self._pixmaps.pop(path, None)
        self._failed.discard(path)


def mosaic_cells(n: int, size: int) -> list[tuple[int, int, int, int]]:
    """Where each of ``n`` thumbnails (up to four) goes in a square mosaic: one fills it, two
    side by side, three as one half and two quarters, four in a 2x2 square (a review: a group
    narrowed by the filter to one photo showed it beside three empty tiles)."""
    half = size // 2
    layouts = {
        1: [(0, 0, size, size)],
        2: [(0, 0, half, size), (half, 0, size - half, size)],
        3: [(0, 0, half, size), (half, 0, size - half, half), (half, half, size - half, size - half)],
    }
    quarters = [(x, y, half, half) for y in (0, half) for x in (0, half)]
    return layouts.get(n, quarters)[: min(n, 4)]


def mosaic(pixmaps: list[QPixmap | None], size: int) -> QPixmap:
    """Up to four thumbnails in a square (:func:`mosaic_cells`), each cropped to fill its cell."""
    out = QPixmap(size, size)
    out.fill(QColor("#2b2d31"))
    painter = QPainter(out)
    shown = pixmaps[:4]
    for pm, (x, y, w, h) in zip(shown, mosaic_cells(len(shown), size), strict=True):
        if pm is None:
            painter.fillRect(x + 1, y + 1, w - 2, h - 2, QColor("#3a3d42"))
            continue
        scaled = pm.scaled(
            QSize(w - 2, h - 2),
            Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation,
        )
        sx, sy = (scaled.width() - (w - 2)) // 2, (scaled.height() - (h - 2)) // 2
        painter.drawPixmap(x + 1, y + 1, scaled, sx, sy, w - 2, h - 2)
    painter.end()
    return out
