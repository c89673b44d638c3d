#!/usr/bin/env bash
# Issue 27's freshness benchmark (BENCHMARKS.md, "Freshness"): how long a new file waits before its rows are in a
# snapshot, at a steady trickle, and whether the landing JVM's memory stays flat. FreshnessProbe writes a new
# file of LINES lines every EVERY seconds into an empty input and polls the data table every second, against:
#   - `watch` of the Direct jar and of the Flink jar ([local], p=2), a run every COMMIT seconds, for MINUTES;
#   - the baseline: a fresh Direct JVM's `run` every COMMIT seconds (a shell loop or a tight schedule), for
#     BASELINE_MINUTES.
# All three run at once, on the same machine state (sharing its cores, as a laptop or a node would).
#   bench/run-freshness.sh                                      # 60 minutes of trickle
#   bench/run-freshness.sh --minutes 10 --baselineMinutes 10    # a quick look
# Environment: SKIP_BUILD=1 reuses the last build, MVN_ARGS (e.g. -o), FRESHNESS_DIR (default /tmp/logberg-freshness).
set -euo pipefail
cd "$(dirname "$0")/.."

MINUTES=60 BASELINE_MINUTES=20 EVERY=5 LINES=200 COMMIT=30
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) MINUTES=$2 ;;
    --baselineMinutes) BASELINE_MINUTES=$2 ;;
    --fileEverySeconds) EVERY=$2 ;;
    --linesPerFile) LINES=$2 ;;
    --commitEverySeconds) COMMIT=$2 ;;
    *) echo "unknown option $1 (see the head of $0)" >&2; exit 2 ;;
  esac
  shift 2
done

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} package -DskipTests -pl runners/direct,runners/flink,bench -am
fi
OPENS=$(sed -n 's:.*<logberg.jvm.opens>\(.*\)</logberg.jvm.opens>.*:\1:p' pom.xml)
BENCH_CP="$PWD/bench/target/classes:$(cat bench/target/classpath.txt)"
DIR=${FRESHNESS_DIR:-/tmp/logberg-freshness}
OUT="bench/results/freshness-$(date -u +%Y%m%d-%H%M%S)"
rm -rf "$DIR"
mkdir -p "$DIR" "$OUT"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
COMMON=(--fileEverySeconds="$EVERY" --linesPerFile="$LINES" --commitEverySeconds="$COMMIT")

probe() { # name jar minutes [probe options...]
  local name=$1 jar=$2 minutes=$3
  shift 3
  java -Xmx1g -cp "$BENCH_CP" dev.logberg.bench.FreshnessProbe --work="$DIR/$name" --jar="$jar" \
    --minutes="$minutes" "${COMMON[@]}" "$@" > "$OUT/$name.tsv" 2> "$OUT/$name.err" &
}
probe direct-watch runners/direct/target/logberg-direct.jar "$MINUTES"
probe flink-watch runners/flink/target/logberg-flink.jar "$MINUTES" --jvm="-Xmx1g $OPENS" \
  --runnerArgs="--flinkMaster=[local] --parallelism=2"
probe direct-loop runners/direct/target/logberg-direct.jar "$BASELINE_MINUTES" --mode=loop
wait
for name in direct-watch flink-watch; do cp "$DIR/$name/watch.log" "$OUT/$name.watch.log"; done

# summary NAME FIELD: a field of a probe's summary line.
summary() { sed -n "s/^summary\t.*\t$2=\([^\t]*\).*/\1/p" "$OUT/$1.tsv"; }
# memory NAME: "first -> last" live heap and resident memory of the watch JVM.
memory() {
  awk -F'\t' '$1 == "memory" { split($3, h, "="); split($4, r, "="); if (!n++) { h0 = h[2]; r0 = r[2] }
    h1 = h[2]; r1 = r[2]; s = $2 } END { printf "live heap %s -> %s MB, RSS %s -> %s MB over %d min", h0, h1, r0, r1, s / 60 }' \
    "$OUT/$1.tsv"
}
line() { echo "$1: p50 $(summary "$1" p50_s) s, p95 $(summary "$1" p95_s) s, max $(summary "$1" max_s) s ($(summary "$1" landed) of $(summary "$1" files) files)"; }
MEDIANS="$(line direct-watch); $(line flink-watch); $(line direct-loop). Memory: Direct $(memory direct-watch); Flink $(memory flink-watch)"
RATIOS=$(awk -v w="$(summary direct-watch p50_s)" -v l="$(summary direct-loop p50_s)" -v f="$(summary flink-watch p50_s)" \
  -v w95="$(summary direct-watch p95_s)" -v f95="$(summary flink-watch p95_s)" 'BEGIN {
  printf "p50 Direct watch / run loop %.2f; targets p50 <= 30 s, p95 <= 60 s: Direct %s, Flink %s",
    w / l, (w <= 30 && w95 <= 60) ? "met" : "missed", (f <= 30 && f95 <= 60) ? "met" : "missed" }')
java -cp "$BENCH_CP" dev.logberg.bench.CurrentFigures --script=bench/run-freshness.sh \
  --measured="$(date -u "+%F %H:%M UTC")" \
  --machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load before: $LOAD_BEFORE; the three landings at once" \
  --data="a new file of $LINES lines every $EVERY s (a new application every 6 files), each appearing whole; a run every $COMMIT s" \
  --command="bench/run-freshness.sh --minutes $MINUTES --baselineMinutes $BASELINE_MINUTES --fileEverySeconds $EVERY --linesPerFile $LINES --commitEverySeconds $COMMIT" \
  --medians="$MEDIANS" --ratios="$RATIOS" > "$OUT/current.md"
cat "$OUT/current.md"
