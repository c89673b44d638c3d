#!/usr/bin/env bash
# Builds the upsert library and the harness, then runs the end-to-end upsert benchmark (see BENCHMARKS.md).
#   bench/run-upsert.sh                                  # the documented run: 1M and 2M rows
#   bench/run-upsert.sh --sizes=100000 --seriesSizes=20000 --reps=1 --rounds=2 --scanReps=1   # a quick look (40 s)
# Harness options: --sizes --reps --rounds --scanReps --rowsPerFile --seriesSizes --upsertCapSeconds --warmup
# --formatVersion --dir (see BENCHMARKS.md); every other --x=y goes to Beam's PipelineOptions.
# Environment: BENCH_XMX (default 6g), MVN_ARGS (e.g. -o to build offline), SKIP_BUILD=1 to reuse the last build.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} install -DskipTests -pl upsert -am
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} -pl bench package -DskipTests
fi

# The Java 17 opens every launch of the project uses (root pom property logberg.jvm.opens).
OPENS=$(sed -n 's:.*<logberg.jvm.opens>\(.*\)</logberg.jvm.opens>.*:\1:p' pom.xml)
CP="bench/target/classes:$(cat bench/target/classpath.txt)"
mkdir -p bench/results

exec java -Xmx"${BENCH_XMX:-6g}" $OPENS -cp "$CP" \
  -Dbench.command="bench/run-upsert.sh $*" \
  dev.logberg.bench.UpsertBenchmark "$@"
