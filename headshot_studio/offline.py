"""Offline by construction: switch every library off the network, and keep its files ours.

The app never downloads anything (models are bundled or imported from local files),
so any attempt to reach a server is a bug, and so is a file written outside the app's
own folders. Two steps:

* ``enable_offline_mode`` (run when the package is imported, before any of our modules
  can import a library): environment switches that need no path. huggingface_hub
  (which transformers and diffusers fetch through) fails every hub call fast instead of
  trying; its telemetry and update checks are off; ONNX Runtime's native telemetry
  (Microsoft's 1DS uploader, started by ``import onnxruntime``, which diffusers does: it
  writes a device id and an event database under ``~/.cache/Microsoft``, a session id to
  the temp folder, and from a background thread looks up Microsoft's telemetry host,
  about 9 s after start and again later) is never started; Qt keeps no shader cache.
* ``contain_library_files`` (called first thing in ``cli.main``, once the app's folders
  are known: ``HEADSHOT_STUDIO_HOME`` may be set after import): every cache a library or
  GPU driver keeps in the user's shared folders (``~/.cache/huggingface``,
  ``~/.cache/torch``, ``~/.nv/ComputeCache``, ``~/.cache/mesa_shader_cache``...) goes to
  ``paths.library_cache_dir()`` instead. ``contain_qt_settings`` does the same for Qt's
  own settings file (the window's ``run_app`` calls it).

Loading code also passes ``local_files_only=True`` so a library imported before these
switches were set still stays offline. ``tests/test_offline_strace.py`` checks all of
this from outside, at the system-call level, on whole CLI and window sessions.
"""

from __future__ import annotations

import os

OFFLINE_SWITCHES = {
    # Hugging Face (huggingface_hub, transformers, diffusers): no hub calls, no
    # telemetry, no update check, no token sent implicitly.
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "HF_HUB_DISABLE_UPDATE_CHECK": "1",
    # The cross-library opt-outs (huggingface_hub reads both; so do other tools).
    "DO_NOT_TRACK": "1",
    "DISABLE_TELEMETRY": "1",
    # ONNX Runtime's 1DS telemetry (its Privacy.md): read when ONNX Runtime initialises,
    # so it must be set before anything imports onnxruntime (diffusers does, with the
    # pipeline; the insightface backend does). Prevents the uploader, the events and the
    # persistent device id.
    "ORT_DISABLE_TELEMETRY": "1",
    # Qt's OpenGL shader binary cache would go to the user's cache folder under Qt's name
    # for the app (qtshadercache-*), outside ours, with no variable to move it; the
    # window draws without OpenGL, so nothing is lost.
    "QT_DISABLE_SHADER_DISK_CACHE": "1",
}

# Where each library's cache goes, under paths.library_cache_dir(); the comment says
# where it would be written otherwise (Linux; Windows and macOS have equivalents).
LIBRARY_CACHES = {
    # huggingface_hub, transformers, diffusers, accelerate: ~/.cache/huggingface
    # (hub downloads, the token file, xet chunks, remote-code modules, accelerate's config)
    "HF_HOME": "huggingface",
    "HF_HUB_CACHE": "huggingface/hub",
    "HF_ASSETS_CACHE": "huggingface/assets",
    "HF_XET_CACHE": "huggingface/xet",
    "HF_MODULES_CACHE": "huggingface/modules",
    "HF_TOKEN_PATH": "huggingface/token",  # a file: the user's own hub token is never read
    # torch: hub and checkpoints (~/.cache/torch), C++ extensions (~/.cache/torch_extensions),
    # CUDA kernels compiled at run time (~/.cache/torch/kernels), torch.compile's caches
    # (/tmp/torchinductor_<user>, ~/.triton, and its vendored autotuner's ~/.quack)
    "TORCH_HOME": "torch",
    "TORCH_EXTENSIONS_DIR": "torch/extensions",
    "PYTORCH_KERNEL_CACHE_PATH": "torch/kernels",
    "TORCHINDUCTOR_CACHE_DIR": "torch/inductor",
    "TRITON_HOME": "triton",
    "TRITON_CACHE_DIR": "triton/cache",
    "QUACK_CACHE_DIR": "torch/quack",
    # NVIDIA driver: the CUDA JIT cache (~/.nv/ComputeCache) and the OpenGL/Vulkan shader
    # cache (~/.cache/nvidia/GLCache) that Real-ESRGAN's ncnn Vulkan kernels and Qt use.
    "CUDA_CACHE_PATH": "nvidia/compute",
    "__GL_SHADER_DISK_CACHE_PATH": "nvidia/shaders",
    # Mesa (AMD and Intel GPUs, software rendering), OpenGL and Vulkan: ~/.cache/mesa_shader_cache
    "MESA_SHADER_CACHE_DIR": "mesa",
    # matplotlib, should a library ever import it: ~/.config/matplotlib, ~/.cache/matplotlib
    "MPLCONFIGDIR": "matplotlib",
}

