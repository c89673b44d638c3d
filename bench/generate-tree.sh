#!/usr/bin/env bash
# Generates a log tree once per size and seed (same seed, same bytes) into DIR/data-SIZE-seedSEED, and prints its path.
#   bench/generate-tree.sh CLASSPATH DIR SIZE SEED      (CLASSPATH holds the testdata module, as the bench's does)
set -euo pipefail
CP=$1 DIR=$2 SIZE=$3 SEED=$4
TREE="$DIR/data-$SIZE-seed$SEED"
if [[ ! -f $TREE/manifest.json ]]; then
  rm -rf "$TREE"
  java -cp "$CP" dev.logberg.testdata.GenerateLogs --out "$TREE/spark-application-logs" --size "$SIZE" \
    --seed "$SEED" --manifest "$TREE/manifest.json.part" >&2
  mv "$TREE/manifest.json.part" "$TREE/manifest.json"
fi
echo "$TREE"
