"""Synthetic stand-ins for photos, for the self-test and for tests of stages that do
not look at faces (training and generation only need images of the right size)."""

from __future__ import annotations

from pathlib import Path


def make_photo(path: Path, index: int, size: tuple[int, int] = (96, 80)) -> Path:
    """Save a colour-gradient image that differs per ``index`` (JPEG/PNG by suffix)."""
    from PIL import Image

    gradient = Image.linear_gradient("L").resize(size)
    channels = [gradient.point(lambda v, k=k: (v * (k + 1) + 60 * index) % 256) for k in range(3)]
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.merge("RGB", channels).save(path)
    return path
