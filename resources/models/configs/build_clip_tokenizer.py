"""Build the Hugging Face CLIP tokenizer files (vocab.json, merges.txt) offline.

Stable Diffusion 1.5 and SDXL both use the OpenAI CLIP byte-level BPE
tokenizer (SDXL's second tokenizer, from OpenCLIP ViT-bigG, uses the same
vocabulary and merges; only its pad token differs, which is set in its
tokenizer_config.json / special_tokens_map.json, not here).  The
``vocab.json`` / ``merges.txt`` pair that ``transformers.CLIPTokenizer``
reads is fully determined by OpenAI's merges file, so instead of downloading
it from the Hugging Face hub we regenerate it from that file.

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

Construction
------------
This follows ``SimpleTokenizer.__init__`` in OpenAI CLIP's
``clip/simple_tokenizer.py``:

* merges = lines[1 : 49152 - 256 - 2 + 1] of the decompressed file
  (line 0 is a header), i.e. 48894 merges;
* vocab = the 256 ``bytes_to_unicode()`` characters, then the same 256
  characters with ``</w>`` appended, then ``"".join(merge)`` for every merge,
  then ``<|startoftext|>`` and ``<|endoftext|>`` -- 49408 tokens in total;
* ``vocab.json`` maps token -> index in that order, and ``merges.txt`` is
  ``#version: 0.2`` followed by one merge per line (the format written by
  Hugging Face ``tokenizers``).

Usage
-----
    python build_clip_tokenizer.py OUT_DIR [OUT_DIR ...] [--bpe PATH]

writes ``vocab.json`` and ``merges.txt`` into each OUT_DIR (created if
missing).  The other tokenizer files (tokenizer_config.json,
special_tokens_map.json) are hand-written config and are not touched.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

DEFAULT_BPE_PATH = Path(__file__).resolve().parent / "clip_bpe" / "bpe_simple_vocab_16e6.txt.gz"

# Number of merges CLIP uses: 49152 tokens in the BPE model, minus the 256
# byte tokens, minus the 2 special tokens.
NUM_MERGES = 49152 - 256 - 2
EXPECTED_VOCAB_SIZE = 49408
SPECIAL_TOKENS = ("<|startoftext|>", "<|endoftext|>")


def bytes_to_unicode() -> dict[int, str]:
    """Map every byte value to a printable unicode character (as in GPT-2/CLIP).

    Printable latin-1 bytes map to themselves; the remaining bytes are mapped
    to code points from 256 upwards, in byte order.
    """
    byte_values = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    code_points = byte_values[:]
    extra = 0
    for b in range(256):
        if b not in byte_values:
            byte_values.append(b)
            code_points.append(256 + extra)
            extra += 1
    return dict(zip(byte_values, (chr(c) for c in code_points)))


def read_merges(bpe_path: Path) -> list[tuple[str, str]]:
    """Return CLIP's BPE merges (pairs of symbols) from the gzipped merges file."""
    with gzip.open(bpe_path, "rt", encoding="utf-8") as f:
        lines = f.read().split("\n")
    merges = [tuple(line.split()) for line in lines[1 : NUM_MERGES + 1]]
    if len(merges) != NUM_MERGES or any(len(m) != 2 for m in merges):
        raise ValueError(f"{bpe_path} does not look like CLIP's bpe_simple_vocab_16e6.txt.gz")
    return merges


def build_vocab(merges: list[tuple[str, str]]) -> dict[str, int]:
    """Build CLIP's token -> id mapping in SimpleTokenizer's order."""
    byte_chars = list(bytes_to_unicode().values())
    tokens = byte_chars + [c + "</w>" for c in byte_chars]
    tokens += ["".join(merge) for merge in merges]
    tokens += list(SPECIAL_TOKENS)
    vocab = {token: index for index, token in enumerate(tokens)}
    if len(vocab) != EXPECTED_VOCAB_SIZE:
        raise ValueError(f"expected {EXPECTED_VOCAB_SIZE} unique tokens, got {len(vocab)}")
    return vocab


def write_tokenizer_files(out_dir: Path, bpe_path: Path = DEFAULT_BPE_PATH) -> None:
    """Write vocab.json and merges.txt for the CLIP tokenizer into out_dir."""
    merges = read_merges(bpe_path)
    vocab = build_vocab(merges)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "vocab.json", "w", encoding="utf-8", newline="\n") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(out_dir / "merges.txt", "w", encoding="utf-8", newline="\n") as f:
        f.write("#version: 0.2\n")
        for left, right in merges:
            f.write(f"{left} {right}\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dirs", nargs="+", type=Path, help="tokenizer folder(s) to fill")
    parser.add_argument("--bpe", type=Path, default=DEFAULT_BPE_PATH,
                        help="path to bpe_simple_vocab_16e6.txt.gz (default: %(default)s)")
    args = parser.parse_args(argv)
    for out_dir in args.out_dirs:
        write_tokenizer_files(out_dir, args.bpe)
        print(f"wrote {out_dir / 'vocab.json'} and {out_dir / 'merges.txt'}")


if __name__ == "__main__":
    main()
