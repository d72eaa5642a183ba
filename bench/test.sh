#!/usr/bin/env bash
# Side-by-side benchmark of `sbfn test` and `deno test` on the same generated suite of 20
# TypeScript test files (a shared helper module, sync and async tests, steps), in the same
# run: wall time of the whole command, the median of several runs after one warm-up each
# (caches warm for both), and the ratios. Deno is measured as users run it (`deno test`,
# which type-checks) and with --no-check. Never part of `make test`.
#   [SBFN=binary] bench/test.sh [runs, default 7]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-7}
sbfn="${SBFN:-$top/build/sbfn}"
source "$top/bench/common.sh"

suite="$work/suite"
mkdir -p "$suite"
cat >"$suite/helpers.ts" <<'TS'
export interface Order {
  id: number;
  items: { sku: string; price: number; quantity: number }[];
}
export function total(order: Order): number {
  return order.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
}
export function assertEquals<T>(actual: T, expected: T): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
TS
for i in $(seq -w 1 20); do
  cat >"$suite/module${i}_test.ts" <<TS
import { assertEquals, type Order, total } from "./helpers.ts";

const order: Order = { id: $((10#$i)), items: [{ sku: "a", price: 3, quantity: 2 }, { sku: "b", price: 5, quantity: 1 }] };

Deno.test("module $i: totals an order", () => {
  assertEquals(total(order), 11);
});

Deno.test("module $i: async work", async () => {
  const value = await Promise.resolve(order.id * 2);
  assertEquals(value, $((10#$i)) * 2);
  await new Promise((resolve) => setTimeout(resolve, 1));
});

Deno.test("module $i: steps", async (t) => {
  await t.step("json round trip", () => {
    assertEquals(JSON.parse(JSON.stringify(order)), order);
  });
  await t.step("text encoding", () => {
    const bytes = new TextEncoder().encode("module $i");
    assertEquals(new TextDecoder().decode(bytes), "module $i");
  });
});

Deno.test("module $i: crypto digest", async () => {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode("$i"));
  assertEquals(digest.byteLength, 32);
});
TS
done

export NO_COLOR=1 DENO_DIR="$work/deno-cache" SBFN_CACHE_DIR="$work/sbfn-cache"
now_ns() { date +%s%N; }
timed() { # command... -> milliseconds (the command must pass)
  local start end
  start=$(now_ns)
  (cd "$suite" && "$@" >"$work/last.out" 2>&1) || { cat "$work/last.out" >&2; echo "bench: $* failed" >&2; exit 1; }
  end=$(now_ns)
  echo $(((end - start) / 1000000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Warm-up: transpile and type-check caches filled, the binaries in the page cache.
timed "$sbfn" test >/dev/null
timed "$deno" test >/dev/null
timed "$deno" test --no-check >/dev/null

: >"$work/sbfn.ms"; : >"$work/deno.ms"; : >"$work/deno-nocheck.ms"
for _ in $(seq 1 "$runs"); do  # interleaved, so that load on the machine hits all alike
  timed "$sbfn" test >>"$work/sbfn.ms"
  timed "$deno" test >>"$work/deno.ms"
  timed "$deno" test --no-check >>"$work/deno-nocheck.ms"
done
grep -q "ok | 80 passed (40 steps) | 0 failed" "$work/last.out" || { cat "$work/last.out"; exit 1; }
s=$(median <"$work/sbfn.ms"); d=$(median <"$work/deno.ms"); n=$(median <"$work/deno-nocheck.ms")

printf '\n20 test files (80 tests, 40 steps), wall time, median of %s runs\n' "$runs"
printf '%-32s %8s ms\n' "sbfn test" "$s" "deno test (type-checks)" "$d" "deno test --no-check" "$n"
awk -v s="$s" -v d="$d" -v n="$n" \
  'BEGIN { printf "ratio sbfn/deno: %.2f (against --no-check: %.2f)\n", s / d, s / n }'
