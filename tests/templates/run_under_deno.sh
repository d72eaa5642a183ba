#!/usr/bin/env bash
# Runs every template's own test under real Deno, the oracle that proves each test asserts
# what the function really does: `sbfn new` writes each template (each auth mode of
# `server`) into a scratch project, then `deno test` runs its tests/<name>-test.ts with the
# real npm packages (hono, @supabase/supabase-js, @supabase/server, from the npm registry).
# The public jsr registry is out of reach here, so an import map points jsr:@std/assert at
# the spec fixture registry's stand-in and the types-only edge-runtime.d.ts at an empty file.
# Usage: run_under_deno.sh path/to/sbfn. CTest runs it as `templates.deno_oracle`; Deno
# comes from tests/deno.sh.
set -euo pipefail
sbfn=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
deno=$("$here/../deno.sh")
work=$(mktemp -d "${TMPDIR:-/tmp}/sbfn-templates-XXXXXX")
trap 'rm -rf "$work"' EXIT
echo 'export {};' >"$work/empty.d.ts"
cat >"$work/import_map.json" <<JSON
{"imports": {
  "jsr:@std/assert@1": "$repo/tests/specs/fixtures/registry/jsr/@std/assert/1.0.13/mod.ts",
  "jsr:@supabase/functions-js/edge-runtime.d.ts": "$work/empty.d.ts"
}}
JSON
export DENO_DIR="$(dirname "$deno")/deno_dir" NO_COLOR=1
passed=0 failed=0
while read -r template auth; do
  name=fn-$template${auth:+-$auth}
  project="$work/$name"
  mkdir -p "$project"
  (cd "$project" && "$sbfn" new "$name" --template "$template" ${auth:+--auth "$auth"} >/dev/null)
  if (cd "$project" && "$deno" test --allow-all --import-map "$work/import_map.json" \
      "supabase/functions/tests/$name-test.ts" >"$project.log" 2>&1); then
    passed=$((passed + 1))
    echo "ok     $template${auth:+ --auth $auth}: $(grep -E '^ok \|' "$project.log")"
  else
    failed=$((failed + 1))
    echo "FAILED $template${auth:+ --auth $auth}"
    cat "$project.log"
  fi
done < <("$sbfn" new --list-templates | awk '{print $1}' | while read -r t; do
  # main-service is no function: it needs EdgeRuntime.userWorkers, which Deno lacks
  # (specs.new.main_service_template serves it).
  if [[ $t == main-service ]]; then continue; fi
  if [[ $t == server ]]; then printf 'server none\nserver apikey\nserver user\n'; else echo "$t"; fi
done)
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
