#!/usr/bin/env bash
# Runs Understudy's JMH benchmarks and writes their Markdown tables.
#
#   bench/run.sh storage-quick [extra JMH options]   ~5 min: batch 256 (64 B and 1 KiB) + open time
#   bench/run.sh storage       [extra JMH options]   the full storage matrix (~20 min)
#
# Results: bench/target/<mode>.json (JMH) and bench/target/<mode>.md (machine, command, tables,
# ready to paste into bench/RESULTS.md). Environment:
#   BENCH_DIR  where the benchmark logs live (default bench/target/bench-data). Must be on the disk
#              you want to measure, not tmpfs.
#   ENGINES    comma-separated engines, e.g. raw,mapdb (default: each benchmark's full list).
#              Keep raw in the list: every ratio is against it.
#   JAVA       the java to run (default: java on the PATH).
#   REBUILD=1  rebuild bench/target/benchmarks.jar even if it exists.
set -euo pipefail

cd "$(dirname "$0")/.."   # the repository root
mode=${1:-}
[ $# -gt 0 ] && shift

JAR=bench/target/benchmarks.jar
JAVA=${JAVA:-java}
BENCH_DIR=${BENCH_DIR:-$PWD/bench/target/bench-data}
PKG=org.understudy.bench.storage

case "$mode" in
  storage-quick)
    selection=(-f 1 -wi 2 -w 1s -i 3 -r 2s -p batch=256 -p entryBytes=64,1024
               "$PKG.(AppendSyncBenchmark|OpenLogBenchmark)") ;;
  storage)
    selection=("$PKG.") ;;
  *)
    echo "usage: bench/run.sh storage-quick|storage [extra JMH options]" >&2
    exit 2 ;;
esac

if [ "${REBUILD:-0}" = 1 ] || [ ! -f "$JAR" ]; then
  mvn -B -q -pl bench -am package -DskipTests
fi
mkdir -p "$BENCH_DIR"

# JMH's forks do not see the jar manifest's Add-Exports/Add-Opens: give them Chronicle's flags
# (STACK.md). -jvmArgsAppend replaces the list in StorageBenchmarkFork, so this is the full set.
java_major=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
fork_flags="--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED"
fork_flags+=" --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED"
fork_flags+=" --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED"
fork_flags+=" --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED"
fork_flags+=" --add-opens=java.base/java.util=ALL-UNNAMED"
fork_flags+=" -Dchronicle.analytics.disable=true -Djna.tmpdir=$BENCH_DIR/jna -Dbench.dir=$BENCH_DIR"
if [ "${java_major%%.*}" -ge 24 ]; then
  fork_flags+=" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
fi

engines=()
if [ -n "${ENGINES:-}" ]; then
  engines=(-p "engine=$ENGINES")
fi

json=bench/target/$mode.json
md=bench/target/$mode.md
cmd=("$JAVA" -jar "$JAR" "${selection[@]}" "${engines[@]}" -jvmArgsAppend "$fork_flags" -rf json -rff "$json" "$@")

printf '+' >&2; printf ' %q' "${cmd[@]}" >&2; echo >&2
"${cmd[@]}"

{
  echo "Machine: $(nproc) cores; $(lscpu | awk -F': *' '/^Model name/ {print $2}'); $(free -g | awk '/^Mem:/ {print $2}') GiB RAM;" \
       "$("$JAVA" -version 2>&1 | head -1)"
  echo
  echo '```'
  lscpu | head -15
  df -hT "$BENCH_DIR"
  echo '```'
  echo
  echo "Command (from the repository root): \`${ENGINES:+ENGINES=$ENGINES }bench/run.sh $mode${*:+ $*}\`, which runs"
  echo
  echo '```'
  printf '%q ' "${cmd[@]}"
  echo
  echo '```'
  echo
  "$JAVA" -cp "$JAR" "$PKG.StorageRatioReport" "$json"
} > "$md"
cat "$md"
echo "tables written to $md" >&2
