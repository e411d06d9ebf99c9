#!/usr/bin/env bash
# Cold release builds of the one-operation SDK program against the hand-written
# floor, in interleaved pairs (the order alternates, so neither always runs
# first): each build gets a fresh target directory, nothing else should run.
# Usage: crates/blackbox-bench/scripts/cold-build.sh [PAIRS] > report.md
# (PAIRS defaults to 4; one pair takes about 2.5 minutes on 2 cores.)
set -euo pipefail
size="$(cd "$(dirname "$0")/.." && pwd)/size"
pairs=${1:-4}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

seconds() { # package: prints the wall-clock seconds of a cold release build
  local target="$work/$1" started ended
  rm -rf "$target"
  started=$(date +%s.%N)
  (cd "$size/$1" && CARGO_TARGET_DIR="$target" cargo build --release --quiet) >&2
  ended=$(date +%s.%N)
  rm -rf "$target"
  echo "$ended - $started" | bc
}

echo "| pair | floor s | sdk-one s | sdk-one ÷ floor |"
echo "|---|--:|--:|--:|"
ratios=()
for pair in $(seq "$pairs"); do
  if (( pair % 2 )); then
    floor=$(seconds floor); sdk=$(seconds sdk-one)
  else
    sdk=$(seconds sdk-one); floor=$(seconds floor)
  fi
  ratio=$(printf '%.3f' "$(echo "scale=4; $sdk / $floor" | bc)")
  ratios+=("$ratio")
  printf '| %s | %.1f | %.1f | %s |\n' "$pair" "$floor" "$sdk" "$ratio"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{r[NR]=$1; s+=$1} END {
  printf "\nmean %.3f, median %.3f, min %.3f, max %.3f over %d pairs\n",
    s/NR, (NR%2 ? r[(NR+1)/2] : (r[NR/2]+r[NR/2+1])/2), r[1], r[NR], NR }'
