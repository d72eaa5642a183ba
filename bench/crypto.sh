#!/usr/bin/env bash
# Side-by-side crypto.subtle benchmark: HMAC-SHA256 sign of 1 KB and SHA-256 of 1 MB.
# bench/crypto_bench.js is served by sbfn (serve, JWT verified, CPU limits lifted) and by
# `deno run` in the same run; each request times the operation inside the runtime for the
# given milliseconds. Prints ops/s and the sbfn/deno ratio. Never part of `make test`.
#   [SBFN=binary] bench/crypto.sh [milliseconds per figure, default 3000]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ms=${1:-3000}
sbfn="${SBFN:-$top/build/sbfn}"
source "$top/bench/common.sh"

mkdir -p "$work/functions/crypto-bench"
cp "$top/bench/crypto_bench.js" "$work/functions/crypto-bench/index.js"
cd "$work"
sbfn_port=54392
NO_COLOR=1 "$sbfn" serve --port $sbfn_port --no-watch --cpu-soft-limit 3600000 \
  --cpu-hard-limit 3600000 >"$work/sbfn.log" 2>&1 &
pids+=($!)
DENO_DIR="$work/deno-cache" "$deno" run --quiet --allow-net functions/crypto-bench/index.js \
  >"$work/deno.log" 2>&1 &
pids+=($!)

ready() { # url -> waits until it answers 200
  for _ in $(seq 1 1500); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $anon" "$1" || true) == 200 ]] &&
      return 0
    sleep 0.02
  done
  echo "bench: $1 never answered 200"; cat "$work/sbfn.log" "$work/deno.log"; exit 1
}
figure() { # url -> ops/s
  curl -s -H "Authorization: Bearer $anon" "$1" | sed -n 's/.*"ops_per_s":\([0-9]*\).*/\1/p'
}
ready "http://127.0.0.1:$sbfn_port/functions/v1/crypto-bench?op=sha256_1mb&ms=1"
ready "http://127.0.0.1:8000/?op=sha256_1mb&ms=1"

printf '%-18s %14s %14s %8s\n' "crypto.subtle" "sbfn ops/s" "deno ops/s" "ratio"
for op in hmac_sha256_1kb sha256_1mb; do
  s=$(figure "http://127.0.0.1:$sbfn_port/functions/v1/crypto-bench?op=$op&ms=$ms")
  d=$(figure "http://127.0.0.1:8000/?op=$op&ms=$ms")
  printf '%-18s %14s %14s %8s\n' "$op" "$s" "$d" "$(awk -v s="$s" -v d="$d" 'BEGIN {printf "%.2f", s / d}')"
done
