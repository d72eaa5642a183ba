#!/usr/bin/env bash
# Load figures for `sbfn serve`: many keep-alive connections spread over five functions,
# with the server's requests/s, errors, open fds and RSS before, during and after; Deno
# serving one copy of the same function takes the same load in the same run, for the ratio.
# Never part of `make test`.
#   [SBFN=binary] bench/load.sh [connections, default 1000] [seconds, default 30]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
connections=${1:-1000}
duration=${2:-30}
sbfn="${SBFN:-$top/build/sbfn}"  # SBFN=path measures another build

source "$top/bench/common.sh"
ulimit -n "$(ulimit -Hn)"  # wrk itself needs one fd per connection

for i in 1 2 3 4 5; do
  mkdir -p "$work/functions/fn$i"
  cp "$top/functions/hello-world/index.ts" "$work/functions/fn$i/index.ts"
done
cat >"$work/spread.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"name":"load"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $anon"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/functions/v1/fn" .. (n % 5 + 1))
end
LUA

rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
fds() { ls "/proc/$1/fd" | wc -l; }
threads() { awk '/Threads/ {print $2}' "/proc/$1/status"; }
run_wrk() { # name url
  wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s -s "$work/spread.lua" "$2" >"$work/$1.wrk" 2>&1
}
summary() { # name -> "rps non2xx socket_errors"
  local f="$work/$1.wrk"
  rps=$(awk '/Requests\/sec/ {print $2}' "$f")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$f"); non2xx=${non2xx:-0}
  sock=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$f"); sock=${sock:-0}
  echo "$rps $non2xx $sock"
}

cd "$work"
port=54392
NO_COLOR=1 "$sbfn" serve --port $port --no-watch >"$work/sbfn.log" 2>&1 &
spid=$!; pids+=($spid)
for i in 1 2 3 4 5; do wait_ok "http://127.0.0.1:$port/functions/v1/fn$i"; done
before="rss $(rss_mb $spid) MB, fds $(fds $spid), threads $(threads $spid)"
run_wrk sbfn "http://127.0.0.1:$port" &
wpid=$!
sleep $((duration / 2))
during="rss $(rss_mb $spid) MB, fds $(fds $spid), threads $(threads $spid)"
wait $wpid
sleep 2
after="rss $(rss_mb $spid) MB, fds $(fds $spid), threads $(threads $spid)"
wait_ok "http://127.0.0.1:$port/functions/v1/fn1"
read -r s_rps s_non2xx s_sock < <(summary sbfn)

DENO_DIR="$work/deno-cache" "$deno" run --quiet --allow-net --allow-env --import-map=import_map.json \
  functions/fn1/index.ts >"$work/deno.log" 2>&1 &
pids+=($!)
wait_ok "http://127.0.0.1:8000/"
run_wrk deno "http://127.0.0.1:8000"
read -r d_rps d_non2xx d_sock < <(summary deno)

printf '\n%s keep-alive connections over 5 functions, wrk -t2 -d%ss, POST JSON, JWT verified\n' "$connections" "$duration"
printf '%-24s %12s %10s %14s\n' "" "requests/s" "non-2xx" "socket errors"
printf '%-24s %12s %10s %14s\n' "sbfn serve" "$s_rps" "$s_non2xx" "$s_sock"
printf '%-24s %12s %10s %14s\n' "deno run (1 function)" "$d_rps" "$d_non2xx" "$d_sock"
awk -v a="$s_rps" -v b="$d_rps" 'BEGIN { printf "ratio sbfn/deno: %.2f\n", a / b }'
printf 'sbfn before: %s\nsbfn during: %s\nsbfn after:  %s\n' "$before" "$during" "$after"
