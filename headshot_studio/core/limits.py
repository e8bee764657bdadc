"""Every limit and default the app enforces or offers, each with its reason.

Messages, help texts and checks are formatted from these names; no other file carries
the numbers (tests/test_limits.py greps the package for the old literals). The photo
checks' own thresholds (face size, sharpness, light) stay in ``quality.Thresholds``,
where each is explained next to the measure it applies to.
"""

from __future__ import annotations

# --- photos ---------------------------------------------------------------------------
# Files the app takes as photos: what cameras and phones write (HEIC/HEIF: iPhones).
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".heic", ".heif")
# Fewer usable photos than this and the face cannot be learned from enough angles.
MIN_PHOTOS = 5
# The field's advice (PRODUCT.md): 8-15 varied photos give the best likeness; more add
# little and cost training time.
IDEAL_PHOTOS = (8, 15)
# Several times the ideal (room to add some and remove the weakest), while a folder
# dropped by mistake (a whole camera roll) is refused at once instead of being copied
# and checked photo by photo.
MAX_PHOTOS = 50

# --- learning the face ----------------------------------------------------------------
# About this many steps per photo teach a LoRA the face ...
TRAIN_STEPS_PER_PHOTO = 150
# ... and past this one over-trains: plastic skin, one fixed expression.
MAX_TRAIN_STEPS = 800
# Images the trainer writes into a training set (its own crops): what it reads back.
TRAINING_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")

# --- making images --------------------------------------------------------------------
# Images per style in one run: a run asked for more is a typo, not a wish (hours of GPU).
MAX_PER_STYLE = 100
# Images per style when nobody says: enough to choose from, few enough for a quick first run.
DEFAULT_PER_STYLE = 4
# "More like this": a handful of new seeds of one style, quick enough to wait for.
MORE_LIKE_THIS_COUNT = 4
# Denoising steps and guidance a request may carry at all (quick previews and tests use
# very few steps; past 150 steps nothing changes; past 30 guidance images burn out).
STEPS_RANGE = (1, 150)
GUIDANCE_RANGE = (0.0, 30.0)
# What a style file may ask for: the range where headshots look good with the samplers
# we ship. A style outside it is refused with the range in the message.
STYLE_STEPS_RANGE = (10, 80)
STYLE_GUIDANCE_RANGE = (1.0, 15.0)
# Pixel sizes a style may ask for; multiples of 8 because the VAE downsamples 8x.
STYLE_SIZE_RANGE = (256, 2048)
# A style's defaults where its file says nothing.
DEFAULT_STEPS = 30
DEFAULT_GUIDANCE = 6.5
# DPM++ 2M with Karras sigmas: sharp faces in 25-30 steps, the sampler most portrait
# checkpoints are tuned for.
DEFAULT_SAMPLER = "dpmpp_2m_karras"

# --- finishing ------------------------------------------------------------------------
# Upscale factors the upscaler has models for (1: keep the generated size).
UPSCALE_FACTORS = (1, 2, 4)
DEFAULT_UPSCALE = 2
# How much the finished image is retouched (skin smoothing, face re-drawing, added
# detail): PRODUCT.md leaves the choice to the user ("retouch strength is the user's
# choice"); natural keeps skin texture, which is what people miss in generated portraits.
RETOUCH_LEVELS = ("off", "natural", "polished")
DEFAULT_RETOUCH = "natural"
# How an image is enlarged: auto picks the diffusion pass on a graphics card that has room
# for it, Real-ESRGAN elsewhere; the others force one way (lanczos: a plain resize).
UPSCALE_METHODS = ("auto", "diffusion", "real-esrgan", "lanczos")
# The colour correction's strength as the settings keep it: percent of the way to the
# style's light (all the way by default: a style's colour intent is a decision).
COLOUR_STRENGTH_PERCENT = (0, 100)

# --- export ---------------------------------------------------------------------------
# The web size: the longer side scaled down to this many pixels (job sites, e-mail).
EXPORT_LONG_SIDE_PX = 1024
# Profile pictures (LinkedIn-style): a square of this side.
EXPORT_SQUARE_PX = 400

# --- the computer ---------------------------------------------------------------------
# Free graphics memory (GB) the lightest plan of each model family needs (hardware.py's
# last tier: SD1.5 with every memory saver; SDXL's training cannot be offloaded, ~8.9 GB).
MIN_VRAM_GB = {"sd15": 4.0, "sdxl": 9.0}
# Memory a full-size run on the processor needs (fp32 weights, 512/1024 px training), GB.
# Measured on a 24 GB machine (2026-12-02, tests/test_cli_faults.py): SD1.5 peaked at
# 7.2 GiB; SDXL was ended by the kernel at 24.2 GiB in its first training step, so its
# figure is a floor with a margin, not a measured peak.
CPU_RAM_GB = {"sd15": 8.0, "sdxl": 28.0}


def ideal_photos_text() -> str:
    """'8–15', for sentences that advise how many photos to take."""
    return f"{IDEAL_PHOTOS[0]}–{IDEAL_PHOTOS[1]}"


def default_train_steps(n_photos: int) -> int:
    """Training steps for ``n_photos`` usable photos: per photo, capped where over-training starts."""
    return max(1, min(MAX_TRAIN_STEPS, TRAIN_STEPS_PER_PHOTO * n_photos))
