"""Copy the Lucide icons the window uses into resources/icons/lucide (committed).

Lucide (https://lucide.dev, ISC licence, with some icons MIT from Feather) is a
maintained icon set drawn on a 24-px grid with `stroke="currentColor"`, so one SVG
serves both palettes (ui/theme.py paints it in the palette's colour) and stays sharp at
any scaling. The app never downloads anything; a maintainer refreshes the copies:

    npm pack lucide-static@1.62.0 && tar -xzf lucide-static-1.62.0.tgz
    python tools/vendor_icons.py package

Add a name to ui/theme.ICON_FILES, run the two lines, commit the new SVG.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET = Path(__file__).resolve().parent.parent / "resources" / "icons" / "lucide"

from headshot_studio.ui.theme import ICON_FILES  # noqa: E402 (the table lives with the app)


def main(package: Path) -> None:
    version = json.loads((package / "package.json").read_text())["version"]
    TARGET.mkdir(parents=True, exist_ok=True)
    for old in TARGET.glob("*.svg"):
        old.unlink()
    for lucide_name in sorted(set(ICON_FILES.values())):
        shutil.copyfile(package / "icons" / f"{lucide_name}.svg", TARGET / f"{lucide_name}.svg")
    shutil.copyfile(package / "LICENSE", TARGET / "LICENSE")
    (TARGET / "VERSION").write_text(f"lucide-static {version}\n")
    print(f"copied {len(set(ICON_FILES.values()))} icons from lucide-static {version} to {TARGET}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "package"))
