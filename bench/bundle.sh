#!/usr/bin/env bash
# What `sbfn bundle` costs and what an artifact buys, for a function importing
# npm:@supabase/supabase-js@2 from the public registry (needed: this bench says so and
# stops when it cannot be reached):
#   - bundle time with an empty cache and with a warm one, and the artifact's size
#     (with and without V8 code caches);
#   - the first request to the never-booted function (boot: graph, compile, evaluate),
#     served from its sources (warm cache), from the artifact with code caches, and from
#     the artifact without them; and process start -> first 200 for each, beside
#     `deno run` of the same file (warm DENO_DIR) in the same run.
# Medians of N runs (default 7).
#   [SBFN=binary] bench/bundle.sh [runs]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-7}
sbfn="${SBFN:-$top/build/sbfn}"
source "$top/bench/common.sh"
cd "$work"

curl -sf -o /dev/null --max-time 15 https://registry.npmjs.org/@supabase%2fsupabase-js ||
  { echo "bench: the public npm registry https://registry.npmjs.org/ cannot be reached"; exit 1; }

mkdir -p project/supabase/functions/sb
cat >project/supabase/functions/sb/index.ts <<'TS'
import { createClient } from "npm:@supabase/supabase-js@2";

Deno.serve(() => {
  const client = createClient("http://127.0.0.1:9", "anon-key");
  return Response.json({ ok: typeof client.from("todos").select === "function" });
});
TS
echo '{}' >project/supabase/functions/sb/deno.json
export SBFN_CACHE_DIR="$work/cache"
export DENO_DIR="$work/deno-cache"

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
port=54470

# One line of seconds per run, for `median`.
bundle_once() { # extra args...
  local start end
  start=$(now_ms)
  (cd project && "$sbfn" bundle sb "$@" >/dev/null)
  end=$(now_ms)
  echo $((end - start))
}

# Starts `sbfn serve ARGS` in DIR; prints "<start->200 ms> <first request ms>".
serve_once() { # dir args...
  local dir=$1; shift
  local start first
  start=$(now_ms)
  (cd "$dir" && exec "$sbfn" serve --port $port --no-verify-jwt --no-watch "$@" >"$work/serve.log" 2>&1) &
  local pid=$!
  for _ in $(seq 1 1000); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/health" && break
    sleep 0.005
  done
  first=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/functions/v1/sb")
  local end
  end=$(now_ms)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  awk -v total=$((end - start)) -v first="$first" 'BEGIN {printf "%d %.1f\n", total, first * 1000}'
}

deno_once() {
  local start end
  start=$(now_ms)
  (cd project/supabase/functions/sb &&
    exec "$deno" run -A --quiet --no-prompt index.ts >/dev/null 2>&1) &
  local pid=$!
  for _ in $(seq 1 2000); do
    curl -sf -o /dev/null "http://127.0.0.1:8000/" && break
    sleep 0.005
  done
  end=$(now_ms)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $((end - start))
}

cold=()
for _ in $(seq 1 3); do
  rm -rf "$SBFN_CACHE_DIR" project/supabase/functions/sb/deno.lock
  cold+=("$(bundle_once)")
done
warm=()
for _ in $(seq 1 "$runs"); do warm+=("$(bundle_once)"); done
(cd project && "$sbfn" bundle sb -o ../with-cache >/dev/null && "$sbfn" bundle sb --no-code-cache -o ../no-cache >/dev/null)
size_cache=$(stat -c %s with-cache/sb.sbfn)
size_plain=$(stat -c %s no-cache/sb.sbfn)
mkdir -p art-cache art-plain
cp with-cache/sb.sbfn art-cache/ && cp no-cache/sb.sbfn art-plain/

declare -A total first
for mode in source artifact artifact-no-code-cache; do
  t=(); f=()
  for _ in $(seq 1 "$runs"); do
    case $mode in
      source) read -r a b < <(serve_once project) ;;
      artifact) read -r a b < <(SBFN_CACHE_DIR="$work/empty1" serve_once art-cache --bundle sb.sbfn) ;;
      artifact-no-code-cache) read -r a b < <(SBFN_CACHE_DIR="$work/empty2" serve_once art-plain --bundle sb.sbfn) ;;
    esac
    t+=("$a"); f+=("$b")
  done
  total[$mode]=$(printf '%s\n' "${t[@]}" | median)
  first[$mode]=$(printf '%s\n' "${f[@]}" | median)
done
deno_once >/dev/null  # fills DENO_DIR
d=()
for _ in $(seq 1 "$runs"); do d+=("$(deno_once)"); done
deno_total=$(printf '%s\n' "${d[@]}" | median)

echo "supabase-js function (npm:@supabase/supabase-js@2), medians"
printf '  bundle, empty cache (3 runs):   %s ms\n' "$(printf '%s\n' "${cold[@]}" | median)"
printf '  bundle, warm cache:             %s ms\n' "$(printf '%s\n' "${warm[@]}" | median)"
printf '  artifact size: %s bytes with code caches, %s without\n' "$size_cache" "$size_plain"
printf '  %-28s %14s %22s\n' "served from" "first request" "start -> first 200"
for mode in source artifact artifact-no-code-cache; do
  printf '  %-28s %11s ms %19s ms\n' "$mode" "${first[$mode]}" "${total[$mode]}"
done
printf '  %-28s %14s %19s ms\n' "deno run (warm DENO_DIR)" "-" "$deno_total"
awk -v a="${total[artifact]}" -v d="$deno_total" \
  'BEGIN {printf "  ratio start -> first 200, sbfn artifact / deno: %.2f\n", a / d}'
