#!/usr/bin/env bash
# Side-by-side benchmark: sbfn serve (JWT verification on; its default --max-parallelism,
# one worker per core, and --max-parallelism 1) against `deno run` and `deno serve
# --parallel` (an isolate per core) serving the same hello-world function, and all against the ceiling (bench/ceiling.c, a minimal
# epoll responder: what the kernel and wrk allow on this machine), measured with wrk in the
# same run. Prints requests/s, p99 latency, the sbfn/deno ratio and each server as a
# fraction of the ceiling, then cold-start figures. Never part of `make test`.
#   [SBFN=binary] bench/run.sh [seconds per run, default 10]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
duration=${1:-10}
sbfn="${SBFN:-$top/build/sbfn}"  # SBFN=path measures another build
source "$top/bench/common.sh"

now_ms() { date +%s%3N; }
measure() { # name url -> "rps p99"
  wrk -t1 -c50 -d"${duration}s" --latency -s "$work/post.lua" "$2" >"$work/$1.wrk"
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$1.wrk")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$1.wrk")
  echo "$rps $p99"
}

sbfn_port=54391
cd "$work"
start=$(now_ms)
NO_COLOR=1 "$sbfn" serve --port $sbfn_port --no-watch >"$work/sbfn.log" 2>&1 &
pids+=($!)
wait_ok "http://127.0.0.1:$sbfn_port/functions/v1/hello-world"
sbfn_cold=$(($(now_ms) - start))

start=$(now_ms)
DENO_DIR="$work/deno-cache" "$deno" run --quiet --allow-net --allow-env --import-map=import_map.json \
  functions/hello-world/index.ts >"$work/deno.log" 2>&1 &
pids+=($!)
wait_ok "http://127.0.0.1:8000/"
deno_cold=$(($(now_ms) - start))

# deno serve --parallel wants `export default { fetch }`: a wrapper hands it the
# function's Deno.serve handler (bench/deno_serve_capture.ts).
cp "$top/bench/deno_serve_capture.ts" "$work/capture.ts"
printf 'import { handler } from "./capture.ts";\nimport "./functions/hello-world/index.ts";\nexport default { fetch: (req: Request, info: unknown) => handler(req, info) };\n' >"$work/parallel.ts"
DENO_DIR="$work/deno-cache" "$deno" serve --parallel --quiet --allow-net --allow-env --import-map=import_map.json \
  --port 8001 parallel.ts >"$work/deno-parallel.log" 2>&1 &
pids+=($!)
wait_ok "http://127.0.0.1:8001/"
NO_COLOR=1 "$sbfn" serve --port 54393 --no-watch --max-parallelism 1 >"$work/sbfn1.log" 2>&1 &
pids+=($!)
wait_ok "http://127.0.0.1:54393/functions/v1/hello-world"

ceiling_bin="$top/build/bench/bench_ceiling"
[[ -x $ceiling_bin ]] || { echo "bench: $ceiling_bin is missing (make build)"; exit 1; }
"$ceiling_bin" 54392 &
pids+=($!)
wait_ok "http://127.0.0.1:54392/"
read -r ceiling_rps ceiling_p99 < <(measure ceiling "http://127.0.0.1:54392/")
read -r sbfn_rps sbfn_p99 < <(measure sbfn "http://127.0.0.1:$sbfn_port/functions/v1/hello-world")
read -r deno_rps deno_p99 < <(measure deno "http://127.0.0.1:8000/")
read -r sbfn1_rps sbfn1_p99 < <(measure sbfn1 "http://127.0.0.1:54393/functions/v1/hello-world")
read -r denop_rps denop_p99 < <(measure deno-parallel "http://127.0.0.1:8001/")

# First request to a function no worker has run yet (the server is already up).
# Twenty copies, each asked once: p50 and p95 of a first request.
for i in $(seq 1 20); do
  mkdir -p "$work/functions/fresh$i" && cp "$work/functions/hello-world/index.ts" "$work/functions/fresh$i/index.ts"
