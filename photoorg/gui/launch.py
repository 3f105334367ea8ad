"""Starting the desktop app: the QApplication, the window, Ctrl+C, and a last word for errors
nobody caught (a dialog, and the traceback in the log)."""

from __future__ import annotations

import logging
import signal
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from photoorg import __version__
from photoorg.core.errors import PhotoorgError
from photoorg.core.paths import Locations
from photoorg.core.settings import load_settings, update_settings
from photoorg.desktop import APP_ID
from photoorg.gui.app import MainWindow, app_icon
from photoorg.gui.dialogs import error_dialog

log = logging.getLogger(__name__)


def _install_excepthook(where: Locations) -> None:
    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error", exc_info=(kind, exc, tb))
        if QApplication.instance() is None:
            return
        if isinstance(exc, PhotoorgError):
            error_dialog(None, str(exc)).exec()
        else:
            details = "".join(traceback.format_exception(kind, exc, tb))
            error_dialog(
                None, f"Something went wrong: {exc}", details, str(where.logs / "photoorg.log")
            ).exec()

    sys.excepthook = hook


def run(where: Locations, argv: list[str] | None = None, model: str | None = None) -> int:
    """Start the app; returns its exit code. ``model`` (from ``--model``) becomes the setting."""
    # Before the QApplication exists: X11 takes the window class (StartupWMClass of the menu
    # entry) from the name then, and Wayland matches the window to APP_ID.desktop.
    QApplication.setApplicationName("photoorg")
    QGuiApplication.setDesktopFileName(APP_ID)
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setWindowIcon(app_icon())
    app.setApplicationVersion(__version__)
    app.setOrganizationName("photoorg")
    _install_excepthook(where)
    if model and model != load_settings(where).model:
        update_settings(where, lambda s: s.assign(model=model, model_declined=False))
    window = MainWindow(where)
    window.show()
    QTimer.singleShot(0, window.start)
    # Ctrl+C in the terminal, or a logout's SIGTERM, closes the window properly (the scan
    # stops at a batch boundary, the catalog is closed). Python runs signal handlers only
    # between bytecodes, so a timer gives it that chance while Qt's loop waits.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: window.close())
    wake = QTimer()
    wake.start(250)
    wake.timeout.connect(lambda: None)
    return app.exec()
