# Sourced by ./jllm and ./run-tests: finds a JDK 25 or newer and exports JAVA_HOME.
# Order: $JAVA_HOME, then `java` on PATH, then the usual install folders.

jllm_java_major() { # prints the feature version of the java binary $1, or nothing
  # A JDK's `release` file names its version: reading it is instant, starting a JVM is not (~0.1 s).
  local release
  release="$(dirname "$(dirname "$1")")/release"
  if [ -f "$release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" | head -n 1
    return
  fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

jllm_find_jdk() {
  local cand major
  local -a cands=()
  [ -n "${JAVA_HOME:-}" ] && cands+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    cands+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for cand in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$cand" ] && cands+=("$cand")
  done
  for cand in "${cands[@]}"; do
    [ -x "$cand/bin/java" ] && [ -x "$cand/bin/javac" ] || continue
    major=$(jllm_java_major "$cand/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      echo "$cand"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(jllm_find_jdk); then
  cat >&2 <<'MSG'
jllm needs a JDK 25 or newer (with javac), and none was found in JAVA_HOME, on PATH or in /usr/lib/jvm.
Install one, for example:
  Debian/Ubuntu:  apt-get install openjdk-25-jdk   (or Eclipse Temurin 25 from adoptium.net)
  macOS:          brew install openjdk@25
  any system:     sdk install java 25-tem           (SDKMAN)
Then run this command again; no JAVA_HOME setting is needed if it lands in a usual place.
MSG
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own libraries warn about sun.misc.Unsafe on recent JDKs; keep its output clean.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
