#!/usr/bin/env bash
# The arithmetic reasoning recipe (docs/reasoning.md): pretrain a small jllm model on worked solutions,
# SFT it on the same kind of chats, measure held-out accuracy per difficulty (greedy and a 16-sample
# vote), then GRPO with the exact checker's reward and measure again.
#
#   scripts/reasoning-recipe.sh [OUT]          # the documented run
#   SMOKE=1 scripts/reasoning-recipe.sh OUT    # a minutes-long smoke run of every command
#
# Settings through the environment: THREADS (default 1), OPS (default add), DIGITS (default 2-3), and
# any size below by its upper-case name (DIM, LAYERS, STEPS, GRPO_STEPS, SAMPLES, ...).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
jllm="${JLLM:-$root/jllm}"   # JLLM: another launcher, e.g. one running a copied jar
out="${1:-runs/reasoning}"
threads="${THREADS:-1}"
ops="${OPS:-add}"
digits="${DIGITS:-2-3}"
if [ "${SMOKE:-0}" = 1 ]; then
  problems=3000; chats=1000; dim=64; hidden=192; layers=2; heads=2; steps=300; per_cell=10; grpo_steps=3; samples=4
else
  problems=30000; chats=6000; dim=96; hidden=288; layers=3; heads=4; steps=1500; per_cell=50; grpo_steps=60; samples=16
fi
# 290 tokens: the 256 bytes, 3 specials and ~30 merges (" write", " carry", "Answer", ...) but none of
# digits, so every digit is its own token; with 400, numbers such as " 47" become single tokens, whose
# digits the model must then learn to see inside.
vocab=${VOCAB:-290}
problems=${PROBLEMS:-$problems}; chats=${CHATS:-$chats}; dim=${DIM:-$dim}; hidden=${HIDDEN:-$hidden}
layers=${LAYERS:-$layers}; heads=${HEADS:-$heads}; steps=${STEPS:-$steps}; per_cell=${PER_CELL:-$per_cell}
grpo_steps=${GRPO_STEPS:-$grpo_steps}; samples=${SAMPLES:-$samples}
mkdir -p "$out"
t() { local s=$SECONDS; "$@"; echo "# $(( SECONDS - s )) s: ${*##*/}" >&2; }

t "$jllm" task -o "$out/text.jsonl" --format text --problems "$problems" --ops "$ops" --digits "$digits" --seed 1
t "$jllm" task -o "$out/chats.jsonl" --problems "$chats" --ops "$ops" --digits "$digits" --seed 2
t "$jllm" train "$out/text.jsonl" -o "$out/base" --vocab "$vocab" --dim "$dim" --hidden "$hidden" --layers "$layers" \
  --heads "$heads" --ctx 128 --batch 16 --steps "$steps" --lr 3e-3 --eval-every $(( steps / 5 )) --eval-batches 4 -t "$threads"
t "$jllm" sft "$out/base/model.gguf" "$out/chats.jsonl" -o "$out/sft" --epochs 1 --batch 16 --lr 1e-3 --val-fraction 0.02 \
  -t "$threads"
t "$jllm" reason "$out/sft/model.gguf" --ops "$ops" --digits "$digits" --per-cell "$per_cell" -t "$threads" \
  | tee "$out/sft-greedy.txt"
t "$jllm" reason "$out/sft/model.gguf" --ops "$ops" --digits "$digits" --per-cell "$per_cell" --samples "$samples" --vote \
  --svg "$out/sft-vote.svg" -t "$threads" | tee "$out/sft-vote.txt"
t "$jllm" grpo "$out/sft/model.gguf" -o "$out/grpo" --ops "$ops" --digits "$digits" --steps "$grpo_steps" --prompts 8 -G 8 \
  --lr 1e-4 --per-cell "$per_cell" --eval-every $(( grpo_steps / 3 > 0 ? grpo_steps / 3 : 1 )) -t "$threads" \
  | tee "$out/grpo.txt"
t "$jllm" reason "$out/grpo/model.gguf" --ops "$ops" --digits "$digits" --per-cell "$per_cell" -t "$threads" \
  | tee "$out/grpo-greedy.txt"
t "$jllm" reason "$out/grpo/model.gguf" --ops "$ops" --digits "$digits" --per-cell "$per_cell" --samples "$samples" --vote \
  --svg "$out/grpo-vote.svg" -t "$threads" | tee "$out/grpo-vote.txt"
