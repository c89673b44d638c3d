#!/usr/bin/env bash
# Issue 29's estate benchmark (BENCHMARKS.md, "Estate"): does a first run over N tiny applications cost
# O(N), and does a steady-state run (a few new applications on top of N landed ones) cost the new work?
#   For each runner jar and each N: a fresh lake; a first run over N applications of 2 files x 5 lines
#   (the job time, its cost per application, the data files it wrote); then NEW more applications and a
#   second run over all N + NEW folders (the steady state: listing N + NEW folders, landing NEW). Each run's
#   peak resident memory comes from /usr/bin/time.
#   With BEFORE=<folder holding logberg-direct.jar / logberg-flink.jar of another build> the same runs are
#   made with those jars too, in the same invocation, alternating (before/after on the same machine state).
#   bench/run-estate.sh                                  # N = 1000 4000, Direct and Flink [local] p=2
#   bench/run-estate.sh --apps "1000 4000 16000" --runners direct
#   bench/run-estate.sh --apps "1000 4000 16000" --runners spark   # Spark local[2]
#   bench/run-estate.sh --apps "" --listing 50000    # listing alone: a first run capped at one application
#     (--maxApplications=1) lists and plans all N folders and lands one; minus a one-application run, that is
#     the cost of discovery over N folders.
# Environment: XMX (default 2g), SKIP_BUILD=1, ESTATE_DIR (default /tmp/logberg-estate), BEFORE.
#
# The applications are written here rather than by testdata's GenerateLogs, whose trees are sized in bytes
# (a few large applications); this needs many tiny ones. Each line is a valid flat Fluent Bit record
# (shape B of testdata/README.md), so every line lands and nothing is rejected.
set -euo pipefail
cd "$(dirname "$0")/.."

APPS="1000 4000" NEW=10 RUNNERS="direct flink" LISTING=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --apps) APPS=$2; shift 2 ;;
    --listing) LISTING=$2; shift 2 ;;
    --new) NEW=$2; shift 2 ;;
    --runners) RUNNERS=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  for r in $RUNNERS; do
    mvn -B -q package -DskipTests -pl "runners/$r" -am
  done
fi

XMX=${XMX:-2g}
WORK=${ESTATE_DIR:-/tmp/logberg-estate}
OUT=bench/results/estate-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$WORK" "$OUT"
RESULTS=$OUT/results.tsv
printf 'build\trunner\tapps\tfirst_job_s\tms_per_app\tdata_files\tfirst_rss_mb\tsteady_job_s\tsteady_rss_mb\n' \
  > "$RESULTS"
{ uname -a; nproc; free -g | head -2; uptime; } > "$OUT/machine.txt"

# Writes applications FROM..FROM+COUNT-1 under DIR: two pods, one file of five lines each.
generate() {
  python3 - "$1" "$2" "$3" <<'EOF'
import hashlib, os, sys
out, start, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(start, start + count):
    app = "spark-" + hashlib.md5(str(i).encode()).hexdigest()
    for pod in ("driver", "exec-1"):
        folder = os.path.join(out, app, f"app{i}-{pod}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"app{i}-{pod}_000000_a.json"), "w") as f:
            for line in range(5):
                f.write('{"time":"2025-01-15T06:%02d:%02d.%06dZ","namespace":"spark-jobs",'
                        '"pod_name":"app%d-%s","container_name":"spark","app":"app%d","role":"%s",'
                        '"level":"INFO","message":"line %d of app %d"}\n'
                        % (i // 60 % 60, i % 60, line, i, pod, i, pod, line, i))
EOF
}

jar_of() { # build runner
  if [[ $1 == before ]]; then echo "$BEFORE/logberg-$2.jar"; else echo "runners/$2/target/logberg-$2.jar"; fi
}

# One run; prints its job time in seconds. run BUILD RUNNER LAKE INPUT LOG [OPTION...]
run() {
  local jar extra=()
  jar=$(jar_of "$1" "$2")
  [[ $2 == flink ]] && extra=(--flinkMaster=[local] --parallelism=2)
  [[ $2 == spark ]] && extra=(--sparkMaster=local[2])
  /usr/bin/time -f %M -o "$5.rss" java -Xmx"$XMX" -jar "$jar" run "${extra[@]}" "${@:6}" --input="$4" \
    --warehouse="$3/warehouse" --progressSeconds=30 > "$5" 2>&1 || { echo "run failed; see $5" >&2; exit 1; }
  sed -n 's/^Run .* finished in \([0-9.]*\) s$/\1/p' "$5"
}

# Peak resident memory of the run that wrote LOG, in MB.
rss_mb() { awk '{ printf "%d", $1 / 1024 }' "$1.rss"; }

BUILDS="after"
[[ -n "${BEFORE:-}" ]] && BUILDS="before after"
for n in $APPS; do
  input=$WORK/input-$n
  if [[ ! -d $input ]]; then generate "$input" 0 "$n"; fi
  for runner in $RUNNERS; do
    for build in $BUILDS; do
      lake=$WORK/lake-$build-$runner-$n
      steady=$WORK/steady-$build-$runner-$n
      rm -rf "$lake" "$steady"
      mkdir -p "$lake"
      log=$OUT/$build-$runner-$n
      first=$(run "$build" "$runner" "$lake" "$input" "$log-first.log")
      files=$(sed -n 's/^Table logs.spark_logs: .* in \([0-9,]*\) data files.*/\1/p' "$log-first.log")
      # The steady state: the same folders plus NEW new applications, listed from one root.
      cp -r "$input" "$steady"
      generate "$steady" "$n" "$NEW"
      second=$(run "$build" "$runner" "$lake" "$steady" "$log-steady.log")
      per_app=$(awk -v s="$first" -v n="$n" 'BEGIN { printf "%.1f", s * 1000 / n }')
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$build" "$runner" "$n" "$first" "$per_app" "$files" \
        "$(rss_mb "$log-first.log")" "$second" "$(rss_mb "$log-steady.log")" | tee -a "$RESULTS"
      rm -rf "$steady"
    done
  done
done
if [[ -n $LISTING ]]; then
  LISTED=$OUT/listing.tsv
  printf 'runner\tfolders\tcapped_job_s\tone_app_job_s\tlisting_s\tcapped_rss_mb\n' > "$LISTED"
  one=$WORK/input-1
  [[ -d $one ]] || generate "$one" 0 1
  for n in $LISTING; do
    input=$WORK/input-$n
    [[ -d $input ]] || generate "$input" 0 "$n"
    for runner in $RUNNERS; do
      rm -rf "$WORK/listing-$runner-$n" "$WORK/listing-$runner-1"
      mkdir -p "$WORK/listing-$runner-$n" "$WORK/listing-$runner-1"
      log=$OUT/listing-$runner-$n
      capped=$(run after "$runner" "$WORK/listing-$runner-$n" "$input" "$log.log" --maxApplications=1)
      single=$(run after "$runner" "$WORK/listing-$runner-1" "$one" "$log-one.log")
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$runner" "$n" "$capped" "$single" \
        "$(awk -v c="$capped" -v o="$single" 'BEGIN { printf "%.1f", c - o }')" "$(rss_mb "$log.log")" \
        | tee -a "$LISTED"
    done
  done
  echo "listing: $LISTED"
fi
echo "results: $RESULTS"
