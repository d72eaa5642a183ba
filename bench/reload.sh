#!/usr/bin/env bash
# Hot reload: from saving a function's file to its new code answering, for `sbfn serve` and
# for `deno run --watch` serving the same file, in the same run; median of N saves each.
# A save writes a new marker into the answer; the clock runs until a request sees it.
# Never part of `make test`.
#   [SBFN=binary] bench/reload.sh [saves, default 10]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
saves=${1:-10}
sbfn="${SBFN:-$top/build/sbfn}"  # SBFN=path measures another build
source "$top/bench/common.sh"

now_ms() { date +%s%3N; }
write_function() { # file marker
  printf 'Deno.serve(() => new Response("%s"));\n' "$2" >"$1.tmp" && mv "$1.tmp" "$1"
}
until_served() { # url marker -> waits until the answer is the marker
  for _ in $(seq 1 5000); do
    [[ $(curl -s -H "Authorization: Bearer $anon" "$1" || true) == "$2" ]] && return 0
    sleep 0.001
  done
  echo "bench: $1 never answered $2"; exit 1
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
measure() { # file url -> the save-to-served times, one a line
  for i in $(seq 1 "$saves"); do
    local marker="v$i-$RANDOM"
    local start
    start=$(now_ms)
    write_function "$1" "$marker"
    until_served "$2" "$marker"
    echo $(($(now_ms) - start))
    sleep 0.2  # apart from the next save, as a person's saves are
  done
}

cd "$work"
mkdir -p "$work/reload/functions/live"
file="$work/reload/functions/live/index.ts"
write_function "$file" "v0"
(cd "$work/reload" && NO_COLOR=1 exec "$sbfn" serve --port 54394 >"$work/sbfn.log" 2>&1) &
pids+=($!)
url="http://127.0.0.1:54394/functions/v1/live"
until_served "$url" "v0"
sbfn_ms=$(measure "$file" "$url" | median)

deno_file="$work/reload/deno_live.ts"
write_function "$deno_file" "v0"
DENO_DIR="$work/deno-cache" "$deno" run --quiet --allow-net --watch "$deno_file" >"$work/deno.log" 2>&1 &
pids+=($!)
until_served "http://127.0.0.1:8000/" "v0"
deno_ms=$(measure "$deno_file" "http://127.0.0.1:8000/" | median)

printf '\nhot reload, save to new code served, median of %d saves\n' "$saves"
printf '%-30s %6s ms\n' "sbfn serve" "$sbfn_ms" "deno run --watch" "$deno_ms"
