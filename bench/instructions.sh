#!/usr/bin/env bash
# User-space instructions per request of `sbfn serve` (hello-world POST, JWT verified),
# counted by valgrind's callgrind in the steady state: the server runs under callgrind with
# instrumentation off while it starts, then a warm-up load (the JIT settles), then the
# counters are zeroed and a second load is counted. CPU limits are lifted so no worker is
# retired during the count. Unlike requests/s or CPU time, the figure is the same on an
# idle and a busy machine, so it shows what a change on the hot path did. Prints the
# figure for each binary given (BASELINE: an older build, measured first).
# KEEP=folder keeps each callgrind profile there (<name>.callgrind, for callgrind_annotate).
#   [SBFN=binary] [BASELINE=other sbfn binary] [KEEP=folder] bench/instructions.sh [seconds, default 20]
# Needs valgrind. Never part of `make test`.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
duration=${1:-20}
sbfn="${SBFN:-$top/build/sbfn}"
baseline="${BASELINE:-}"
command -v valgrind >/dev/null || { echo "bench: valgrind is missing (apt-get install valgrind)"; exit 1; }
source "$top/bench/common.sh"

count() { # name binary port -> "<name>: N requests, M instructions/request"
  local name=$1 binary=$2 port=$3 out="$work/$1.callgrind"
  (cd "$work" && NO_COLOR=1 exec valgrind --tool=callgrind --smc-check=all-non-file \
    --instr-atstart=no --callgrind-out-file="$out" "$binary" serve --port "$port" --no-watch \
    --cpu-soft-limit 3600000 --cpu-hard-limit 3600000 --wall-clock-limit 3600000 \
    >"$work/$name.log" 2>&1) &
  local pid=$!
  pids+=($pid)
  for _ in $(seq 1 120); do grep -q Serving "$work/$name.log" 2>/dev/null && break; sleep 1; done
  local url="http://127.0.0.1:$port/functions/v1/hello-world"
  callgrind_control -i on "$pid" >/dev/null
  wrk -t1 -c4 -d"$((duration * 3 / 2))s" -s "$work/post.lua" "$url" >/dev/null
  callgrind_control -z "$pid" >/dev/null
  local requests
  requests=$(wrk -t1 -c4 -d"${duration}s" -s "$work/post.lua" "$url" | awk '/requests in/ {print $1}')
  callgrind_control -d "$pid" >/dev/null
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  if [[ -n ${KEEP:-} ]]; then mkdir -p "$KEEP" && cp "$out".1 "$KEEP/$name.callgrind"; fi
  local total
  total=$(callgrind_annotate "$out".1 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  awk -v n="$name" -v r="$requests" -v t="$total" \
    'BEGIN { printf "%-10s %8d requests, %7.0f instructions/request\n", n ":", r, t / r }'
}

if [[ -n $baseline ]]; then count baseline "$baseline" 54396; fi
count sbfn "$sbfn" 54397
