#!/usr/bin/env bash
# jllm and llama.cpp on the same GGUF files, in the same run, as ratios (docs/performance.md).
#
# Usage: scripts/bench-vs-llamacpp.sh LLAMA_BIN_DIR [--ppl TEXT] [--svg CHART.svg] MODEL.gguf...
#   LLAMA_BIN_DIR  a llama.cpp build's bin folder (llama-bench, llama-perplexity); build it beside the project
#   --ppl TEXT     first check that both engines agree on the file: perplexity of TEXT at context 128
#   --svg FILE     also draw the ratios as a bar chart
# Environment: P (prompt tokens, 128), N (generated tokens, 64), R (repetitions, 3), T (threads, 2),
#   ROUNDS (1): on a noisy machine, run the pair that many times, alternating, and report the medians
#   (the ratio column is the median of each round's ratio; the range of those ratios follows it).
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
svg=""
while [ "${1:-}" = "--ppl" ] || [ "${1:-}" = "--svg" ]; do
  if [ "$1" = "--ppl" ]; then ppl="$2"; else svg="$2"; fi
  shift 2
done
P="${P:-128}"; N="${N:-64}"; R="${R:-3}"; T="${T:-2}"; ROUNDS="${ROUNDS:-1}"
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
  for k in $(seq 1 "$ROUNDS"); do
    "$bin/llama-bench" -m "$m" -p "$P" -n "$N" -r "$R" -t "$T" -o json > "$out/llama-$i-$k.json" 2>/dev/null
    "$root/jllm" bench "$m" -p "$P" -n "$N" -r "$R" -t "$T" --json > "$out/jllm-$i-$k.json" 2>/dev/null
  done
done
python3 - "$out" "$svg" "$ROUNDS" "$@" <<'EOF'
import json, os, statistics, sys
out, svg, rounds, models = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
if rounds == 1:
    print("| model | test | llama.cpp t/s | jllm t/s | jllm / llama.cpp |")
    print("|---|---|---:|---:|---:|")
else:
    print(f"| model | test | llama.cpp t/s (median of {rounds}) | jllm t/s (median of {rounds}) | jllm / llama.cpp (median) | range |")
    print("|---|---|---:|---:|---:|---|")
bars = []
for i, m in enumerate(models, 1):
    llama = [json.load(open(os.path.join(out, f"llama-{i}-{k}.json"))) for k in range(1, rounds + 1)]
    jllm = [json.load(open(os.path.join(out, f"jllm-{i}-{k}.json"))) for k in range(1, rounds + 1)]
    for t, j in enumerate(jllm[0]):
        test = f"pp{j['n_prompt']}" if j["n_prompt"] else f"tg{j['n_gen']}"
        pairs = []
        for k in range(rounds):
            jk = jllm[k][t]
            lk = next(x for x in llama[k] if x["n_prompt"] == jk["n_prompt"] and x["n_gen"] == jk["n_gen"])
            pairs.append((lk, jk))
        ratios = [jk["avg_ts"] / lk["avg_ts"] for lk, jk in pairs]
        ratio = statistics.median(ratios)
        bars.append((os.path.basename(m).removesuffix(".gguf") + " " + test, ratio))
        if rounds == 1:
            l, j = pairs[0]
            print(f"| {os.path.basename(m)} | {test} | {l['avg_ts']:.2f} ± {l['stddev_ts']:.2f} | "
                  f"{j['avg_ts']:.2f} ± {j['stddev_ts']:.2f} | {ratio:.2f} |")
        else:
            lm = statistics.median(l["avg_ts"] for l, _ in pairs)
            jm = statistics.median(j["avg_ts"] for _, j in pairs)
            print(f"| {os.path.basename(m)} | {test} | {lm:.2f} | {jm:.2f} | {ratio:.2f} | {min(ratios):.2f}-{max(ratios):.2f} |")
if svg:
    # horizontal bars of jllm / llama.cpp; the line at 1.0 is parity
    w, left, row, top = 720, 250, 22, 30
    scale = (w - left - 40) / max(1.2, max(r for _, r in bars) * 1.05)
    h = top + row * len(bars) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
             f'<text x="{left}" y="18" font-weight="bold">jllm tokens/s divided by llama.cpp tokens/s (same file, same run)</text>']
    for k, (label, r) in enumerate(bars):
        y = top + k * row
        colour = "#2b8a3e" if r >= 1 else ("#1c7ed6" if " tg" in label else "#868e96")  # parity, decode, prompt
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{label}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{r * scale:.1f}" height="{row - 6}" fill="{colour}"/>')
        parts.append(f'<text x="{left + r * scale + 4:.1f}" y="{y + 14}">{r:.2f}</text>')
    x1 = left + scale
    parts.append(f'<line x1="{x1:.1f}" y1="{top - 4}" x2="{x1:.1f}" y2="{top + row * len(bars)}" stroke="#c92a2a" stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{x1 + 3:.1f}" y="{top + row * len(bars) + 16}" fill="#c92a2a">1.0 = as fast as llama.cpp</text>')
    parts.append('</svg>')
    open(svg, "w").write("\n".join(parts) + "\n")
EOF
