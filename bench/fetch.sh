#!/usr/bin/env bash
# Side-by-side fetch benchmark: one function makes 1,000 fetches to a local server with 50
# in flight, run by sbfn serve and by `deno run` in the same run; the upstream is one Deno
# server both call. Prints the best of 3 runs for each and the sbfn/deno time ratio.
#   [SBFN=binary] bench/fetch.sh [fetches, default 1000] [in flight, default 50]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-1000}
inflight=${2:-50}
sbfn="${SBFN:-$top/build/sbfn}"
source "$top/bench/common.sh"
cd "$work"

upstream_port=54401
cat >"$work/upstream.js" <<JS
Deno.serve({ port: $upstream_port, hostname: "127.0.0.1", onListen() {} }, () => new Response("ok"));
JS
mkdir -p "$work/functions/fetch-bench"
cat >"$work/functions/fetch-bench/index.ts" <<'TS'
// ?url=&n=&c=: n fetches of url, c at a time; answers the elapsed milliseconds.
Deno.serve(async (req) => {
  const q = new URL(req.url).searchParams
  const url = q.get("url")!
  const n = Number(q.get("n"))
  const c = Number(q.get("c"))
  let next = 0
  let failed = 0
  const start = performance.now()
  async function lane() {
    while (next < n) {
      next += 1
      const r = await fetch(url)
      if ((await r.text()) !== "ok") failed += 1
    }
  }
  await Promise.all(Array.from({ length: c }, lane))
  return Response.json({ ms: performance.now() - start, failed })
})
TS

"$deno" run --quiet --allow-net "$work/upstream.js" >"$work/upstream.log" 2>&1 &
pids+=($!)
sbfn_port=54392
NO_COLOR=1 "$sbfn" serve --port $sbfn_port --no-watch >"$work/sbfn.log" 2>&1 &
pids+=($!)
DENO_DIR="$work/deno-cache" "$deno" run --quiet --allow-net --allow-env \
  functions/fetch-bench/index.ts >"$work/deno.log" 2>&1 &
pids+=($!)

query="url=http://127.0.0.1:$upstream_port/&n=$count&c=$inflight"
ready() { # url -> waits until it answers 200
  for _ in $(seq 1 500); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $anon" "$1" || true)
    [[ $code == 200 ]] && return 0
    sleep 0.02
  done
  echo "bench: $1 never answered 200"; exit 1
}
best() { # url -> the fastest of 3 runs, in ms (a warm-up run first)
  ready "$1"
  for _ in 1 2 3; do
    curl -s -H "Authorization: Bearer $anon" "$1" | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["failed"] == 0, r; print(r["ms"])'
  done | sort -g | head -1
}
sbfn_ms=$(best "http://127.0.0.1:$sbfn_port/functions/v1/fetch-bench?$query")
deno_ms=$(best "http://127.0.0.1:8000/?$query")

printf '\n%s fetches to a local server, %s in flight (best of 3)\n' "$count" "$inflight"
printf '%-22s %10s %14s\n' "" "ms" "fetches/s"
awk -v n="$count" -v s="$sbfn_ms" -v d="$deno_ms" 'BEGIN {
  printf "%-22s %10.1f %14.0f\n", "sbfn serve", s, n / s * 1000
  printf "%-22s %10.1f %14.0f\n", "deno run", d, n / d * 1000
  printf "ratio sbfn/deno (throughput): %.2f\n", d / s
}'
