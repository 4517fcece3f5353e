#!/usr/bin/env bash
# Builds models/guard.gguf (jllm-guard) from the built-in model and the prompt-injection data with
# `jllm guard train`; see docs/models/jllm-guard.md and docs/guard.md.
# Usage: scripts/build-guard-model.sh [OUT]   (needs ../shared/data; about 10 minutes on 1 core)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
shared="${JLLM_SHARED:-$root/../shared}"
out="${1:-$root/models/guard.gguf}"
cd "$root"
# one thread: the run is then exactly reproducible (the sums are taken in one order)
nice -n 10 ./jllm guard train --base models/builtin.gguf --data "$shared/data/prompt-injection" \
  --benign "$shared/data/sft-demo" -o "$out" --name jllm-guard \
  --fine-tune --epochs 8 --lr 1e-3 --batch 16 --seed 1 --type F16 -t 1
sha256sum "$out"
