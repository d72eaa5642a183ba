#!/usr/bin/env bash
# Memory given back: `sbfn serve --policy oneshot` boots and retires a worker for every
# request, so N sequential requests are N boot/retire cycles. Prints the server's RSS after
# a warm-up (the baseline), after every quarter of the cycles, and the growth per cycle;
# then the idle memory per booted function (RSS with K functions booted, per_worker, over
# the RSS with none). Supabase's runtime keeps ~2.5 MiB per retirement; the target is RSS
# back within 10 % of the baseline. Never part of `make test`.
#   [SBFN=binary] bench/memory.sh [cycles, default 1000] [functions, default 20]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cycles=${1:-1000}
functions=${2:-20}
sbfn="${SBFN:-$top/build/sbfn}"  # SBFN=path measures another build
source "$top/bench/common.sh"

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
post() { curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $anon" -d '{"name":"m"}' "$1"; }

cd "$work"
port=54393
NO_COLOR=1 "$sbfn" serve --port $port --no-watch --policy oneshot >"$work/oneshot.log" 2>&1 &
spid=$!
pids+=($spid)
url="http://127.0.0.1:$port/functions/v1/hello-world"
wait_ok "$url"
for _ in $(seq 1 50); do post "$url" >/dev/null; done  # warm-up: caches, arenas, code
sleep 0.5
baseline=$(rss_kb $spid)
printf '\n%s boot/retire cycles (--policy oneshot, one request each, sequential)\n' "$cycles"
printf '  baseline after 50 warm-up cycles: %s\n' "$(mb "$baseline")"
failed=0
for quarter in 1 2 3 4; do
  for _ in $(seq 1 $((cycles / 4))); do
    [[ $(post "$url") == 200 ]] || failed=$((failed + 1))
  done
  sleep 0.5  # the last worker's teardown
  now=$(rss_kb $spid)
  printf '  after %5d cycles: %s (%+.1f %%)\n' $((quarter * cycles / 4)) "$(mb "$now")" \
    "$(awk -v a="$now" -v b="$baseline" 'BEGIN { print (a - b) * 100 / b }')"
done
awk -v a="$now" -v b="$baseline" -v n="$cycles" \
  'BEGIN { printf "  growth per cycle: %.1f KiB\n", (a - b) / n }'
printf '  failed requests: %d\n' "$failed"
kill $spid; wait $spid 2>/dev/null || true

# Idle memory per booted function: K copies of hello-world, each booted once (per_worker
# keeps the worker), against the same server with none booted.
for i in $(seq 1 "$functions"); do
  mkdir -p "$work/functions/idle$i" && cp "$top/functions/hello-world/index.ts" "$work/functions/idle$i/index.ts"
done
NO_COLOR=1 "$sbfn" serve --port $port --no-watch >"$work/per_worker.log" 2>&1 &
spid=$!
pids+=($spid)
wait_ok "$url"
sleep 0.5
none=$(rss_kb $spid)
for i in $(seq 1 "$functions"); do post "http://127.0.0.1:$port/functions/v1/idle$i" >/dev/null; done
sleep 1
booted=$(rss_kb $spid)
printf '\nidle memory per booted function (%d booted, per_worker): %s each (RSS %s -> %s)\n' \
  "$functions" "$(awk -v a="$booted" -v b="$none" -v n="$functions" 'BEGIN { printf "%.2f MiB", (a - b) / n / 1024 }')" \
  "$(mb "$none")" "$(mb "$booted")"
