"""Fixtures for the UI tests."""

from __future__ import annotations

import pytest

from headshot_studio.settings import Settings
from headshot_studio.ui.controller import AppController


@pytest.fixture
def controller():
    """The window's view-model on default settings; its threads are stopped afterwards."""
    c = AppController(Settings())
    yield c
    c.shutdown()
