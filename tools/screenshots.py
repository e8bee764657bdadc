"""Screenshots of every page and dialog of the app, for a person to look at.

    xvfb-run -a -s "-screen 0 3840x2160x24" python tools/screenshots.py OUT_DIR

renders every variant, each in its own process (scaling and language are fixed when Qt
starts), into ``OUT_DIR/<variant>/<page>.png``:

- ``light-1280x800`` and ``dark-1280x800``: the window at 1280x800, scaling 100 %;
- ``light-1920x1080@2x`` and ``dark-1920x1080@2x``: 1920x1080 at 200 % scaling (a 4K
  screen; the pictures are 3840x2160), to see that text and icons are sharp;
- ``de-light-1280x800``: the German catalogue;
- ``light-1024x700``: the smallest window the app allows, pages only.

One variant: ``python tools/screenshots.py OUT_DIR --variant dark-1280x800``.
Each builds a demo in a temporary app home (the tiny built-in model, a session with
real sample faces from the insightface package plus a blurry and an unreadable one,
a quick run so the gallery has images) and opens the main window on each page in
turn. Nothing outside the temporary folder is touched.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# name -> (appearance, logical width, height, scale, language, pages only)
VARIANTS = {
    "light-1280x800": ("light", 1280, 800, 1, "en", False),
    "dark-1280x800": ("dark", 1280, 800, 1, "en", False),
    "light-1920x1080@2x": ("light", 1920, 1080, 2, "en", False),
    "dark-1920x1080@2x": ("dark", 1920, 1080, 2, "en", False),
    "de-light-1280x800": ("light", 1280, 800, 1, "de", False),
    "light-1024x700": ("light", 1024, 700, 1, "en", True),
}


def render_all(out_dir: Path) -> int:
    failed = 0
    for name in VARIANTS:
        code = subprocess.call([sys.executable, __file__, str(out_dir), "--variant", name])
        failed += code != 0
        print(f"{name}: {'ok' if code == 0 else f'failed ({code})'}", flush=True)
    return failed


def main(out_dir: Path, variant: str) -> None:
    appearance, width, height, scale, language, pages_only = VARIANTS[variant]
    home = Path(tempfile.mkdtemp(prefix="headshot-screens-"))
    os.environ["HEADSHOT_STUDIO_HOME"] = str(home)
    os.environ["HEADSHOT_STUDIO_LANGUAGE"] = language
    os.environ["QT_SCALE_FACTOR"] = str(scale)
    out_dir = out_dir / variant
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

    app = QApplication.instance() or QApplication(sys.argv)
    from headshot_studio.ui import i18n, theme

    i18n.install_translators(app)
    theme.apply(app, appearance)
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

    window = MainWindow(Settings(preset="fast", images_per_style=2, appearance=appearance))
    window.resize(width, height)
    window.show()
    controller = window.controller
    wait(lambda: controller.device is not None)

    def shoot(page: str, name: str = "") -> None:
        window.show_page(page)
        loop = QEventLoop()
        QTimer.singleShot(500, loop.quit)  # let thumbnails arrive and layouts settle
        loop.exec()
        name = name or page
        window.grab().save(str(out_dir / f"{name}.png"))
        print(f"saved {out_dir / (name + '.png')}")

    def shoot_dialog(dialog, name: str) -> None:
        if pages_only:
            return
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

    if not pages_only:
        about = AboutDialog([], window)
        about.show()
        for tab in range(about.findChild(QTabWidget).count()):
            about.findChild(QTabWidget).setCurrentIndex(tab)
            QApplication.processEvents()
            about.grab().save(str(out_dir / f"about-{tab}.png"))
        print(f"saved {out_dir}/about-*.png")
        about.close()
    controller.new_session("Alex Morgan")
    shoot("photos", "photos-empty")
    shoot("gallery", "gallery-empty")
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
    shoot("create", "create-ready")
    controller.start_run()
    from headshot_studio.core.events import Stage

    stages = []
    controller.run_event.connect(lambda event: stages.append(event.stage))
    wait(lambda: Stage.GENERATE in stages or controller.run_worker.state not in (JobState.RUNNING, JobState.CANCELLING))
    shoot("create", "create-running")
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
    shoot_studio(window, photos, home, shoot, shoot_dialog, wait)
    window.close()


def shoot_studio(window, photos: Path, home: Path, shoot, shoot_dialog, wait) -> None:
    """The Studio page: empty, with clients (one whose photos show no face), the add
    dialog, and the queue running on this PC's worker."""
    from PIL import Image

    from headshot_studio.ui.dialogs.add_client import AddClientDialog
    from headshot_studio.ui.workers import JobState

    studio = window.studio
    page = window.pages["studio"]
    shoot("studio", "studio-empty")
    walls = home / "card-reader" / "DCIM"
    walls.mkdir(parents=True)
    for i in range(3):
        Image.new("RGB", (800, 800), (90 + 30 * i, 110, 130)).save(walls / f"IMG_{i:04d}.jpg")
    for name, folder, styles in (("Jordan Lee", photos, {"corporate-executive": 4, "legal": 2}),
                                 ("Sam Rivera", walls, {"corporate-executive": 4}),
                                 ("Priya Natarajan", photos, {"tech-casual": 3})):
        studio.add_client(name, [folder], styles)
        wait(lambda: not studio.add_worker.state.busy)
    page.table.selectRow(1)
    shoot("studio", "studio-queue")
    shoot_dialog(AddClientDialog(window, studio.styles(), {"corporate-executive": 4}, 4, photos=[photos]),
                 "dialog-add-client")
    studio.quick = {"training": {"steps": 40}, "steps": 4, "postprocess": {"upscale": 1}}
    studio.start()
    wait(lambda: any(c.stage == "training" for c in studio.snapshot().clients)
         or not studio.run_worker.state.busy, timeout_ms=600_000)
    page.table.selectRow(0)
    shoot("studio", "studio-running")
    studio.stop()
    wait(lambda: studio.run_worker.state not in (JobState.RUNNING, JobState.CANCELLING))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, nargs="?", default=Path("screenshots"))
    parser.add_argument("--variant", choices=sorted(VARIANTS), help="render one variant (default: all)")
    args = parser.parse_args()
    if args.variant:
        main(args.out_dir, args.variant)
    else:
        sys.exit(render_all(args.out_dir))
