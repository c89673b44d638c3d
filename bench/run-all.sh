#!/usr/bin/env bash
# Logberg end to end (Direct, Flink local p=2, Spark local[2]) against the limit (plain JVM + Iceberg's generic writer)
# and the peer (Spark SQL 3.5 + Iceberg), on one generated tree; see BENCHMARKS.md.
#   bench/run-all.sh                       # 100 MB tree, 3 interleaved reps of every contender, JFR profile of Direct
#   bench/run-all.sh --size 1GB --reps 1 --profile false --xmx 8g   # the 1 GB runner figures (issue 5), ~15 min
# Options: --size (100MB), --reps (3), --seed (20250115), --contenders (limit,direct,direct-checks,peer,flink,spark;
#          also direct-nochecks, spark-memdisk),
#          --profile true|false (true), --xmx (2g: the heap of every contender's JVM).
# Environment: SKIP_BUILD=1 reuses the last build (the runner jars must exist), MVN_ARGS (e.g. -o to build offline).
# Writes bench/results/e2e-<size>-<time>/ (report.md, runs.csv, profile.md, each run's output) and prints the report.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=100MB REPS=3 SEED=20250115 CONTENDERS=limit,direct,direct-checks,peer,flink,spark PROFILE=true XMX=2g
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size) SIZE=$2 ;;
    --reps) REPS=$2 ;;
    --seed) SEED=$2 ;;
    --contenders) CONTENDERS=$2 ;;
    --profile) PROFILE=$2 ;;
    --xmx) XMX=$2 ;;
    *) echo "unknown option $1 (see the head of $0)" >&2; exit 2 ;;
  esac
  shift 2
done

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  # The runner jars bring the pipeline and its modules; bench and the peer (outside the reactor) come after.
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} install -DskipTests -pl runners/direct,runners/flink,runners/spark,testdata -am
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} -pl bench package -DskipTests
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} -f bench/peer/pom.xml package -DskipTests
fi
for jar in runners/direct/target/logberg-direct.jar runners/flink/target/logberg-flink.jar \
    runners/spark/target/logberg-spark.jar bench/target/classpath.txt bench/peer/target/classpath.txt; do
  [[ -f $jar ]] || { echo "missing $jar: run without SKIP_BUILD=1" >&2; exit 1; }
done

OPENS=$(sed -n 's:.*<logberg.jvm.opens>\(.*\)</logberg.jvm.opens>.*:\1:p' pom.xml)
BENCH_CP="$PWD/bench/target/classes:$(cat bench/target/classpath.txt)"
PEER_CP="$PWD/bench/peer/target/classes:$(cat bench/peer/target/classpath.txt)"

# The tree is generated once per size and seed and reused (same seed, same bytes).
TREE=$(bench/generate-tree.sh "$BENCH_CP" bench/results "$SIZE" "$SEED")

OUT="bench/results/e2e-$SIZE-$(date -u +%Y%m%d-%H%M%S)"
exec java -Xmx1g -cp "$BENCH_CP" dev.logberg.bench.EndToEndBenchmark --tree="$TREE" --out="$OUT" --reps="$REPS" \
  --contenders="$CONTENDERS" --profile="$PROFILE" --xmx="$XMX" --opens="$OPENS" \
  --benchClasspath="$BENCH_CP" --peerClasspath="$PEER_CP" \
  --directJar="$PWD/runners/direct/target/logberg-direct.jar" --flinkJar="$PWD/runners/flink/target/logberg-flink.jar" \
  --sparkJar="$PWD/runners/spark/target/logberg-spark.jar" --command="bench/run-all.sh $*"
