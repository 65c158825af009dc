#!/usr/bin/env bash
# Runs Understudy's JMH benchmarks and writes their Markdown tables.
#
#   bench/run.sh storage-quick [extra JMH options]   ~5 min: batch 256 (64 B and 1 KiB) + open time
#   bench/run.sh storage       [extra JMH options]   the full storage matrix (~20 min)
#   bench/run.sh transport-quick [extra JMH options] ~4 min: transport latency + throughput, 64 B and 16 KiB
#   bench/run.sh transport     [extra JMH options]   the same with 2 forks and longer iterations (~10 min)
#   bench/run.sh replication-quick [extra JMH options] ~4 min: end-to-end replication (3 voters and the single-node
#                                                    baseline, 64 B, 1 and 64 proposers), core microbenchmarks, and the
#                                                    raw append+fsync and raw echo baselines beside them
#   bench/run.sh replication   [extra JMH options]   the full replication matrix with its baselines (~30 min)
#   bench/run.sh learner-quick [LearnerBenchmarks options]  ~4 min: learner catch-up (replay and snapshot) of
#                                                    a 128 MiB log, disruption of a write load, promotion
#   bench/run.sh learner       [LearnerBenchmarks options]  the same with a 1 GiB log (~25 min)
#
# Results: bench/target/<mode>.json (JMH; for the learner modes, the JSON line) and bench/target/<mode>.md
# (machine, command, tables, ready to paste into bench/RESULTS.md). Environment:
#   BENCH_DIR  where the benchmark logs (and the replication benchmarks' node data, the learner modes'
#              member data dirs) live (default
#              bench/target/bench-data). Must be on the disk you want to measure, not tmpfs.
#   ENGINES    storage modes: comma-separated engines, e.g. raw,mapdb (default: each benchmark's
#              full list). Keep raw in the list: every ratio is against it.
#   NETTY_IO   transport and replication modes: auto (default: epoll if it loads, else NIO), epoll or
#              nio; the raw echo, the transport and the replication clusters all use it.
#   JAVA       the java to run (default: java on the PATH).
#   REBUILD=1  rebuild bench/target/benchmarks.jar even if it exists.
set -euo pipefail

cd "$(dirname "$0")/.."   # the repository root
mode=${1:-}
[ $# -gt 0 ] && shift

JAR=bench/target/benchmarks.jar
JAVA=${JAVA:-java}
BENCH_DIR=${BENCH_DIR:-$PWD/bench/target/bench-data}
STORAGE=org.understudy.bench.storage
TRANSPORT=org.understudy.bench.transport
REPLICATION=org.understudy.bench.replication
CORE=org.understudy.bench.core
# Beside the replication figures, in the same JSON: the raw append+fsync (batch = proposers) and the raw
# echo / transport round trip at the replication sizes. Their parameter names (engine, batch, entryBytes,
# payloadBytes) are their own; impl is left at each benchmark's default because the transport and the
# replication benchmarks both have one.
REPLICATION_BASELINES=("$STORAGE.AppendSyncBenchmark" "$TRANSPORT.TransportRoundTripBenchmark")
LEARNER=org.understudy.bench.learner.LearnerBenchmarks

# The machine, for the Markdown reports: cores, CPU, RAM, Java, and the data folder's disk ($1: yes/no).
describe_machine() {
  echo "Machine: $(nproc) cores; $(lscpu | awk -F': *' '/^Model name/ {print $2}'); $(free -g | awk '/^Mem:/ {print $2}') GiB RAM;" \
       "$("$JAVA" -version 2>&1 | head -1)"
  echo
  echo '```'
  lscpu | head -15
  if [ "$1" = yes ]; then df -hT "$BENCH_DIR"; fi
  echo '```'
}

# The learner benchmarks are not JMH: one driver (LearnerBenchmarks) starts raft-kv processes itself and
# writes its own tables; anything after the mode goes to it (--variants replay, --clients 8, ...).
case "$mode" in
  learner-quick|learner)
    if [ "$mode" = learner-quick ]; then
      learner_args=(--log-mib 128 --steady-seconds 10 --settle-seconds 5)
    else
      learner_args=(--log-mib 1024)
    fi
    if [ "${REBUILD:-0}" = 1 ] || [ ! -f "$JAR" ]; then
      mvn -B -q -pl bench -am package -DskipTests
    fi
    mkdir -p "$BENCH_DIR"
    json=bench/target/$mode.json
    md=bench/target/$mode.md
    tables=bench/target/$mode.tables.md
    cmd=("$JAVA" -cp "$JAR" "$LEARNER" "${learner_args[@]}" --work-dir "$BENCH_DIR" --out "$tables" --json "$json" "$@")
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    printf '+' >&2; printf ' %q' "${cmd[@]}" >&2; echo >&2
    "${cmd[@]}"
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)
    {
      describe_machine yes
      echo
      echo "Load average (1, 5, 15 min) before the run: $load_before; after: $load_after."
      echo
      echo "Command (from the repository root): \`bench/run.sh $mode${*:+ $*}\`, which runs"
      echo
      echo '```'
      printf '%q ' "${cmd[@]}"
      echo
      echo '```'
      echo
      cat "$tables"
    } > "$md"
    rm -f "$tables"
    cat "$md"
    echo "tables written to $md, the JSON line to $json" >&2
    exit 0 ;;
