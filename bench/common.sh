# Set-up shared by the bench scripts (sourced, never run): a work folder removed on exit
# with every process in `pids`, wrk and Deno present (tests/deno.sh installs it from npm
# on first use), the example functions copied with an import map Deno can run
# them with, the demo anon key, a POST script for wrk, and wait_ok.
# Expects `top` and `sbfn` to be set.
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)"; exit 1; }
[[ -x $sbfn ]] || { echo "bench: build first (make build)"; exit 1; }
deno=$("$top/tests/deno.sh") || exit 1  # the same Deno as the oracles, from npm once

cp -r "$top/functions" "$work/functions"
# Deno would fetch the types-only jsr: import; an import map points it at an empty file.
echo "" >"$work/empty.d.ts"
echo '{"imports":{"jsr:@supabase/functions-js/edge-runtime.d.ts":"./empty.d.ts"}}' >"$work/import_map.json"
anon="eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0"
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"name":"bench"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $anon"
LUA

wait_ok() { # url -> waits until it answers 200
  for _ in $(seq 1 500); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $anon" -d '{"name":"x"}' "$1" || true)
    [[ $code == 200 ]] && return 0
    sleep 0.01
  done
  echo "bench: $1 never answered 200"; exit 1
}
