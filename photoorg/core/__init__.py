"""Qt-free core of photoorg. Never imports PySide6, photoorg.gui or photoorg.cli."""
