#!/usr/bin/env bash
# Issue 14's scale benchmark (BENCHMARKS.md, "Scale"): does an upsert's cost follow the batch, not the
# table, and does a table stay healthy over many runs?
#   1. Base tables of 1x, 2x and 4x UNIT of generated logs, each landed by the Direct jar and then maintained by
#      `upkeep` (as docs/UPKEEP.md recommends: compaction, and data manifests clustered by partition, so that a
#      batch's planning reads the manifests of its days rather than the one manifest of the whole landing); then
#      the same kind of small batch of a later day (REPS batches, different seeds) into each: the data table's
#      resolution time (from its log line), the existing files it read, and the job time (the run's "finished in").
#   2. On the 4x lake: INCREMENTS runs of a new small batch each (later days), three applications re-landed
#      (--reprocess), then `upkeep`; a fresh lake lands the same inputs in one run. Both data tables are scanned
#      in full by Iceberg's generic reader (ScaleScan) and by Spark SQL (bench/peer's SparkSqlScan).
#   bench/run-scale.sh                                   # the documented run: --unit 256MB (4x = 1 GB)
#   bench/run-scale.sh --unit 16MB --batch 1MB --reps 1 --increments 2   # a quick look
# Environment: XMX (default 3g), MVN_ARGS (e.g. -o), SKIP_BUILD=1, SCALE_DIR (default /tmp/logberg-scale).
set -euo pipefail
cd "$(dirname "$0")/.."

UNIT=256MB BATCH=3MB REPS=3 INCREMENTS=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --unit) UNIT=$2; shift 2 ;;
    --batch) BATCH=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --increments) INCREMENTS=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} install -DskipTests -pl runners/direct,bench -am
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} -f bench/peer/pom.xml package -DskipTests
fi

XMX=${XMX:-3g}
JAR=runners/direct/target/logberg-direct.jar
OPENS=$(sed -n 's:.*<logberg.jvm.opens>\(.*\)</logberg.jvm.opens>.*:\1:p' pom.xml)
BENCH_CP="bench/target/classes:$(cat bench/target/classpath.txt)"
PEER_CP="bench/peer/target/classes:$(cat bench/peer/target/classpath.txt)"
WORK=${SCALE_DIR:-/tmp/logberg-scale}
OUT=bench/results/scale-$(date -u +%Y%m%d-%H%M%S)
rm -rf "$WORK"
mkdir -p "$WORK" "$OUT"
RESULTS=$OUT/results.tsv
printf 'step\tlake\twall_s\tjob_s\tresolution_ms\texisting_files_read\n' > "$RESULTS"

generate() { # out size seed first-day
  java -cp testdata/target/classes dev.logberg.testdata.GenerateLogs \
    --out "$1" --size "$2" --seed "$3" --first-day "$4" > /dev/null
}

# Runs the Direct jar on one lake and records its times: run STEP LAKE ARGS...
run() {
  local step=$1 lake=$2
  shift 2
  local log=$OUT/$step-$(basename "$lake").log started ended
  started=$(date +%s%N)
  java -Xmx"$XMX" -jar "$JAR" "$@" --warehouse="$lake/warehouse" --progressSeconds=0 > "$log" 2>&1 || {
    echo "$step on $lake failed; see $log" >&2
    exit 1
  }
  ended=$(date +%s%N)
  local job res files
  job=$(grep -oP 'finished in \K[0-9.]+' "$log" || echo -)
  # The data table's in-process resolution (its metadata and rejects tables have their own lines).
  res=$(grep -oP 'merge keys of logs\.spark_logs in process in \K[0-9]+' "$log" | tail -1 || true)
  files=$(grep -oP 'merge keys of logs\.spark_logs in process in [0-9]+ ms: .*read \K[0-9]+(?= existing files)' \
    "$log" | tail -1 || true)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$step" "$(basename "$lake")" \
    "$(awk "BEGIN {printf \"%.1f\", ($ended - $started) / 1e9}")" "$job" "${res:--}" "${files:--}" >> "$RESULTS"
}

size_times() { # SIZE N -> N times SIZE in MB
  local n=${1%MB}
  echo "$((n * $2))MB"
}

echo "Scale benchmark: unit $UNIT, batch $BATCH, $REPS batches per size, $INCREMENTS increments -> $OUT"
for k in 1 2 4; do
  generate "$WORK/base-$k" "$(size_times "$UNIT" $k)" $((1000 + k)) 2025-01-14
  # A whole base lands in one batch: its resolution stays in process (the Direct runner's GroupByKey would hold
  # every keyed row in memory), as the batches' do.
  run base "$WORK/lake-$k" run --input="$WORK/base-$k" --resolveInProcessMaxRows=100000000
  # A maintained table, before the batches.
  run upkeep-base "$WORK/lake-$k" upkeep
done
for r in $(seq 1 "$REPS"); do
  generate "$WORK/batch-$r" "$BATCH" $((2000 + r)) 2025-03-0$((r % 9 + 1))
  for k in 1 2 4; do
    run "batch-$r" "$WORK/lake-$k" run --input="$WORK/batch-$r"
  done
done

