"""Screenshots of every page of the app at 1280x800, for a person to look at.

    xvfb-run -s "-screen 0 1280x800x24" python tools/screenshots.py OUT_DIR

It builds a demo in a temporary app home (the tiny built-in model, a session with
real sample faces from the insightface package plus a blurry and an unreadable one,
a quick run so the gallery has images), opens the main window on each page in turn
and saves ``OUT_DIR/<page>.png``. Nothing outside the temporary folder is touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def main(out_dir: Path) -> None:
    home = Path(tempfile.mkdtemp(prefix="headshot-screens-"))
    os.environ["HEADSHOT_STUDIO_HOME"] = str(home)
    out_dir.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QTabWidget

    from headshot_studio.core import pipeline
    from headshot_studio.core.models import import_model
    from headshot_studio.settings import Settings
    from headshot_studio.testing import face_photos
    from headshot_studio.testing.tiny_model import build_tiny_sd15
    from headshot_studio.ui.app import MainWindow
    from headshot_studio.ui.workers import JobState

    app = QApplication.instance() or QApplication(sys.argv)  # noqa: F841 (kept alive for the run)
    import_model(build_tiny_sd15(home / "tiny"), name="Demo model (tiny)")
    photos = home / "selfies"
    photos.mkdir()
    for i, image in enumerate(face_photos.variants_of("chandler", 6)):
        image.save(photos / f"selfie-{i + 1}.jpg", quality=92)
    face_photos.blur(face_photos.person_photo("chandler")).save(photos / "blurry.jpg")
    (photos / "notes.jpg").write_text("not a photo")
    # a quick demo run: the tiny model trains in seconds
    pipeline.PRESETS["fast"] = {"max_train_steps": 8, "steps": 4, "upscale": 2}

    def wait(condition, timeout_ms: int = 300_000) -> None:
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(lambda: loop.quit() if condition() else None)
        timer.start(50)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        timer.stop()

    window = MainWindow(Settings(preset="fast", images_per_style=2))
    window.resize(1280, 800)
    window.show()
    controller = window.controller
    wait(lambda: controller.device is not None)

    def shoot(page: str) -> None:
        window.show_page(page)
        loop = QEventLoop()
        QTimer.singleShot(500, loop.quit)  # let thumbnails arrive and layouts settle
        loop.exec()
        window.grab().save(str(out_dir / f"{page}.png"))
        print(f"saved {out_dir / (page + '.png')}")

    def shoot_dialog(dialog, name: str) -> None:
        dialog.show()
        loop = QEventLoop()
        QTimer.singleShot(500, loop.quit)  # let pictures arrive
        loop.exec()
        dialog.grab().save(str(out_dir / f"{name}.png"))
        print(f"saved {out_dir / (name + '.png')}")
        dialog.close()

    shoot("welcome")
    from headshot_studio.ui.dialogs.settings import SettingsDialog

    shoot_dialog(SettingsDialog(window.settings, window), "dialog-settings")
    from headshot_studio.ui.dialogs.about import AboutDialog

    about = AboutDialog([], window)
    about.show()
    for tab in range(about.findChild(QTabWidget).count()):
        about.findChild(QTabWidget).setCurrentIndex(tab)
        QApplication.processEvents()
        about.grab().save(str(out_dir / f"about-{tab}.png"))
    print(f"saved {out_dir}/about-*.png")
    about.close()
    controller.new_session("Alex Morgan")
    controller.add_photos([photos])
    wait(lambda: not controller.analysing)
    shoot("photos")
    photos_page = window.pages["photos"]
    photos_page.grid.setCurrentRow(2)
    photos_page.open_details()
    shoot_dialog(photos_page.details_dialog, "dialog-photo-details")
    controller.set_style_count("corporate-executive", 2)
    controller.set_style_count("tech-casual", 2)
    controller.set_avoid("no glasses")
    shoot("styles")
    from headshot_studio.ui.dialogs.style_editor import StyleEditorDialog

    styles_page = window.pages["styles"]
    shoot_dialog(StyleEditorDialog(controller, styles_page.styles["legal"], mode="duplicate", parent=window),
                 "dialog-style-editor")
    controller.start_run()
    wait(lambda: controller.run_worker.state not in (JobState.RUNNING, JobState.CANCELLING))
    shoot("create")
    shoot("gallery")
    gallery_page = window.pages["gallery"]
    gallery_page.grid.setCurrentRow(0)
    gallery_page.grid.currentItem().setSelected(True)
    gallery_page.open_zoom()
    shoot_dialog(gallery_page.zoom_dialog, "dialog-zoom")
    gallery_page.open_export()
    shoot_dialog(gallery_page.export_dialog, "dialog-export")
    # a session another program damaged (a manifest cut short): listed, to be deleted
    from headshot_studio import paths

    damaged = paths.sessions_dir() / "20261130-100000-0badf00d"
    damaged.mkdir()
    (damaged / "manifest.json").write_text('{"schema_version": 1, "name": "Sam')
    shoot("session")
    shoot("privacy")
    window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots"))
