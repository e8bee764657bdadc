"""Headshot Studio: professional headshots from selfies, entirely on this computer."""

from headshot_studio.offline import enable_offline_mode

__version__ = "0.1.0"

# The one deliberate import-time action in the package: every model library
# (huggingface_hub, transformers, diffusers) reads its offline switches when it is
# first imported, so they must be set before any of our modules can import one.
# This only sets environment variables; it starts nothing and reads no files.
enable_offline_mode()
