#!/usr/bin/env bash
# Server CPU per request (user + system time of the server process / requests answered),
# hello-world POST with JWT verified, wrk -t1 -c50. Unlike requests/s this figure holds up
# on a busy machine, so it is the one to compare before/after a change on the hot path.
# Deno serving the same function is measured in the same run, for the ratio.
#   [SBFN=binary] [BASELINE=other sbfn binary] bench/cpu_per_request.sh [seconds, default 8] [rounds, default 3]
# Never part of `make test`.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
duration=${1:-8}
rounds=${2:-3}
sbfn="${SBFN:-$top/build/sbfn}"
baseline="${BASELINE:-}"

source "$top/bench/common.sh"

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# name pid url -> prints "µs-per-request requests/s"
measure() {
  wait_ok "$3"
  local before after requests
  before=$(cpu_ticks "$2")
  wrk -t1 -c50 -d"${duration}s" -s "$work/post.lua" "$3" >"$work/$1.wrk"
  after=$(cpu_ticks "$2")
  requests=$(awk '/requests in/ {print $1}' "$work/$1.wrk")
  awk -v t=$((after - before)) -v hz="$ticks" -v n="$requests" -v d="$duration" \
    'BEGIN { printf "%.2f %.0f\n", t / hz * 1e6 / n, n / d }'
}
start_sbfn() { # binary port -> pid
  (cd "$work" && NO_COLOR=1 exec "$1" serve --port "$2" --no-watch >>"$work/sbfn.log" 2>&1) &
  echo $!
}

cd "$work"
DENO_DIR="$work/deno-cache" "$deno" run --quiet --allow-net --allow-env --import-map=import_map.json \
  functions/hello-world/index.ts >"$work/deno.log" 2>&1 &
dpid=$!; pids+=($dpid)
spid=$(start_sbfn "$sbfn" 54393); pids+=($spid)
if [[ -n $baseline ]]; then bpid=$(start_sbfn "$baseline" 54394); pids+=($bpid); fi

printf '%-10s %-22s %12s %12s\n' round server "µs CPU/req" "requests/s"
declare -A sum
for round in $(seq 1 "$rounds"); do
  read -r us rps < <(measure sbfn "$spid" "http://127.0.0.1:54393/functions/v1/hello-world")
  printf '%-10s %-22s %12s %12s\n' "$round" "sbfn" "$us" "$rps"; sum[sbfn]+=" $us"
  if [[ -n $baseline ]]; then
    read -r us rps < <(measure base "$bpid" "http://127.0.0.1:54394/functions/v1/hello-world")
    printf '%-10s %-22s %12s %12s\n' "$round" "sbfn baseline" "$us" "$rps"; sum[base]+=" $us"
  fi
  read -r us rps < <(measure deno "$dpid" "http://127.0.0.1:8000/")
  printf '%-10s %-22s %12s %12s\n' "$round" "deno run" "$us" "$rps"; sum[deno]+=" $us"
done
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
s=$(median "${sum[sbfn]}"); d=$(median "${sum[deno]}")
printf '\nmedian µs CPU per request: sbfn %s, deno %s; sbfn/deno %.2f (lower is better)\n' "$s" "$d" "$(awk -v a="$s" -v b="$d" 'BEGIN{print a/b}')"
if [[ -n $baseline ]]; then
  b=$(median "${sum[base]}")
  printf 'baseline %s: sbfn/baseline %.2f\n' "$b" "$(awk -v a="$s" -v b="$b" 'BEGIN{print a/b}')"
fi
