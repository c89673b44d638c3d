#!/usr/bin/env bash
# Issue 26's layout benchmark (BENCHMARKS.md, "Layout for readers"): how much of the data table a reader opens for
# one application, and Spark SQL's time for that query. A generated tree is landed by the Flink jar (local, p=2)
# and maintained by `upkeep`, then LayoutProbe judges every live row group by its Parquet footer with Iceberg's
# row-group filter, for `spark_app_selector = X` and for X on one day, and bench/peer's SparkSqlAppQuery times
# the same queries.
#   bench/run-layout.sh                         # 1 GB tree, this checkout's jars
#   BEFORE_JARS=/path/to/old/checkout bench/run-layout.sh --size 100MB   # and the same with an older checkout's
#                                               # jars (its runners/flink/target/logberg-flink.jar), in the same run
# Environment: SKIP_BUILD=1 reuses the last build, MVN_ARGS (e.g. -o), LAYOUT_DIR (default /tmp/logberg-layout).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=1GB SEED=20250115
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size) SIZE=$2 ;;
    --seed) SEED=$2 ;;
    *) echo "unknown option $1 (see the head of $0)" >&2; exit 2 ;;
  esac
  shift 2
done

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} package -DskipTests -pl runners/flink,bench -am
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} -f bench/peer/pom.xml package -DskipTests
fi
OPENS=$(sed -n 's:.*<logberg.jvm.opens>\(.*\)</logberg.jvm.opens>.*:\1:p' pom.xml)
BENCH_CP="$PWD/bench/target/classes:$(cat bench/target/classpath.txt)"
PEER_CP="$PWD/bench/peer/target/classes:$(cat bench/peer/target/classpath.txt)"
DIR=${LAYOUT_DIR:-/tmp/logberg-layout}
# The tree is generated once per size and seed and reused (same seed, same bytes).
TREE=$(bench/generate-tree.sh "$BENCH_CP" "$DIR" "$SIZE" "$SEED")

OUT="bench/results/layout-$SIZE-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# Lands the tree with one checkout's Flink jar into a fresh lake, runs its upkeep, and measures the lake into
# $OUT/<name>.tsv (LayoutProbe's and SparkSqlAppQuery's lines, and the upkeep's seconds).
measure() {
  local name=$1 checkout=$2 lake="$DIR/lake-$1-$SIZE"
  rm -rf "$lake"
  echo "== $name ($checkout)"
  # shellcheck disable=SC2086
  java -Xmx2g $OPENS -jar "$checkout/runners/flink/target/logberg-flink.jar" --input="$TREE/spark-application-logs" \
    --warehouse="$lake/warehouse" --progressSeconds=0 > "$lake.run.log" 2>&1
  grep 'finished in' "$lake.run.log"
  local started=$SECONDS
  # shellcheck disable=SC2086
  java -Xmx2g $OPENS -jar "$checkout/runners/flink/target/logberg-flink.jar" upkeep --warehouse="$lake/warehouse" \
    > "$lake.upkeep.log" 2>&1
  {
    printf 'upkeep_s\t%d\n' $((SECONDS - started))
    java -Xmx2g -cp "$BENCH_CP" dev.logberg.bench.LayoutProbe --lake="$lake" 2> "$lake.probe.log"
    # shellcheck disable=SC2086
    java -Xmx2g $OPENS -cp "$PEER_CP" dev.logberg.bench.peer.SparkSqlAppQuery --lake="$lake" 2> "$lake.spark.log"
  } > "$OUT/$name.tsv"
  cat "$OUT/$name.tsv"
}

if [[ -n "${BEFORE_JARS:-}" ]]; then
  measure before "$BEFORE_JARS"
fi
measure after "$PWD"

# The table that opens BENCHMARKS.md's layout section (dev.logberg.bench.CurrentFigures).
field() { awk -F'\t' -v k="$2" -v n="$3" '$1 == k && (n == "" || $2 == n) {print $0}' "$OUT/$1.tsv"; }
value() { field "$1" "$2" "$3" | awk -F'\t' -v c="$4" '{print $c}'; }
figures() {
  echo "$1: one application (median-sized) opens $(value "$1" median_app "" 6) of the bytes, with one day" \
    "$(value "$1" median_app "" 8); every application: median $(value "$1" all_apps app 4), max" \
    "$(value "$1" all_apps app 8); Spark SQL $(value "$1" spark_sql app 4) ms, with one day" \
    "$(value "$1" spark_sql app_day 4) ms; upkeep $(value "$1" upkeep_s "" 2) s; $(value "$1" table "" 6) row groups"
}
MEDIANS="$(figures after)"
RATIOS="target: one application opens <= 0.02 of the bytes (after: $(value after median_app "" 6))"
if [[ -n "${BEFORE_JARS:-}" ]]; then
  MEDIANS="$(figures before); $MEDIANS"
  RATIOS="$RATIOS; Spark SQL after / before $(awk -v a="$(value after spark_sql app 4)" \
    -v b="$(value before spark_sql app 4)" 'BEGIN {printf "%.2f", a / b}')"
fi
java -cp "$BENCH_CP" dev.logberg.bench.CurrentFigures --script=bench/run-layout.sh \
  --measured="$(date -u +%FT%TZ)" \
  --machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load before: $LOAD_BEFORE" \
  --data="GenerateLogs --size $SIZE --seed $SEED, landed by the Flink jar (local, p=2), then upkeep" \
  --command="bench/run-layout.sh --size $SIZE --seed $SEED" \
  --medians="$MEDIANS" --ratios="$RATIOS" > "$OUT/current.md"
cat "$OUT/current.md"
