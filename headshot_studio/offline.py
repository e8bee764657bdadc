"""Offline by construction: switch every model library off the network.

The app never downloads anything (models are bundled or imported from local files),
so any attempt to reach a hub is a bug. These variables (read by huggingface_hub,
which transformers and diffusers fetch through) make every hub call fail fast instead
of trying, and turn off telemetry and update checks.
Loading code also passes ``local_files_only=True`` so a library imported before these
switches were set still stays offline.
"""

from __future__ import annotations

import os

OFFLINE_SWITCHES = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "HF_HUB_DISABLE_UPDATE_CHECK": "1",
    "DO_NOT_TRACK": "1",
    "DISABLE_TELEMETRY": "1",
}


def enable_offline_mode() -> None:
    """Set the offline switches (overriding any value the environment had)."""
    os.environ.update(OFFLINE_SWITCHES)
