"""Session, privacy and settings pages with pytest-qt."""

from __future__ import annotations

from PySide6.QtCore import Qt

from headshot_studio.core.session import list_sessions, open_session
from headshot_studio.settings import Settings, load_settings
from headshot_studio.ui.pages.privacy import PrivacyPage
from headshot_studio.ui.pages.sessions import SessionsPage
from headshot_studio.ui.dialogs.settings import SettingsDialog


def test_sessions_page_starts_lists_opens_and_deletes(controller, qtbot, photos_dir, monkeypatch):
    page = SessionsPage(controller)
    qtbot.addWidget(page)
    assert page.empty_label.text().startswith("No sessions yet.")
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)  # no name yet: nothing happens
    assert list_sessions() == [] and "Type a name first" in page.name_field.placeholderText()
    qtbot.keyClicks(page.name_field, "Client One")
    with qtbot.waitSignal(page.next_requested):
        qtbot.keyClick(page.name_field, Qt.Key.Key_Return)
    assert controller.session.name == "Client One" and page.list.count() == 1
    controller.add_photos([photos_dir])
    qtbot.waitUntil(lambda: not controller.analysing, timeout=60_000)
    page.refresh()
    assert "5 photos" in page.list.item(0).text()

    page.list.setCurrentRow(0)
    monkeypatch.setattr(page, "_confirm", lambda text: False)
    page._delete()
    assert len(list_sessions()) == 1  # said no: nothing deleted
    monkeypatch.setattr(page, "_confirm", lambda text: "Client One" in text)
    page._delete()
    assert list_sessions() == [] and controller.session is None
    assert "Removed 1 session" in page.current_label.text()


def test_privacy_page_option_and_wipe_all(controller, qtbot, monkeypatch):
    controller.new_session("Private")
    page = PrivacyPage(controller)
    qtbot.addWidget(page)
    assert str(controller.session.path) in page.stored.text()
    page.delete_after.setChecked(True)
    assert open_session(controller.session.id).manifest["delete_photos_after_training"] is True
    monkeypatch.setattr(page, "_confirm", lambda text: True)
    page._wipe_all()
    assert list_sessions() == [] and "Removed 1 session" in page.report_label.text()
    assert not page.wipe_session_button.isEnabled()


def test_settings_dialog_saves_the_typed_settings(qtbot, tmp_path):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.preset.setCurrentIndex(dialog.preset.findData("best"))
    dialog.count.setValue(7)
    dialog.models_folder.setText(str(tmp_path))
    assert dialog.retouch.currentData() == "natural" and dialog.colour_strength.value() == 100
    dialog.retouch.setCurrentIndex(dialog.retouch.findData("polished"))
    dialog.colour_strength.setValue(60)
    dialog.accept()
    saved = load_settings()
    assert (saved.preset, saved.images_per_style, saved.models_folder) == ("best", 7, str(tmp_path))
    assert (saved.retouch, saved.colour_strength) == ("polished", 60)


def test_welcome_page_lists_a_damaged_model_with_its_reason(controller, qtbot):
    from headshot_studio import paths
    from headshot_studio.ui.pages.welcome import WelcomePage

    broken = paths.user_models_dir() / "broken"
    broken.mkdir(parents=True)
    (broken / "model_index.json").write_text("{not json")
    page = WelcomePage(controller)
    qtbot.addWidget(page)
    controller.setup_changed.connect(page.refresh)
    controller.refresh_setup()
    qtbot.waitUntil(lambda: controller.device is not None, timeout=60_000)
    rows = [page.model_list.item(i).text() for i in range(page.model_list.count())]
    assert rows and rows[0].startswith("broken — cannot be used:") and "damaged file model_index.json" in rows[0]
    assert "cannot be used" in page.model_label.text() and "No base model is installed" not in page.model_label.text()
