"""Organize…: choose how, see the plan as a tree of folders, untick what should stay, confirm.

The dialog only asks and shows; the plan is made in the engine (photoorg.core.organize) and
carried out there as one undoable action.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photoorg.core.errors import PhotoorgError
from photoorg.core.folder_names import DEFAULT_TEMPLATE, TEMPLATE_FIELDS, check_template
from photoorg.core.humanize import plural
from photoorg.core.library import OrganizePlan, OrganizeRequest
from photoorg.gui.organize_words import summary_lines
from photoorg.gui.placement import fit_dialog

TEMPLATES = (
    DEFAULT_TEMPLATE,
    "{year}/{month_name}",
    "{year}/{year}-{month}-{day}",
    "{year}/{camera}",
    "{camera}/{year}-{month}",
)
_FOLDER = Qt.ItemDataRole.UserRole


class OrganizeDialog(QDialog):
    """How to organize ``what`` ("the library", "3 photos", "the group Beach"), and its plan."""

    plan_requested = Signal(object)  # OrganizeRequest

    def __init__(self, what: str, destination: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Organize {what}")
        self.plan: OrganizePlan | None = None
        self.by_date = QRadioButton("By date taken")
        self.by_group = QRadioButton("One folder per group")
        self.by_date.setChecked(True)
        by = QButtonGroup(self)
        for button in (self.by_date, self.by_group):
            by.addButton(button)
            button.toggled.connect(self._changed)
        by_row = QHBoxLayout()
        by_row.addWidget(self.by_date)
        by_row.addWidget(self.by_group)
        by_row.addStretch(1)
        self.template = QComboBox()
        self.template.setEditable(True)
        self.template.addItems(TEMPLATES)
        self.template.setToolTip("Fields: " + ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS))
        self.template.currentTextChanged.connect(self._changed)
        self.destination = QLineEdit(destination)
        self.destination.textChanged.connect(self._changed)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        dest_row = QHBoxLayout()
        dest_row.addWidget(self.destination, 1)
        dest_row.addWidget(browse)
        self.copy = QCheckBox("Copy (leave the originals where they are)")
        self.file_date = QCheckBox("Photos without a date taken: date them by their file")
        # Off, the photos in no group or without a date stay where they are, in folders whose
        # names say something (a review: 132 of 213 photos went into one Unsorted folder).
        self.gather = QCheckBox("Gather the rest in one folder: Unsorted/ (in no group) or undated/")
        self.prune = QCheckBox("Remove folders the move leaves empty")
        self._gather_chosen = False  # the person's tick of gather, while a copy ticks it
        for box in (self.copy, self.file_date, self.gather):
            box.toggled.connect(self._changed)
        # Removing empty folders changes what happens after the move, not the plan: the plan
        # shown and its ticks stay (a review found them thrown away by this box).
        self.prune.toggled.connect(self._prune_changed)
        form = QFormLayout()
        scope = QLabel(what[:1].upper() + what[1:])  # (an app review: said in the title bar alone)
        scope.setWordWrap(True)
        form.addRow("Photos", scope)
        form.addRow("Sort", by_row)
        form.addRow("Folders", self.template)
        form.addRow("Into", dest_row)
        form.addRow("", self.copy)
        form.addRow("", self.file_date)
        form.addRow("", self.gather)
        form.addRow("", self.prune)
        self.show_plan = QPushButton("Show the plan")
        self.show_plan.setDefault(True)
        self.show_plan.clicked.connect(self._ask_plan)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Folder", "Photos"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)  # the count column as wide as its figures
        # A tick of a year changes each of its months too: one summary after them all.
        self._summary_later = QTimer(self)
        self._summary_later.setSingleShot(True)
        self._summary_later.setInterval(0)
        self._summary_later.timeout.connect(self._update_summary)
        self.tree.itemChanged.connect(self._ticked)
        self.summary = QLabel("Nothing moves until you confirm the plan.")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.go = self.buttons.addButton("Organize", QDialogButtonBox.ButtonRole.AcceptRole)
        self.go.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.show_plan, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        fit_dialog(self, 760, 640)
        self._filling = False

    # -- the request ----------------------------------------------------------------------------
    def request(self) -> OrganizeRequest:
        """What the person chose (raises PhotoorgError for a template that cannot be used)."""
        template = self.template.currentText().strip() or DEFAULT_TEMPLATE
        if self.by_date.isChecked():
            check_template(template)
        return OrganizeRequest(
            by="date" if self.by_date.isChecked() else "group",
            destination=os.path.abspath(os.path.expanduser(self.destination.text().strip())),
            template=template,
            copy=self.copy.isChecked(),
            file_date=self.file_date.isChecked(),
            prune_empty=self.prune.isChecked(),
            leave_rest=not self.gather.isChecked(),
        )

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Organize into…", self.destination.text())
        if folder:
            self.destination.setText(folder)

    def _changed(self, *_args: Any) -> None:
        """A choice changed: the plan shown is not the plan any more."""
        self.template.setEnabled(self.by_date.isChecked())
        self.file_date.setEnabled(self.by_date.isChecked())
        self.prune.setEnabled(not self.copy.isChecked())
        # A copy takes every photo, the rest gathered: the box shows it ticked (an app review:
        # unticked and greyed, and 149 photos planned into undated/); the person's tick returns.
        copying = self.copy.isChecked()
        if copying != (not self.gather.isEnabled()):
            self.gather.blockSignals(True)
            if copying:
                self._gather_chosen = self.gather.isChecked()
            self.gather.setChecked(True if copying else self._gather_chosen)
            self.gather.blockSignals(False)
        self.gather.setEnabled(not copying)
        if self.plan is not None:
            self.plan = None
            self.tree.clear()
            self.go.setEnabled(False)
            self.summary.setText("The choices changed: show the plan again.")

    def _prune_changed(self, prune: bool) -> None:
        if self.plan is not None:
            self.plan = replace(self.plan, request=replace(self.plan.request, prune_empty=prune))
            self._update_summary()

    def _ask_plan(self) -> None:
        if not self.destination.text().strip():
            self.summary.setText("Choose the folder to organize into.")
            return
        try:
            request = self.request()
        except PhotoorgError as exc:
            self.summary.setText(str(exc))
            return
        self.summary.setText("Making the plan…")
        self.show_plan.setEnabled(False)
        self.plan_requested.emit(request)

    # -- the plan -------------------------------------------------------------------------------
    def set_plan(self, plan: OrganizePlan) -> None:
        """Show a plan: target folders as a tree with counts, every folder ticked."""
        self.show_plan.setEnabled(True)
        self.plan = plan
        self._filling = True
        self.tree.clear()
        items: dict[str, QTreeWidgetItem] = {}
        within: dict[str, int] = {}  # a folder above others: their photos
        for folder, count in plan.folders().items():
            parts = folder.split("/") if folder else ["."]
            parent: QTreeWidgetItem | None = None
            for depth in range(len(parts)):
                key = "/".join(parts[: depth + 1])
                item = items.get(key)
                if item is None:
                    label = plan.labels.get(key)  # the group's name on the Groups page
                    item = QTreeWidgetItem([f"{parts[depth]} (“{label}”)" if label else parts[depth], ""])
                    item.setFlags(
                        item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsAutoTristate
                    )
                    item.setCheckState(0, Qt.CheckState.Checked)
                    if parent is None:
                        self.tree.addTopLevelItem(item)
                    else:
                        parent.addChild(item)
                    items[key] = item
                parent = item
            assert parent is not None
            parent.setData(0, _FOLDER, folder)
            parent.setText(1, str(count))
            for depth in range(len(parts) - 1):  # a year counts the photos of its months
                above = "/".join(parts[: depth + 1])
                within[above] = within.get(above, 0) + count
        for key, total in within.items():  # (an app review: year rows had no count)
            if items[key].data(0, _FOLDER) is None:
                items[key].setText(1, str(total))
        self.tree.expandToDepth(0)
        self._filling = False
        self._update_summary()

    def failed(self, message: str) -> None:
        self.show_plan.setEnabled(True)
        self.summary.setText(message)

    def ticked_folders(self) -> list[str]:
        """The plan's folders the person left ticked (their photos move)."""
        out = []

        def walk(item: QTreeWidgetItem) -> None:
            folder = item.data(0, _FOLDER)
            if folder is not None and item.checkState(0) == Qt.CheckState.Checked:
                out.append(folder)
            for k in range(item.childCount()):
                walk(item.child(k))

        for k in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(k))
        return out

    def _ticked(self, *_args: Any) -> None:
        if not self._filling:
            self._summary_later.start()

    def _update_summary(self) -> None:
        plan = self.plan
        if plan is None:
            return
        chosen = set(self.ticked_folders())
        lines, tip, moving, leaving = summary_lines(plan, chosen)
        self.summary.setToolTip(tip)
        verb = "copy" if plan.request.copy else "move"
        lines.append("Edit > Undo puts every file back.")
        self.summary.setText("<br>".join(lines))
        self.go.setEnabled(bool(moving))
        # Every photo out of the library: the button says so too (a review: only the body did).
        away = " out of the library" if leaving and leaving == moving and not plan.request.copy else ""
        self.go.setText(f"{verb.capitalize()} {plural(moving, 'photo')}{away}")
