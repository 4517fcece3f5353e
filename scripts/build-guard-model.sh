#!/usr/bin/env bash
# Builds models/guard.gguf (jllm-guard) from the built-in model and ../shared/data with `jllm guard train`;
# see docs/models/jllm-guard.md and docs/guard.md. Trains only on permissively licensed benign text; the
# Alpaca and DPO demo prompts are measured on, never trained on.
# Usage: scripts/build-guard-model.sh [OUT]   (needs ../shared/data; about 20 minutes on 1 idle core)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
shared="${JLLM_SHARED:-$root/../shared}"
out="${1:-$root/models/guard.gguf}"
cd "$root"
# one thread: the run is then exactly reproducible (the sums are taken in one order)
nice -n 10 ./jllm guard train --base models/builtin.gguf --data "$shared/data" -o "$out" --name jllm-guard \
  --pooling mean_max --overrides 400 --templated 900 \
  --fine-tune --epochs 6 --lr 1e-3 --batch 16 --seed 1 --type F16 -t 1
sha256sum "$out"
