"""CLIP byte-level BPE tokenizer files (vocab.json, merges.txt), built offline.

Stable Diffusion 1.5 and SDXL both use OpenAI CLIP's BPE tokenizer (SDXL's second
tokenizer has the same vocabulary and merges; only its pad token differs, which lives
in its tokenizer_config.json). The vocab.json/merges.txt pair that transformers reads
is fully determined by the list of merges, so it is regenerated here instead of being
downloaded:

* the real tokenizers shipped in ``resources/models/configs`` are built from OpenAI's
  merges file by ``resources/models/configs/build_clip_tokenizer.py`` (see there for
  the file's source and licence);
* the tiny test models use the same construction with a handful of merges.

Construction, as in ``SimpleTokenizer.__init__`` of OpenAI CLIP's
``clip/simple_tokenizer.py``: the 256 ``bytes_to_unicode()`` characters, the same
with ``</w>`` appended, ``"".join(merge)`` for every merge, then ``<|startoftext|>``
and ``<|endoftext|>``; vocab.json maps token -> index in that order, and merges.txt is
``#version: 0.2`` followed by one merge per line.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

# Number of merges CLIP uses: 49152 tokens in the BPE model, minus the 256
# byte tokens, minus the 2 special tokens.
NUM_MERGES = 49152 - 256 - 2
CLIP_VOCAB_SIZE = 49408
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


def read_clip_merges(bpe_path: Path) -> list[tuple[str, str]]:
    """CLIP's BPE merges (pairs of symbols) from the gzipped merges file."""
    with gzip.open(bpe_path, "rt", encoding="utf-8") as f:
        lines = f.read().split("\n")
    merges = [tuple(line.split()) for line in lines[1 : NUM_MERGES + 1]]
    if len(merges) != NUM_MERGES or any(len(m) != 2 for m in merges):
        raise ValueError(f"{bpe_path} does not look like CLIP's bpe_simple_vocab_16e6.txt.gz")
    return merges


def build_vocab(merges: list[tuple[str, str]]) -> dict[str, int]:
    """Token -> id mapping in SimpleTokenizer's order."""
    byte_chars = list(bytes_to_unicode().values())
    tokens = byte_chars + [c + "</w>" for c in byte_chars]
    tokens += ["".join(merge) for merge in merges]
    tokens += list(SPECIAL_TOKENS)
    vocab = {token: index for index, token in enumerate(tokens)}
    if len(vocab) != len(tokens):
        raise ValueError(f"{len(tokens) - len(vocab)} merges repeat a token")
    return vocab


def write_vocab_files(out_dir: Path, merges: list[tuple[str, str]]) -> int:
    """Write vocab.json and merges.txt into ``out_dir``; return the vocabulary size."""
    vocab = build_vocab(merges)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "vocab.json", "w", encoding="utf-8", newline="\n") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(out_dir / "merges.txt", "w", encoding="utf-8", newline="\n") as f:
        f.write("#version: 0.2\n")
        for left, right in merges:
            f.write(f"{left} {right}\n")
    return len(vocab)