esac

case "$mode" in
  storage-quick)
    selection=(-f 1 -wi 2 -w 1s -i 3 -r 2s -p batch=256 -p entryBytes=64,1024
               "$STORAGE.(AppendSyncBenchmark|OpenLogBenchmark)")
    report=$STORAGE.StorageRatioReport ;;
  storage)
    selection=("$STORAGE.")
    report=$STORAGE.StorageRatioReport ;;
  transport-quick)
    selection=(-f 1 -wi 2 -w 2s -i 8 -r 2s "$TRANSPORT.")
    report=$TRANSPORT.TransportRatioReport ;;
  transport)
    selection=("$TRANSPORT.")
    report=$TRANSPORT.TransportRatioReport ;;
  replication-quick)
    # 24 replication trials (3 impls x 1 and 3 voters x 1 and 64 proposers x throughput and latency) of about
    # 7 s each (fork, election, 1 + 3 s), 10 core trials, 4 baseline trials.
    selection=(-f 1 -wi 1 -w 1s -i 3 -r 1s
               -p valueBytes=64 -p proposers=1,64 -p entries=64
               -p engine=raw -p batch=1,64 -p entryBytes=64 -p payloadBytes=64
               "$REPLICATION." "$CORE." "${REPLICATION_BASELINES[@]}")
    report=$REPLICATION.ReplicationRatioReport ;;
  replication)
    selection=(-p engine=raw -p batch=1,16,64 -p entryBytes=64,1024 -p payloadBytes=64,1024
               "$REPLICATION." "$CORE." "${REPLICATION_BASELINES[@]}")
    report=$REPLICATION.ReplicationRatioReport ;;
  *)
    echo "usage: bench/run.sh storage-quick|storage|transport-quick|transport|replication-quick|replication [extra JMH options]" >&2
    echo "       bench/run.sh learner-quick|learner [LearnerBenchmarks options]" >&2
    exit 2 ;;
esac

if [ "${REBUILD:-0}" = 1 ] || [ ! -f "$JAR" ]; then
  mvn -B -q -pl bench -am package -DskipTests
fi
mkdir -p "$BENCH_DIR"

# JMH's forks do not see the jar manifest's Add-Exports/Add-Opens: give the storage and replication forks
# Chronicle's flags (STACK.md). -jvmArgsAppend replaces the list in StorageBenchmarkFork and ClusterBenchmark,
# so this is the full set. The transport forks need none: they only get the event-loop choice.
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
env_note=
case "$mode" in
  storage*)
    if [ -n "${ENGINES:-}" ]; then
      engines=(-p "engine=$ENGINES")
      env_note="ENGINES=$ENGINES "
    fi ;;
  transport*)
    fork_flags="-Dbench.netty.io=${NETTY_IO:-auto}"
    if [ -n "${NETTY_IO:-}" ]; then
      env_note="NETTY_IO=$NETTY_IO "
    fi ;;
  replication*)
    fork_flags+=" -Dbench.netty.io=${NETTY_IO:-auto}"
    if [ -n "${NETTY_IO:-}" ]; then
      env_note="NETTY_IO=$NETTY_IO "
    fi ;;
esac

json=bench/target/$mode.json
md=bench/target/$mode.md
cmd=("$JAVA" -jar "$JAR" "${selection[@]}" "${engines[@]}" -jvmArgsAppend "$fork_flags" -rf json -rff "$json" "$@")

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
printf '+' >&2; printf ' %q' "${cmd[@]}" >&2; echo >&2
"${cmd[@]}"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  case "$mode" in storage*|replication*) describe_machine yes ;; *) describe_machine no ;; esac
  echo
  echo "Load average (1, 5, 15 min) before the run: $load_before; after: $load_after."
  echo
  echo "Command (from the repository root): \`${env_note}bench/run.sh $mode${*:+ $*}\`, which runs"
  echo
  echo '```'
  printf '%q ' "${cmd[@]}"
  echo
  echo '```'
  echo
  "$JAVA" -cp "$JAR" "$report" "$json"
} > "$md"
cat "$md"
echo "tables written to $md" >&2
