#!/usr/bin/env bash
# The arithmetic reasoning recipe (docs/reasoning.md): pretrain a small jllm model on worked solutions,
# SFT it on the same kind of chats, train a scorer model on its replies labelled by the exact checker,
# measure held-out accuracy per difficulty (greedy, and on the same samples a vote, best-of-n under the
# checker and under the scorer, 1 to SAMPLES samples), then GRPO with the checker's reward and measure again.
#
#   scripts/reasoning-recipe.sh [OUT]          # the documented run
#   SMOKE=1 scripts/reasoning-recipe.sh OUT    # a minutes-long smoke run of every command
#
# Settings through the environment: THREADS (default: the machine's cores), OPS (default add,sub,mul),
# DIGITS (default 2-3), GRPO_OPS and GRPO_DIGITS (the cells GRPO trains on; default add,sub and DIGITS:
# the cells this budget leaves between 30% and 90% right, where groups' rewards differ), and any size
# below by its upper-case name (DIM, LAYERS, CTX, STEPS, CHATS, GRPO_STEPS, GRPO_LR, GRPO_TEMPERATURE,
# SAMPLES, ...). A stage whose output exists is skipped, so a stopped run continues where it stopped.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
jllm="${JLLM:-$root/jllm}"   # JLLM: another launcher, e.g. one running a copied jar
out="${1:-runs/reasoning}"
threads="${THREADS:-$(nproc 2>/dev/null || echo 1)}"
ops="${OPS:-add,sub,mul}"
digits="${DIGITS:-2-3}"
grpo_ops="${GRPO_OPS:-add,sub}"
grpo_digits="${GRPO_DIGITS:-$digits}"
if [ "${SMOKE:-0}" = 1 ]; then
  problems=3000; chats=1000; dim=64; hidden=192; layers=2; heads=2; steps=300; per_cell=10; compare_per_cell=5
  grpo_steps=3; samples=4; scorer_problems=20
else
  # 1200 pretraining steps and 3,000 SFT chats leave 3-digit addition and subtraction 20-65% right (the
  # band where GRPO and voting pay; 2000 steps: 1.00 and 0.74, 500 steps: under 0.2) and multiplication
  # near 0 (2000 steps: 2-digit products 0.18)
  problems=30000; chats=3000; dim=96; hidden=288; layers=3; heads=4; steps=1200; per_cell=100; compare_per_cell=50
  grpo_steps=600; samples=64; scorer_problems=200
fi
# 290 tokens: the 256 bytes, 3 specials and ~30 merges (" write", " carry", "Answer", ...) but none of
# digits, so every digit is its own token; with 400, numbers such as " 47" become single tokens, whose
# digits the model must then learn to see inside.
vocab=${VOCAB:-290}
problems=${PROBLEMS:-$problems}; chats=${CHATS:-$chats}; dim=${DIM:-$dim}; hidden=${HIDDEN:-$hidden}
layers=${LAYERS:-$layers}; heads=${HEADS:-$heads}; steps=${STEPS:-$steps}; per_cell=${PER_CELL:-$per_cell}
compare_per_cell=${COMPARE_PER_CELL:-$compare_per_cell}
grpo_steps=${GRPO_STEPS:-$grpo_steps}; samples=${SAMPLES:-$samples}; scorer_problems=${SCORER_PROBLEMS:-$scorer_problems}
# 3-digit products take ~125 tokens with the chat template: 160 leaves room
ctx=${CTX:-160}
# lr 3e-4 and above collapse the policy within tens of steps; at temperature 1.0 the groups' rewards sit
# far below greedy accuracy and GRPO lowers it (docs/reasoning.md)
grpo_lr=${GRPO_LR:-1e-4}
grpo_temperature=${GRPO_TEMPERATURE:-0.7}
mkdir -p "$out"
t() { local s=$SECONDS; "$@"; echo "# $(( SECONDS - s )) s: ${*##*/}" >&2; }
# stage FILE CMD...: run CMD unless FILE exists (FILE is CMD's last output)
stage() { local f="$1"; shift; if [ -e "$f" ]; then echo "# skipped, $f exists: ${*##*/}" >&2; else t "$@"; fi; }
# reason: the command's report to a file, also shown
report() { local f="$1"; shift; if [ -e "$f" ]; then echo "# skipped, $f exists" >&2; else t "$@" | tee "$f.part"; mv "$f.part" "$f"; fi; }

stage "$out/text.jsonl" "$jllm" task -o "$out/text.jsonl" --format text --problems "$problems" --ops "$ops" --digits "$digits" --seed 1
stage "$out/chats.jsonl" "$jllm" task -o "$out/chats.jsonl" --problems "$chats" --ops "$ops" --digits "$digits" --seed 2
stage "$out/base/model.gguf" "$jllm" train "$out/text.jsonl" -o "$out/base" --vocab "$vocab" --dim "$dim" --hidden "$hidden" \
  --layers "$layers" --heads "$heads" --ctx "$ctx" --batch 16 --steps "$steps" --lr 3e-3 --eval-every $(( steps / 5 )) \
  --eval-batches 4 -t "$threads"
stage "$out/sft/model.gguf" "$jllm" sft "$out/base/model.gguf" "$out/chats.jsonl" -o "$out/sft" --epochs 1 --batch 16 --lr 1e-3 \
  --val-fraction 0.02 -t "$threads"
report "$out/scorer.txt" "$jllm" scorer "$out/sft/model.gguf" -o "$out/scorer.gguf" --ops "$ops" --digits "$digits" \
  --problems "$scorer_problems" --validation $(( scorer_problems / 4 )) --samples 8 --prefixes -t "$threads"
report "$out/sft-compare.txt" "$jllm" reason "$out/sft/model.gguf" --ops "$ops" --digits "$digits" --per-cell "$compare_per_cell" \
  --samples "$samples" --compare --scorer "$out/scorer.gguf" --svg "$out/sft-compare.svg" -t "$threads"
report "$out/grpo.txt" "$jllm" grpo "$out/sft/model.gguf" -o "$out/grpo" --ops "$grpo_ops" --digits "$grpo_digits" \
  --steps "$grpo_steps" --prompts 8 -G 8 --lr "$grpo_lr" --temperature "$grpo_temperature" --per-cell "$per_cell" \
  --eval-every $(( grpo_steps / 4 > 0 ? grpo_steps / 4 : 1 )) -t "$threads"
report "$out/grpo-compare.txt" "$jllm" reason "$out/grpo/model.gguf" --ops "$ops" --digits "$digits" --per-cell "$compare_per_cell" \
  --samples "$samples" --compare --scorer "$out/scorer.gguf" --svg "$out/grpo-compare.svg" -t "$threads"
