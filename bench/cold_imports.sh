#!/usr/bin/env bash
# Side-by-side: how long a function importing npm:@supabase/supabase-js@2 takes from
# process start to its first 200, sbfn serve against `deno run`, in the same run, on an
# empty cache (SBFN_CACHE_DIR / DENO_DIR: every package downloaded from the public npm
# registry) and on a warm one. The function is the one of tests/specs/npm_public/
# supabase_js; its query goes to a fake PostgREST on 127.0.0.1. Prints the median of
# several runs and the sbfn/deno ratio; never asserts a time. Needs the public registry.
#   [SBFN=binary] bench/cold_imports.sh [runs, default 5]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
sbfn="${SBFN:-$top/build/sbfn}"
source "$top/bench/common.sh"

registry=https://registry.npmjs.org/
curl -sf -m 10 -o /dev/null -H 'Accept: application/vnd.npm.install-v1+json' "${registry}ms" || {
  echo "bench: the public npm registry $registry cannot be reached"
  exit 1
}

now_ms() { date +%s%3N; }
wait_200() { # url -> waits (up to 60 s) until a GET answers 200
  for _ in $(seq 1 6000); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $anon" "$1" || true)
    [[ $code == 200 ]] && return 0
    [[ $code == 5* ]] && { echo "bench: $1 answered $code"; exit 1; }
    sleep 0.01
  done
  echo "bench: $1 never answered 200"
  exit 1
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# The fake PostgREST: every GET answers two rows, as PostgREST would.
cat >"$work/postgrest.py" <<'PY'
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_GET(self):
        body = b'[{"id":1,"title":"Write tests"},{"id":3,"title":"Ship it"}]'
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Range", "0-1/*")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
coproc postgrest { exec python3 "$work/postgrest.py"; }
pids+=("$postgrest_PID")
read -r pg_port <&"${postgrest[0]}"
pg="http://127.0.0.1:$pg_port"

mkdir -p "$work/bench/functions"
cp -r "$top/tests/specs/npm_public/supabase_js/functions/todos" "$work/bench/functions/todos"
cd "$work/bench"
sbfn_port=54393
deno_port=8000  # Deno.serve's default: the function is run as written

sbfn_once() { # cache dir -> ms from start to first 200
  local start pid
  start=$(now_ms)
  SBFN_CACHE_DIR="$1" NPM_CONFIG_REGISTRY=$registry NO_COLOR=1 "$sbfn" serve --port $sbfn_port \
    --no-watch --supabase-url "$pg" >>"$work/sbfn.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_200 "http://127.0.0.1:$sbfn_port/functions/v1/todos"
  echo $(($(now_ms) - start))
  stop "$pid"
}

deno_once() { # DENO_DIR -> ms from start to first 200
  local start pid
  start=$(now_ms)
  DENO_DIR="$1" NPM_CONFIG_REGISTRY=$registry SUPABASE_URL="$pg" SUPABASE_ANON_KEY="$anon" \
    "$deno" run -A --quiet functions/todos/index.ts >>"$work/deno.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_200 "http://127.0.0.1:$deno_port/todos"
  echo $(($(now_ms) - start))
  stop "$pid"
}

: >"$work/times"
for i in $(seq 1 "$runs"); do
  # Alternate who goes first, so neither always meets a registry cache the other warmed.
  if ((i % 2)); then order="sbfn deno"; else order="deno sbfn"; fi
  for who in $order; do
    dir="$work/cache-$who-$i"
    cold=$("${who}_once" "$dir")
    warm=$("${who}_once" "$dir")
    echo "$who cold $cold" >>"$work/times"
    echo "$who warm $warm" >>"$work/times"
    printf 'run %d %-4s cold %6d ms  warm %5d ms\n' "$i" "$who" "$cold" "$warm"
  done
done

pick() { awk -v w="$1" -v c="$2" '$1 == w && $2 == c { print $3 }' "$work/times" | median; }
printf '\nnpm:@supabase/supabase-js@2 function, process start to first 200 (median of %d)\n' "$runs"
printf '%-6s %12s %12s\n' "" "sbfn serve" "deno run"
for cache in cold warm; do
  s=$(pick sbfn $cache)
  d=$(pick deno $cache)
  printf '%-6s %9s ms %9s ms   ratio sbfn/deno %s\n' "$cache" "$s" "$d" \
    "$(awk -v a="$s" -v b="$d" 'BEGIN { printf "%.2f", a / b }')"
done
echo "(cold: empty SBFN_CACHE_DIR / DENO_DIR, packages from $registry; warm: the same folder again)"
