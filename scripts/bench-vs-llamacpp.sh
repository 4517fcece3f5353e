#!/usr/bin/env bash
# jllm and llama.cpp on the same GGUF files, in the same run, as ratios (docs/performance.md).
#
# Usage: scripts/bench-vs-llamacpp.sh LLAMA_BIN_DIR [--ppl TEXT] MODEL.gguf...
#   LLAMA_BIN_DIR  a llama.cpp build's bin folder (llama-bench, llama-perplexity); build it beside the project
#   --ppl TEXT     first check that both engines agree on the file: perplexity of TEXT at context 128
# Environment: P (prompt tokens, 128), N (generated tokens, 64), R (repetitions, 3), T (threads, 2).
# For each model it runs llama-bench, then `jllm bench`, one after the other (never at once), and prints a
# markdown table: model, test, llama.cpp t/s, jllm t/s, jllm / llama.cpp.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
if [ $# -lt 2 ]; then
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
bin="$1"; shift
ppl=""
if [ "${1:-}" = "--ppl" ]; then ppl="$2"; shift 2; fi
P="${P:-128}"; N="${N:-64}"; R="${R:-3}"; T="${T:-2}"
for tool in llama-bench llama-perplexity; do
  [ -x "$bin/$tool" ] || { echo "bench-vs-llamacpp: $bin/$tool not found (give llama.cpp's bin folder)" >&2; exit 2; }
done
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
i=0
for m in "$@"; do
  i=$((i + 1))
  if [ -n "$ppl" ]; then
    lp="$("$bin/llama-perplexity" -m "$m" -f "$ppl" -c 128 -t "$T" 2>&1 | grep -o 'Final estimate: PPL = [0-9.]*' | awk '{print $NF}')"
    jp="$("$root/jllm" perplexity "$m" "$ppl" -c 128 -t "$T" 2>/dev/null | grep -o 'PPL = [0-9.]*' | tail -1 | awk '{print $NF}')"
    echo "$(basename "$m"): perplexity llama.cpp $lp, jllm $jp" >&2
    echo "$(basename "$m") $lp $jp" >> "$out/ppl.txt"
  fi
  "$bin/llama-bench" -m "$m" -p "$P" -n "$N" -r "$R" -t "$T" -o json > "$out/llama-$i.json" 2>/dev/null
  "$root/jllm" bench "$m" -p "$P" -n "$N" -r "$R" -t "$T" --json > "$out/jllm-$i.json" 2>/dev/null
done
python3 - "$out" "$#" "$@" <<'EOF'
import json, os, sys
out, count, models = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print("| model | test | llama.cpp t/s | jllm t/s | jllm / llama.cpp |")
print("|---|---|---:|---:|---:|")
for i, m in enumerate(models, 1):
    llama = json.load(open(os.path.join(out, f"llama-{i}.json")))
    jllm = json.load(open(os.path.join(out, f"jllm-{i}.json")))
    for j in jllm:
        test = f"pp{j['n_prompt']}" if j["n_prompt"] else f"tg{j['n_gen']}"
        l = next(x for x in llama if x["n_prompt"] == j["n_prompt"] and x["n_gen"] == j["n_gen"])
        print(f"| {os.path.basename(m)} | {test} | {l['avg_ts']:.2f} ± {l['stddev_ts']:.2f} | "
              f"{j['avg_ts']:.2f} ± {j['stddev_ts']:.2f} | {j['avg_ts'] / l['avg_ts']:.2f} |")
EOF
