#!/usr/bin/env bash
# Builds every module's jars (classes, sources, javadoc, tests) twice from clean and compares their sha256:
# with project.build.outputTimestamp fixed in the root pom, the two builds must be byte-identical.
# Usage: scripts/check-reproducible.sh   (offline; a few minutes)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
. scripts/jdk.sh
sums() {
  mvn -B -q -T1 -o clean package -DskipTests >&2
  find . -path ./examples -prune -o -path '*/target/*.jar' -print | sort | xargs sha256sum
}
first="$(sums)"
second="$(sums)"
if [ "$first" = "$second" ]; then
  echo "reproducible: $(echo "$first" | wc -l) jars byte-identical across two clean builds"
else
  diff <(echo "$first") <(echo "$second") >&2 || true
  echo "NOT reproducible: the jars above differ between two clean builds" >&2
  exit 1
fi
