"""Time per finished image for each finishing and ranking option, on this computer's
processor, with a real face photo (insightface's t1.jpg, one person cropped and
enlarged to the size a generated image has).

Not a test: it prints figures. Run: python benchmarks/finishing_speed.py [--size 1024] [--full-size-tile]

Figures:
* colour toward a style's light, skin smoothing (polished), backdrop replacement
  (segmentation + compositing), the face mesh, BRISQUE (face and whole image);
* enlarging x2 and x4: Lanczos, Real-ESRGAN x4plus (+ the blend with a plain
  enlargement), in its helper process on the processor;
* the diffusion enlargement: tiles per image at the model's native size, and the time
  of one tile on the tiny test model (its time says nothing about a real model); with
  --full-size-tile also one 512-px tile of an SD1.5-sized network with random weights
  (on the graphics card when there is one, in fp16; else on the processor in fp32);
* a whole image ranked (detect, embed, mesh, BRISQUE, sharpness, exposure).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(label: str, work, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    best = min(times)
    print(f"  {label:<58} {best:8.3f} s   (median {statistics.median(times):.3f} s of {rounds})")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1024, help="side of the image finished (default 1024)")
    parser.add_argument("--full-size-tile", action="store_true", help="also time one 512-px tile of an SD1.5-sized net")
    args = parser.parse_args()

    import numpy as np
    from PIL import Image

    from headshot_studio.core.backdrop import Backdrop, render_backdrop, replace_backdrop
    from headshot_studio.core.brisque import Brisque
    from headshot_studio.core.colour import colour_toward
    from headshot_studio.core.faces.dlib_backend import DlibAnalyzer
    from headshot_studio.core.faces.mesh import FaceMesh
    from headshot_studio.core.postprocess import RETOUCH, Upscaler, blend_detail, smooth_skin, tiled_detail
    from headshot_studio.core.ranking import PersonLikeness, rank_images
    from headshot_studio.core.segmentation import PersonSegmenter
    from headshot_studio.testing import face_photos as fp

    size = args.size
    image = fp.person_photo("ross", size=size, zoom=1.0)
    data = np.asarray(image)
    analyzer = DlibAnalyzer()
    faces = analyzer.detect(data)
    print(f"Finishing one {size} x {size} image on this processor (best of 3):")
    timed("colour toward a warm style (estimate + adapt)", lambda: colour_toward(image, 4300, 1.0, faces))
    timed("skin smoothing (retouch: polished)", lambda: smooth_skin(image, faces[0], RETOUCH["polished"].smoothing))
    segmenter = PersonSegmenter()
    backdrop = Backdrop(kind="colour", colour=(31, 95, 191))
    timed("backdrop: segmentation + hair edge + compositing",
          lambda: replace_backdrop(image, segmenter.alpha(data), render_backdrop(backdrop, image.size)))
    mesh = FaceMesh()
    mesh.load()
    timed("face mesh (eyes, gaze, pose)", lambda: mesh.read(data, faces[0]))
    brisque = Brisque()
    brisque.load()
    timed("BRISQUE (whole image)", lambda: brisque.score(data))

    print("Enlarging:")
    for factor in (2, 4):
        timed(f"x{factor} Lanczos", lambda: image.resize((size * factor, size * factor), Image.Resampling.LANCZOS))
    with Upscaler(use_gpu=False, workers=1) as upscaler:
        upscaler.upscale(image.resize((32, 32)), 2)  # helper started, model loaded
        for factor in (2, 4):
            timed(f"x{factor} Real-ESRGAN x4plus + blend ({upscaler.method})",
                  lambda: blend_detail(image, upscaler.upscale(image, factor), RETOUCH["natural"].detail), rounds=1)

    from headshot_studio.core import models
    from headshot_studio.core.generation import GenerationRequest, Generator
    from headshot_studio.core.hardware import DeviceInfo, plan_run
    from headshot_studio.testing.tiny_model import build_tiny_sd15

    with tempfile.TemporaryDirectory() as folder:
        info = models.model_info(build_tiny_sd15(Path(folder) / "tiny"), "path")
        plan = plan_run(info, DeviceInfo(kind="cpu", name="benchmark"))
        generator = Generator(info, plan)
        request = GenerationRequest("a photo of ohwx person", seed=1, steps=30)
        small = image.resize((plan.resolution * 2, plan.resolution * 2))
        calls = []

        def render(square, index):
            calls.append(index)
            return generator.refine(square, request, 0.3)

        seconds = timed("diffusion x2 on the tiny model (its own tiles)", lambda: tiled_detail(small, 2, render,
                                                                                               plan.resolution), 1)
        print(f"    {len(calls)} tiles of {plan.resolution} px: {seconds / len(calls):.3f} s per tile (tiny model)")
    for native in (512, 1024):
        for factor in (2, 4):
            side = native * factor
            count = math.ceil((side - native // 4) / (native - native // 4)) ** 2
            print(f"    a {native}-px image x{factor}: {count} tiles of {native} px")
    if args.full_size_tile:
        full_size_tile()

    print("Ranking one image:")
    person = PersonLikeness.calibrate([analyzer.embed(data, faces[0]).embedding] * 2, analyzer.same_person_threshold)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "image.png"
        image.save(path)
        timed("rank (detect, embed, sharpness, exposure)", lambda: rank_images([path], analyzer, person))
        timed("rank + face mesh + BRISQUE", lambda: rank_images([path], analyzer, person, mesh=mesh, brisque=brisque))


def full_size_tile() -> None:
    """One img2img tile of 512 px at the natural level's strength, 30 steps, by an
    SD1.5-sized UNet and VAE with random weights (the configs the app ships)."""
    import torch
    from diffusers import AutoencoderKL, StableDiffusionImg2ImgPipeline, UNet2DConditionModel

    from headshot_studio.core.postprocess import RETOUCH, tile_strength
    from headshot_studio.paths import model_configs_dir

    configs = model_configs_dir() / "sd15"
    unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(configs / "unet"))
    vae = AutoencoderKL.from_config(AutoencoderKL.load_config(configs / "vae"))
    from diffusers import DPMSolverMultistepScheduler

    scheduler = DPMSolverMultistepScheduler.from_config(DPMSolverMultistepScheduler.load_config(configs / "scheduler"))
    pipe = StableDiffusionImg2ImgPipeline(vae=vae, unet=unet, scheduler=scheduler, text_encoder=None, tokenizer=None,
                                          safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    pipe.set_progress_bar_config(disable=True)
    device, dtype = ("cuda", torch.float16) if torch.cuda.is_available() else ("cpu", torch.float32)
    pipe.to(device, dtype)
    embeddings = torch.zeros(1, 77, 768, device=device, dtype=dtype)
    from PIL import Image

    tile = Image.new("RGB", (512, 512), (128, 120, 110))
    strength = tile_strength(RETOUCH["natural"].detail)

    def one():
        with torch.inference_mode():
            pipe(prompt_embeds=embeddings, negative_prompt_embeds=embeddings, image=tile, strength=strength,
                 num_inference_steps=30, guidance_scale=6.5)

    timed(f"one 512-px tile, SD1.5-sized net, strength {strength:.2f}, 30 steps ({device}, {dtype})", one,
          rounds=1 if device == "cpu" else 3)


if __name__ == "__main__":
    main()