done
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
NO_COLOR=1 "$sbfn" serve --port $sbfn_port --no-watch >"$work/sbfn2.log" 2>&1 &
pids[0]=$!
sleep 0.3
# One client process asks them all, each over a new connection, so the figures hold the
# server's time and a connect, not the start of a client process per request (curl's is
# ~1-2 ms here).
ask() { # function... -> seconds per request, one line each
  python3 - "$sbfn_port" "$anon" "$@" <<'PY'
import http.client, sys, time
port, anon, names = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
for name in names:
    start = time.perf_counter()
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("POST", f"/functions/v1/{name}", body='{"name":"x"}', headers={"Authorization": f"Bearer {anon}"})
    r = c.getresponse()
    r.read()
    c.close()
    if r.status != 200:
        sys.exit(f"bench: {name} answered {r.status}")
    print(f"{time.perf_counter() - start:.6f}")
PY
}
ask $(seq -f 'fresh%g' 1 20) | sort -n >"$work/first.txt"
first=$(sed -n 10p "$work/first.txt")   # p50 of 20
first95=$(sed -n 19p "$work/first.txt") # p95 of 20
second=$(ask fresh1)

# --policy oneshot: a fresh worker for every request, 20 connections at once.
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
NO_COLOR=1 "$sbfn" serve --port $sbfn_port --no-watch --policy oneshot >"$work/oneshot.log" 2>&1 &
pids[0]=$!
wait_ok "http://127.0.0.1:$sbfn_port/functions/v1/hello-world"
wrk -t1 -c20 -d"${duration}s" -s "$work/post.lua" "http://127.0.0.1:$sbfn_port/functions/v1/hello-world" >"$work/oneshot.wrk"
oneshot_rps=$(awk '/Requests\/sec/ {print $2}' "$work/oneshot.wrk")

printf '\nhello-world, wrk -t1 -c50 -d%ss, POST with a JSON body\n' "$duration"
printf '%-28s %12s %10s %10s\n' "" "requests/s" "p99" "of ceiling"
row() { awk -v n="$1" -v r="$2" -v p="$3" -v c="$ceiling_rps" 'BEGIN { printf "%-28s %12s %10s %10.2f\n", n, r, p, r / c }'; }
row "ceiling (bench/ceiling.c)" "$ceiling_rps" "$ceiling_p99"
row "sbfn serve (JWT verified)" "$sbfn_rps" "$sbfn_p99"
row "sbfn --max-parallelism 1" "$sbfn1_rps" "$sbfn1_p99"
row "deno run (Deno.serve)" "$deno_rps" "$deno_p99"
row "deno serve --parallel" "$denop_rps" "$denop_p99"
awk -v a="$sbfn_rps" -v b="$deno_rps" 'BEGIN { printf "ratio sbfn/deno: %.2f\n", a / b }'
awk -v a="$sbfn_rps" -v b="$denop_rps" 'BEGIN { printf "ratio sbfn/deno serve --parallel: %.2f\n", a / b }'
awk -v a="$sbfn1_rps" -v b="$deno_rps" 'BEGIN { printf "ratio sbfn --max-parallelism 1/deno run: %.2f\n", a / b }'
printf '\ncold start: process start to first 200: sbfn %s ms, deno %s ms\n' "$sbfn_cold" "$deno_cold"
awk -v f="$first" -v g="$first95" -v s="$second" 'BEGIN { printf "first request to a never-booted function (transpile cache warm, 20 functions): p50 %.1f ms, p95 %.1f ms (next request %.1f ms)\n", f * 1000, g * 1000, s * 1000 }'
printf 'sbfn serve --policy oneshot (a worker per request), wrk -c20: %s requests/s\n' "$oneshot_rps"
printf 'memory given back and idle memory per function: bench/memory.sh\n'
