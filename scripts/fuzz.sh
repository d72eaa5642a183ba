#!/usr/bin/env bash
# make fuzz: runs every libFuzzer target in build-fuzz for FUZZ_SECONDS over its seed corpus
# (fuzz/corpus/<target>) and dictionary (fuzz/<target>.dict). libFuzzer exits non-zero on a
# crash, a leak, a sanitizer report or an input slower than -timeout; this script then names
# the target and the reproducer it wrote, and fails once all targets have run.
# `scripts/fuzz.sh jsr_meta artifact` (make fuzz FUZZ_TARGETS="...") runs only those targets.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD:-$top/build-fuzz}
seconds=${FUZZ_SECONDS:-20}
# New inputs found go here, not into fuzz/corpus: the committed seeds stay small and chosen.
work=$(mktemp -d "${TMPDIR:-/tmp}/sbfn-fuzz.XXXXXX")
failed=()
targets=("$@")
if ((${#targets[@]} == 0)); then
  for source in "$top"/fuzz/*.cpp; do targets+=("$(basename "$source" .cpp)"); done
fi
for target in "${targets[@]}"; do
  if [[ ! -f $top/fuzz/$target.cpp ]]; then
    echo "fuzz: no target $target (fuzz/$target.cpp)" >&2
    exit 2
  fi
  mkdir -p "$work/$target/found" "$work/$target/crashes"
  dict=()
  [[ -f $top/fuzz/$target.dict ]] && dict=(-dict="$top/fuzz/$target.dict")
  echo "fuzz: $target for ${seconds}s"
  # Runs inside the work folder: libFuzzer writes nothing beside the binary or the sources.
  # TMPDIR too: libFuzzer ends with _Exit, so a target's temp folder (config_toml's) is
  # never removed by the target itself; it goes with $work.
  if (cd "$work/$target" && TMPDIR="$work/$target" "$build/fuzz_$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 "${dict[@]}" -artifact_prefix="$work/$target/crashes/" \
    found "$top/fuzz/corpus/$target" >log 2>&1); then
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$work/$target/log" | tr '\n' ' '
    echo
  else
    failed+=("$target")
    tail -n 40 "$work/$target/log"
    for reproducer in "$work/$target/crashes"/*; do
      [[ -e $reproducer ]] || continue
      echo "fuzz: $target FAILED; reproduce with: $build/fuzz_$target $reproducer"
    done
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: failed: ${failed[*]} (logs and reproducers under $work)"
  exit 1
fi
rm -rf "$work"
echo "fuzz: all targets ran clean"
