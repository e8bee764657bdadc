"""The About box: version, torch and CUDA, the GPU, every model and software licence.

The same facts as ``headshot-studio --version`` (both come from headshot_studio.about);
"Copy details" puts that text on the clipboard for a support request.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from headshot_studio import about, paths


def _table(headers: list[str], rows: list[list[str]], name: str) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    for c in range(len(headers) - 1):
        header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    table.resizeRowsToContents()
    return table


class AboutDialog(QDialog):
    def __init__(self, extra_model_dirs: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Headshot Studio"))
        self.setObjectName("aboutDialog")
        self.resize(760, 560)
        self.extra_model_dirs = extra_model_dirs
        info = about.build_info(load_torch=False)  # never import torch on the UI thread

        icon = QLabel()
        pixmap = QPixmap(str(paths.resources_dir() / "icons" / "headshot-studio-64.png"))
        icon.setPixmap(pixmap)
        text = (f"<h2>Headshot Studio {info.app_version}</h2>"
                + self.tr("Professional headshots from your selfies, made on this PC.") + "<br>"
                + self.tr("Everything runs on this computer: nothing is uploaded, and the app never goes online."))
        title = QLabel(text)
        title.setObjectName("aboutTitle")
        title.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(title, 1)

        system = QWidget()
        form = QFormLayout(system)
        version = (self.tr("{version} (installed build)") if info.frozen
                   else self.tr("{version} (from source)")).format(version=info.app_version)
        for key, label, value in (  # key: the value's object name, in English whatever the language
            ("Version", self.tr("Version"), version),
            ("PyTorch", "PyTorch", info.torch),
            ("CUDA", "CUDA", info.cuda),
            ("GPU", self.tr("GPU"), info.gpu),
            ("Python", "Python", info.python),
            ("System", self.tr("System"), info.system),
            ("Your data", self.tr("Your data"), str(paths.data_dir())),
        ):
            value_label = QLabel(value)
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value_label.setObjectName(f"about{key.replace(' ', '')}")
            form.addRow(label, value_label)

        models = about.model_components(extra_model_dirs)
        model_rows = [[c.name, c.role, c.licence, c.note] for c in models]
        if not any(c.role.startswith("base model") for c in models):
            model_rows.insert(0, [self.tr("No base model yet"), self.tr("base model"), "",
                                  self.tr("import one on the Welcome page")])
        software = about.software_components()
        tabs = QTabWidget()
        tabs.addTab(system, self.tr("This installation"))
        tabs.addTab(_table([self.tr("Model"), self.tr("Used for"), self.tr("Licence"), self.tr("Note")], model_rows,
                           "modelLicences"), self.tr("Models"))
        tabs.addTab(_table([self.tr("Software"), self.tr("Version"), self.tr("Licence")],
                           [[c.name, c.version, c.licence] for c in software], "softwareLicences"), self.tr("Software"))

        for index in range(1, tabs.count()):  # the tables are named by their tabs
            tabs.widget(index).setAccessibleName(tabs.tabText(index))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton(self.tr("Copy details"))
        copy.setObjectName("copyDetails")
        copy.setToolTip(self.tr("Copy versions and licences, e.g. for a support request"))
        copy.clicked.connect(self.copy_details)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(tabs, 1)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(about.version_report(self.extra_model_dirs, load_torch=False))
