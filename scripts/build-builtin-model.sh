#!/usr/bin/env bash
# Builds models/builtin.gguf (jllm-tiny) from permitted data with jllm's own commands; see docs/models/jllm-tiny.md.
# Usage: scripts/build-builtin-model.sh [WORKDIR]   (needs ../shared/data; about 15 minutes on 2 cores)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
shared="${JLLM_SHARED:-$root/../shared}"
work="${1:-/tmp/jllm-tiny}"
mkdir -p "$work"
cd "$root"
. scripts/jdk.sh
./jllm --help >/dev/null   # builds cli/target/jllm.jar when needed
mvn -B -q -T1 -DskipTests test-compile -pl train -am

# 1. pretraining on the TinyStories sample (CDLA-Sharing-1.0), BPE of 2048 tokens, ChatML specials
nice -n 10 ./jllm train "$shared/data/tinystories-sample/tinystories_val_head.txt" -o "$work/pretrain" --name jllm-tiny \
  --vocab 2048 --dim 128 --hidden 352 --layers 4 --heads 4 --kv-heads 2 --ctx 256 \
  --batch 8 --steps 1000 --lr 2e-3 --min-lr 2e-4 --warmup 50 --eval-every 100 --eval-batches 20 \
  --checkpoint-every 100 --seed 1337

# 2. synthetic instructions and preferences from permitted data (TinyStories head, identity.json)
"$JAVA_HOME/bin/java" -cp "cli/target/jllm.jar:train/target/test-classes" \
  jllm.train.examples.BuiltinData "$shared/data/tinystories-sample/tinystories_val_head.txt" \
  "$shared/data/sft-demo/identity.json" "$work/data"

# 3. supervised fine-tuning into a tiny assistant
nice -n 10 ./jllm sft "$work/pretrain/model.gguf" "$work/data/sft.jsonl" -o "$work/sft" --name jllm-tiny \
  --epochs 3 --batch 8 --lr 1e-3 --weight-decay 0.0 --val-fraction 0.05 --seed 1337

# 4. DPO on the synthetic preference pairs
nice -n 10 ./jllm dpo "$work/sft/model.gguf" "$work/data/dpo.jsonl" -o "$work/dpo" --name jllm-tiny --type F16 \
  --beta 0.1 --epochs 1 --batch 8 --lr 1e-4 --weight-decay 0.0 --val-fraction 0.1 --seed 1337

cp "$work/dpo/model.gguf" models/builtin.gguf
ls -l models/builtin.gguf