# A year in miniature on the 4x lake.
inputs="$WORK/base-4"
for r in $(seq 1 "$REPS"); do inputs="$inputs,$WORK/batch-$r"; done
for i in $(seq 1 "$INCREMENTS"); do
  generate "$WORK/increment-$i" "$BATCH" $((3000 + i)) "$(date -u -d "2025-04-01 + $((i * 3)) days" +%F)"
  run "increment-$i" "$WORK/lake-4" run --input="$WORK/increment-$i"
  inputs="$inputs,$WORK/increment-$i"
done
relanded=$(find "$WORK/base-4" -maxdepth 1 -name 'spark-*' -type d | sort | head -3 | xargs -n1 basename | paste -sd,)
run reland "$WORK/lake-4" run --input="$WORK/base-4" --reprocess="$relanded"
run upkeep "$WORK/lake-4" upkeep
run fresh "$WORK/lake-fresh" run --input="$inputs" --resolveInProcessMaxRows=100000000

printf 'lake\ticeberg_scan_ms\trows\tdistinct_keys\tsnapshots\tdata_files\tdelete_files\tpartitions\tmax_files_per_partition\tspark_scan_ms\tspark_rows\tspark_distinct_keys\n' \
  > "$OUT/scans.tsv"
for lake in lake-4 lake-fresh; do
  # shellcheck disable=SC2086
  iceberg=$(java -Xmx"$XMX" $OPENS -cp "$BENCH_CP" dev.logberg.bench.ScaleScan --lake="$WORK/$lake" 2>> "$OUT/scan.log")
  # shellcheck disable=SC2086
  spark=$(java -Xmx"$XMX" $OPENS -cp "$PEER_CP" dev.logberg.bench.peer.SparkSqlScan --lake="$WORK/$lake" \
    2>> "$OUT/scan.log")
  printf '%s\t%s\t%s\n' "$lake" "$iceberg" "$spark" >> "$OUT/scans.tsv"
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
{
  echo "# Scale benchmark $(date -u +%FT%TZ)"
  echo
  echo "Command: bench/run-scale.sh --unit $UNIT --batch $BATCH --reps $REPS --increments $INCREMENTS"
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| lake | base rows | batch resolution ms (median) | existing files read | batch job s (median) |"
  echo "|---|---|---|---|---|"
  for k in 1 2 4; do
    rows=$(grep -oP 'Table logs\.spark_logs: \K[0-9,]+' "$OUT/base-lake-$k.log" | tr -d ,)
    res=$(awk -F'\t' -v l="lake-$k" '$1 ~ /^batch-/ && $2 == l {print $5}' "$RESULTS" | median)
    files=$(awk -F'\t' -v l="lake-$k" '$1 ~ /^batch-/ && $2 == l {print $6}' "$RESULTS" | median)
    job=$(awk -F'\t' -v l="lake-$k" '$1 ~ /^batch-/ && $2 == l {print $4}' "$RESULTS" | median)
    echo "| ${k}x | $rows | $res | $files | $job |"
  done
  echo
  echo "Upkeep of each base lake before the batches (its data table):"
  echo
  for k in 1 2 4; do
    echo "- ${k}x: $(grep -oP 'spark_logs: \Kcompacted.*' "$OUT/upkeep-base-lake-$k.log" | head -1)"
  done
  echo
  echo "Scans of the data table (after $INCREMENTS increments, 3 re-landed applications and upkeep, against a fresh"
  echo "lake with the same inputs):"
  echo
  echo '```'
  column -t -s $'\t' "$OUT/scans.tsv"
  echo '```'
} > "$OUT/report.md"

# The table that opens BENCHMARKS.md's scale section (dev.logberg.bench.CurrentFigures).
batch_median() { awk -F'\t' -v l="lake-$1" -v c="$2" '$1 ~ /^batch-/ && $2 == l {print $c}' "$RESULTS" | median; }
scan_ms() { awk -F'\t' -v l="$1" -v c="$2" '$1 == l {print $c}' "$OUT/scans.tsv"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
java -cp "$BENCH_CP" dev.logberg.bench.CurrentFigures --script=bench/run-scale.sh \
  --measured="$(date -u +%FT%TZ)" \
  --machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load before: $(cut -d' ' -f1-3 /proc/loadavg)" \
  --data="GenerateLogs base trees of 1x, 2x and 4x $UNIT, $REPS batches of $BATCH, $INCREMENTS increments" \
  --command="bench/run-scale.sh --unit $UNIT --batch $BATCH --reps $REPS --increments $INCREMENTS" \
  --medians="batch resolution ms 1x, 2x, 4x: $(batch_median 1 5), $(batch_median 2 5), $(batch_median 4 5); batch job s: $(batch_median 1 4), $(batch_median 2 4), $(batch_median 4 4); full scan ms, 4x after the increments / fresh lake: Iceberg $(scan_ms lake-4 2) / $(scan_ms lake-fresh 2), Spark SQL $(scan_ms lake-4 10) / $(scan_ms lake-fresh 10)" \
  --ratios="4x / 1x: batch job $(ratio "$(batch_median 4 4)" "$(batch_median 1 4)"), resolution $(ratio "$(batch_median 4 5)" "$(batch_median 1 5)"); after the increments / fresh: Iceberg scan $(ratio "$(scan_ms lake-4 2)" "$(scan_ms lake-fresh 2)"), Spark SQL scan $(ratio "$(scan_ms lake-4 10)" "$(scan_ms lake-fresh 10)")" \
  > "$OUT/current.md"
{ echo; cat "$OUT/current.md"; } >> "$OUT/report.md"
cat "$OUT/report.md"
