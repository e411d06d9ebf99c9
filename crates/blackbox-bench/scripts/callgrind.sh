#!/usr/bin/env bash
# Instructions per call (callgrind) for every client and transport: the
# difference between a long and a short run removes start-up. Usage:
#   crates/blackbox-bench/scripts/callgrind.sh [BIN] > report.md
# BIN defaults to target/bench/release/blackbox-bench (built with
# `cargo build -p blackbox-bench --release --target-dir target/bench`).
# CLIENTS and SCENARIOS may be set in the environment to run a subset.
set -euo pipefail
bin=${1:-target/bench/release/blackbox-bench}
work=$(mktemp -d)
ca="$work/ca.pem"
# The responder stops when its standard input closes: keep a pipe open to it.
mkfifo "$work/stdin"
"$bin" responder --ca-out "$ca" --seconds 3600 < "$work/stdin" > "$work/urls" 2> "$work/responder.err" &
responder=$!
exec 3> "$work/stdin"
trap 'exec 3>&-; kill "$responder" 2>/dev/null || true; wait "$responder" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  [ -s "$work/urls" ] && [ "$(wc -l < "$work/urls")" -ge 3 ] && break
  sleep 0.1
done
# The responder prints its three listeners, one URL a line: plain HTTP/1.1,
# TLS with http/1.1 only, TLS with h2 first.
mapfile -t urls < <(grep -Eo 'https?://[^ ]+' "$work/urls" | head -3)
clients=${CLIENTS:-"floor sdk sdk-funcs reqwest"}
scenarios=${SCENARIOS:-"get_session:1 get_session:64 list_sessions:64"}
names=("HTTP/1.1" "HTTP/1.1+TLS" "HTTP/2+TLS")

instructions() { # client op in_flight calls url
  local out="$work/cg.out"
  valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" client \
    --client "$1" --op "$2" --in-flight "$3" --calls "$4" --url "$5" --ca "$ca" \
    > /dev/null 2> "$work/valgrind.err"
  grep -E '^(summary|totals):' "$out" | head -1 | awk '{print $2}'
}

echo "| scenario | client | instructions per call |"
echo "|---|---|--:|"
for scenario in $scenarios; do
  op=${scenario%%:*}
  in_flight=${scenario##*:}
  if [ "$op" = list_sessions ]; then short=300 long=900; else short=1000 long=3000; fi
  for index in 0 1 2; do
    for client in $clients; do
      a=$(instructions "$client" "$op" "$in_flight" "$short" "${urls[$index]}")
      b=$(instructions "$client" "$op" "$in_flight" "$long" "${urls[$index]}")
      echo "| $op ${names[$index]} ×$in_flight | $client | $(( (b - a) / (long - short) )) |"
    done
  done
done
