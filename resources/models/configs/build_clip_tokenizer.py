"""Build the Hugging Face CLIP tokenizer files (vocab.json, merges.txt) offline.

A maintainer's tool: it regenerates the tokenizer files shipped in sd15/ and sdxl/
from OpenAI's merges file, with the construction in
``headshot_studio/testing/clip_tokenizer.py`` (explained there).

Source of the input file
------------------------
``clip_bpe/bpe_simple_vocab_16e6.txt.gz`` (next to this script) is the BPE
merges file from OpenAI CLIP (https://github.com/openai/CLIP, file
``clip/bpe_simple_vocab_16e6.txt.gz``).  The copy here was taken from the
``open_clip_torch`` wheel on PyPI (``open_clip/bpe_simple_vocab_16e6.txt.gz``),
which ships the identical file.  SHA-256:
924691ac288e54409236115652ad4aa250f48203de50a9e4722a6ecd48d6804a.
It is distributed under the MIT licence, Copyright (c) 2021 OpenAI; see
``clip_bpe/LICENSE-CLIP.txt``.

Usage
-----
    python build_clip_tokenizer.py OUT_DIR [OUT_DIR ...] [--bpe PATH]

writes ``vocab.json`` and ``merges.txt`` into each OUT_DIR (created if
missing).  The other tokenizer files (tokenizer_config.json,
special_tokens_map.json) are hand-written config and are not touched.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from headshot_studio.testing.clip_tokenizer import CLIP_VOCAB_SIZE, read_clip_merges, write_vocab_files

DEFAULT_BPE_PATH = Path(__file__).resolve().parent / "clip_bpe" / "bpe_simple_vocab_16e6.txt.gz"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dirs", nargs="+", type=Path, help="tokenizer folder(s) to fill")
    parser.add_argument(
        "--bpe", type=Path, default=DEFAULT_BPE_PATH, help="path to bpe_simple_vocab_16e6.txt.gz (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    merges = read_clip_merges(args.bpe)
    for out_dir in args.out_dirs:
        size = write_vocab_files(out_dir, merges)
        if size != CLIP_VOCAB_SIZE:
            raise SystemExit(f"expected {CLIP_VOCAB_SIZE} tokens, built {size}")
        print(f"wrote {out_dir / 'vocab.json'} and {out_dir / 'merges.txt'}")


if __name__ == "__main__":
    main()