# Native code that makes at most the last folder of the path it is given (torch's kernel
# cache warns and caches nothing if the parent is missing; the GPU drivers may not make
# missing parents either): these are made at start-up.
MADE_AT_START = ("PYTORCH_KERNEL_CACHE_PATH", "CUDA_CACHE_PATH", "__GL_SHADER_DISK_CACHE_PATH", "MESA_SHADER_CACHE_DIR")

# Older names that would win over the ones above if the user's environment set them.
LEGACY_CACHE_VARIABLES = (
    "HUGGINGFACE_HUB_CACHE",
    "HUGGINGFACE_ASSETS_CACHE",
    "TRANSFORMERS_CACHE",
    "PYTORCH_TRANSFORMERS_CACHE",
    "PYTORCH_PRETRAINED_BERT_CACHE",
    "DIFFUSERS_CACHE",
    "TORCH_HUB",
    "TORCH_MODEL_ZOO",
)


def enable_offline_mode() -> None:
    """Set the offline switches (overriding any value the environment had)."""
    os.environ.update(OFFLINE_SWITCHES)


def library_cache_variables() -> dict[str, str]:
    """The cache variables ``contain_library_files`` sets, for the app's folders now."""
    from headshot_studio import paths

    root = paths.library_cache_dir()
    return {name: str(root / sub) for name, sub in LIBRARY_CACHES.items()}


def contain_library_files() -> dict[str, str]:
    """Point every library's and GPU driver's cache at the app's cache folder.

    Call it first thing in ``main()``, before any library is imported (several read
    these variables once, on import). It overrides what the environment had and returns
    what it set; child processes (the helpers in ``core/native.py``) inherit it. Only the
    folders in ``MADE_AT_START`` are created now (private to the user); the libraries
    make the others when they first write. A folder that cannot be made (a read-only
    home) is left to the library, which then caches nothing: never a reason not to start.
    """
    enable_offline_mode()  # again, in case something removed a switch since import
    for name in LEGACY_CACHE_VARIABLES:
        os.environ.pop(name, None)
    variables = library_cache_variables()
    os.environ.update(variables)
    for name in MADE_AT_START:
        try:
            os.makedirs(variables[name], mode=0o700, exist_ok=True)
        except OSError:
            pass
    return variables


def contain_qt_settings() -> None:
    """Keep Qt's own settings file inside the app's folders.

    Qt's file dialogs save the folders they showed (the user's photo folders among them)
    and their layout in a shared ``QtProject`` settings file, ``~/.config/QtProject.conf``
    on Linux. This moves every user-scope settings file Qt writes in file form to
    ``paths.qt_settings_dir()``. Call it in the window's start-up, before a dialog opens.
    Windows keeps that file in the registry and macOS in a property list, which this
    cannot move.
    """
    from PySide6.QtCore import QSettings

    from headshot_studio import paths

    folder = str(paths.qt_settings_dir())
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, folder)
