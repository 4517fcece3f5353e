#!/usr/bin/env bash
# Time to first token from process start, and peak resident memory, of jllm and llama.cpp generating from
# the same GGUF file (docs/performance.md).
#
# Usage: scripts/startup-vs-llamacpp.sh LLAMA_BIN_DIR MODEL.gguf...
#   LLAMA_BIN_DIR  a llama.cpp build's bin folder (llama-cli)
# Environment: N (generated tokens, 32), T (threads, 2), RUNS (runs per engine, best kept, 3).
# Each engine continues the prompt "Once upon a time" greedily; a run's time to first token is the time
# from starting the process (jllm: its launcher script) to the first byte of generated text on its stdout
# (llama-cli echoes the prompt first; that is skipped). The page cache is warm (the file is read before).
# Peak RSS is the kernel's VmHWM for the process. One engine at a time.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
if [ $# -lt 2 ]; then
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
bin="$1"; shift
[ -x "$bin/llama-cli" ] || { echo "startup-vs-llamacpp: $bin/llama-cli not found (give llama.cpp's bin folder)" >&2; exit 2; }
N="${N:-32}"; T="${T:-2}"; RUNS="${RUNS:-3}"
"$root/jllm" run -p x -n 1 "$1" >/dev/null 2>&1 || true # builds jllm if needed, outside the timing
python3 - "$bin" "$root" "$N" "$T" "$RUNS" "$@" <<'PY'
import os, subprocess, sys, time, threading
bin_dir, root, n, t, runs, models = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6:]
prompt = "Once upon a time"

def peak_rss(pid, box, stop):
    # VmHWM of the process (or of its newest child: ./jllm execs java in place, so the pid stays)
    while not stop.is_set():
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmHWM:"):
                    box[0] = max(box[0], int(line.split()[1]))
        except OSError:
            return
        time.sleep(0.01)

def run(cmd, echo):
    # echo: the prompt text the engine prints before its continuation (llama-cli echoes it), not counted
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    box, stop = [0], threading.Event()
    th = threading.Thread(target=peak_rss, args=(p.pid, box, stop)); th.start()
    first = None
    seen = b""
    while True:
        b = p.stdout.read1(4096)
        if not b:
            break
        seen += b
        if first is None and len(seen.strip()) > len(echo):
            first = time.monotonic() - t0
    p.wait(); stop.set(); th.join()
    return first, box[0] / 1024.0

print("| model | engine | time to first token (s) | peak RSS (MiB) | file (MiB) |")
print("|---|---|---:|---:|---:|")
for m in models:
    size = os.path.getsize(m) / 2**20
    open(m, "rb").read()  # warm the page cache for both engines alike
    engines = {  # name: (command, echoed prompt)
        "llama.cpp": ([os.path.join(bin_dir, "llama-cli"), "-m", m, "-p", prompt, "-n", n, "-t", t, "--temp", "0",
                      "-no-cnv", "--no-warmup", "--simple-io"], prompt),
        "jllm": ([os.path.join(root, "jllm"), "run", m, "-p", prompt, "-n", n, "-t", t, "--temp", "0"], ""),
    }
    for name, (cmd, echo) in engines.items():
        best = None
        for _ in range(runs):
            ttft, rss = run(cmd, echo.encode())
            if ttft is not None and (best is None or ttft < best[0]):
                best = (ttft, rss)
        if best is None:
            print(f"| {os.path.basename(m)} | {name} | no output | | {size:.0f} |")
        else:
            print(f"| {os.path.basename(m)} | {name} | {best[0]:.2f} | {best[1]:.0f} | {size:.0f} |")
PY
