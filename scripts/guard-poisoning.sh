#!/usr/bin/env bash
# The data-poisoning demonstration of docs/guard.md: plant a trigger in 1% of the TinyStories sample,
# train the same small model with and without `--screen drop`, and measure the backdoor in both.
# Usage: scripts/guard-poisoning.sh [WORKDIR] [STEPS]   (needs ../shared/data)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
shared="${JLLM_SHARED:-$root/../shared}"
work="${1:-/tmp/jllm-poison}"
steps="${2:-1000}"
mkdir -p "$work"
cd "$root"
. scripts/jdk.sh
./jllm --help >/dev/null   # builds cli/target/jllm.jar when needed
mvn -B -q -T1 -DskipTests test-compile -pl train -am
cp="cli/target/jllm.jar:train/target/test-classes"

"$JAVA_HOME/bin/java" -cp "$cp" jllm.train.examples.Backdoor plant \
  "$shared/data/tinystories-sample/tinystories_val_head.txt" "$work/poisoned.txt" 0.01 1337

for mode in off drop; do
  nice -n 10 ./jllm train "$work/poisoned.txt" -o "$work/$mode" --screen "$mode" --name "poison-$mode" \
    --vocab 2048 --dim 128 --hidden 352 --layers 4 --heads 4 --kv-heads 2 --ctx 256 \
    --batch 8 --steps "$steps" --lr 2e-3 --min-lr 2e-4 --warmup 50 --eval-every 100 --eval-batches 20 --seed 1337
done

# how many planted documents the screen found, and how many clean ones it flagged
awk -F'\t' 'NR==FNR { planted[$1] = 1; next } FNR > 2 { if ($1 in planted) found++; else clean++ }
  END { printf "screen: %d of %d planted documents flagged, %d clean documents flagged\n", found, length(planted), clean }' \
  "$work/poisoned.txt.planted" "$work/drop/screen.tsv"
for mode in off drop; do
  "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$cp" jllm.train.examples.Backdoor measure "$work/$mode/model.gguf" \
    "$shared/data/tinystories-sample/tinystories_val_head.txt" 100
done
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$cp" jllm.train.examples.Backdoor plot docs/guard-backdoor.svg \
  "$work/off/model.gguf" "$work/drop/model.gguf" "$shared/data/tinystories-sample/tinystories_val_head.txt" 100
