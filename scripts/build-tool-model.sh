#!/usr/bin/env bash
# Builds models/jllm-tiny-tools.gguf: the built-in model fine-tuned to call tools (see docs/models/jllm-tiny-tools.md).
# Usage: scripts/build-tool-model.sh [WORKDIR]   (about 5 minutes on 2 idle cores)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
work="${1:-/tmp/jllm-tiny-tools}"
cd "$root"
. scripts/jdk.sh
mvn -B -q -T1 -DskipTests test-compile -pl train -am
mvn -B -q dependency:build-classpath -pl train -Dmdep.includeScope=test -Dmdep.outputFile="$work.cp"
cp="core/target/classes:chat/target/classes:train/target/classes:train/target/test-classes:$(cat "$work.cp")"
mkdir -p "$work"
nice -n 10 "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$cp" \
  jllm.train.examples.ToolModel models/builtin.gguf "$work"
cp "$work/sft/model.gguf" models/jllm-tiny-tools.gguf
ls -l models/jllm-tiny-tools.gguf
