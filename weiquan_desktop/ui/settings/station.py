"""站点设置 → 站点信息: the station profile form, also shown by the first-run dialog."""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from weiquan_desktop import domain
from weiquan_desktop.errors import ValidationError
from weiquan_desktop.services import station
from weiquan_desktop.services.actor import Actor
from weiquan_desktop.services.station import PROFILE_FIELDS, StationProfile
from weiquan_desktop.ui.forms import child, load_form

ERROR_STYLE = "border: 1px solid #b3261e;"


class StationForm(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("station_form.ui", self)
        self.site_type_box = child(self, QComboBox, "site_type")
        self.site_type_box.addItems(["", *domain.SITE_TYPES])
        self.error_label = child(self, QLabel, "error")
        self.edits = {
            f.name: child(self, QLineEdit, f.name) for f in fields(StationProfile) if f.name != "site_type"
        }
        for edit in self.edits.values():
            edit.textEdited.connect(self._clear_error)

    def profile(self) -> StationProfile:
        values = {name: edit.text() for name, edit in self.edits.items()}
        return StationProfile(site_type=self.site_type_box.currentText(), **values)

    def set_profile(self, profile: StationProfile) -> None:
        for name, edit in self.edits.items():
            edit.setText(getattr(profile, name))
        self.site_type_box.setCurrentText(profile.site_type)

    def show_error(self, error: ValidationError) -> None:
        self._clear_error()
        self.error_label.setText(error.message)
        for name, (label, _required) in PROFILE_FIELDS.items():
            if label == error.field and name in self.edits:
                self.edits[name].setStyleSheet(ERROR_STYLE)
                self.edits[name].setFocus()

    def _clear_error(self) -> None:
        self.error_label.clear()
        for edit in self.edits.values():
            edit.setStyleSheet("")

    def save(self, actor: Actor | None = None) -> bool:
        """Validate and save; on bad input show which field and why, and save nothing."""
        try:
            station.save_profile(self.profile(), actor=actor)
        except ValidationError as exc:
            self.show_error(exc)
            return False
        self._clear_error()
        return True


class FirstRunDialog(QDialog):
    """Asked on a new data folder: the station profile. Refuses empty required fields."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("first_run.ui", self)
        self.form = StationForm(self)
        child(self, QWidget, "formHost").layout().addWidget(self.form)
        buttons = child(self, QDialogButtonBox, "buttons")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存并开始使用")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def showEvent(self, event: object) -> None:  # noqa: N802
        super().showEvent(event)
        self.form.edits["name"].setFocus()  # the form is read top to bottom

    def accept(self) -> None:
        """Station profile and the head's account are saved together, or neither."""
        edits = {
            name: child(self, QLineEdit, name) for name in ("full_name", "username", "password", "password2")
        }
        try:
            self.user = station.first_setup(
                self.form.profile(),
                *(edits[n].text() for n in ("full_name", "username", "password", "password2")),
            )
        except ValidationError as exc:
            self.form.show_error(exc)
            return
        super().accept()
