#!/usr/bin/env bash
# Load and leak check of `sbfn serve` (issue #15): CONNECTIONS keep-alive connections over
# FUNCTIONS generated functions for DURATION seconds, a mix of plain requests, streamed
# request and response bodies, SSE and WebSockets, with hot reloads (a function's file
# rewritten) and remote deploys (`sbfn deploy --to`, the admin API) during the run.
# Fails (exit 1) on any wrong answer, on open fds or threads that are not back to the
# baseline once the connections are closed and the idle workers retired, or on RSS more
# than RSS_MARGIN % above the baseline. Never part of `make test`; `make load`.
#   [SBFN=binary] [DURATION=60] [CONNECTIONS=1000] [FUNCTIONS=20] [RSS_MARGIN=10] \
#   [RELOAD_EVERY=3] [DEPLOY_EVERY=5] (seconds) [WALL_CLOCK_MS=40000] bench/load/run.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
sbfn="${SBFN:-$top/build/sbfn}"
duration=${DURATION:-60}
connections=${CONNECTIONS:-1000}
functions=${FUNCTIONS:-20}
rss_margin=${RSS_MARGIN:-10}
# A worker is retired at half its wall clock; a short one lets the idle workers of the
# run retire (and be joined) soon after it, so the "after" figures are taken with no
# worker alive, as the baseline is. It also retires workers during the run. Not shorter:
# a worker is terminated at its wall clock whatever it holds, and a WebSocket session
# here takes up to ~10 s under full load (with 16 s, some were ended with 1001).
wall_clock_ms=${WALL_CLOCK_MS:-40000}

source "$top/bench/common.sh"
[[ -d $top/tests/oracles/node_modules/ws ]] || { echo "bench: run (cd tests/oracles && npm ci) first"; exit 1; }
ulimit -n "$(ulimit -Hn)"

cd "$work"
rm -rf functions && mkdir -p functions deploy/functions state
node "$top/bench/load/driver.mjs" init functions "$functions"
node "$top/bench/load/driver.mjs" init deploy/functions "$functions"
openssl rand -hex 32 >admin-token
port=54394
base="http://127.0.0.1:$port"
NO_COLOR=1 "$sbfn" serve --port $port --admin-token-file admin-token --state-dir state --metrics \
  --wall-clock-limit "$wall_clock_ms" >sbfn.log 2>&1 &
spid=$!
pids+=($spid)

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$spid/status"; }
fds() { ls "/proc/$spid/fd" | wc -l; }
fd_list() { for f in /proc/$spid/fd/*; do readlink "$f"; done 2>/dev/null | sed -E 's/[0-9]+/N/g' | sort | uniq -c; }
threads() { ls "/proc/$spid/task" | wc -l; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$spid/stat"; }
metric() { curl -s "$base/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
# Waits until no worker is alive and no connection but the asking one is open, then for
# the fd count to settle (the asking connection's own fd).
settle() {
  for _ in $(seq 1 $((wall_clock_ms / 100 + 600))); do
    [[ $(metric sbfn_workers) == 0 && $(metric sbfn_connections) -le 1 ]] && break
    sleep 0.1
  done
  [[ $(metric sbfn_workers) == 0 ]] || { echo "load: workers still alive: $(metric sbfn_workers)"; }
  local last=-1 now
  for _ in $(seq 1 50); do
    sleep 0.2
    now=$(fds)
    [[ $now == "$last" ]] && break
    last=$now
  done
}
drive() { # duration connections reload_every deploy_every -> the driver's JSON on stdout
  BASE_URL=$base ANON_KEY=$anon SBFN=$sbfn FUNCTIONS_DIR=$work/functions DEPLOY_DIR=$work/deploy \
    TOKEN_FILE=$work/admin-token FUNCTIONS=$functions DURATION=$1 CONNECTIONS=$2 RELOAD_EVERY=$3 \
    DEPLOY_EVERY=$4 node "$top/bench/load/driver.mjs" run
}

wait_ok "$base/health"
# Warm-up: every function and kind once (caches, arenas, code), then the baseline with its
# workers retired: the state the server is left in after any load.
drive 3 80 3600 3600 >warmup.json
node -e 'const s = JSON.parse(require("fs").readFileSync("warmup.json")).stats;
  for (const [k, v] of Object.entries(s)) if (v.errors) { console.error("load: warm-up", k, v.samples); process.exit(1); }'
settle
base_rss=$(rss_kb) base_fds=$(fds) base_threads=$(threads)
fd_list >fds.before

cpu_before=$(cpu_s)
drive "$duration" "$connections" "${RELOAD_EVERY:-3}" "${DEPLOY_EVERY:-5}" >load.json &
dpid=$!
sleep $((duration / 2))
peak_rss=$(rss_kb) peak_fds=$(fds) peak_threads=$(threads) peak_conns=$(metric sbfn_connections)
wait $dpid
server_cpu=$(awk -v a="$(cpu_s)" -v b="$cpu_before" 'BEGIN {printf "%.1f", a - b}')
settle
after_rss=$(rss_kb) after_fds=$(fds) after_threads=$(threads)
fd_list >fds.after
# What differs, for the report (the same kind of fd counted before and after).
[[ $base_fds == "$after_fds" ]] || { echo "open fds by target, before (<) and after (>):"; diff fds.before fds.after || true; }

DATE=$(date -u '+%Y-%m-%d %H:%M UTC') CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo) \
  CORES=$(nproc) LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)" SERVER_CPU=$server_cpu BASE="$base_rss $base_fds $base_threads" PEAK="$peak_rss $peak_fds $peak_threads $peak_conns" \
  AFTER="$after_rss $after_fds $after_threads" MARGIN=$rss_margin node -e '
const r = JSON.parse(require("fs").readFileSync("load.json"));
const e = process.env;
const [br, bf, bt] = e.BASE.split(" ").map(Number);
const [pr, pf, pt, pc] = e.PEAK.split(" ").map(Number);
const [ar, af, at] = e.AFTER.split(" ").map(Number);
const mb = (kb) => (kb / 1024).toFixed(1) + " MiB";
console.log(`\nsbfn serve under load: ${r.connections} keep-alive connections, ${Object.keys(r.latest).length} functions, ${r.seconds.toFixed(1)} s`);
console.log(`${e.DATE}, ${e.CORES} cores, ${e.CPU}, load average after the run ${e.LOADAVG}`);
console.log(`CPU during the run: server ${e.SERVER_CPU} s, driver ${r.cpu.toFixed(1)} s (of ${(r.seconds * e.CORES).toFixed(0)} s the machine has)`);
console.log("kind                 done   per second   errors");
const unit = { plain: "requests", stream: "requests", sse: "streams", websocket: "sessions" };
for (const k of ["plain", "stream", "sse", "websocket"])
  console.log(`${(k + " (" + unit[k] + ")").padEnd(20)} ${String(r.stats[k].ok).padStart(6)} ${r.rps[k].toFixed(1).padStart(12)} ${String(r.stats[k].errors).padStart(8)}`);
for (const k of ["reload", "deploy"])
  console.log(`${(k + "s").padEnd(20)} ${String(r.stats[k].ok).padStart(6)} ${"".padStart(12)} ${String(r.stats[k].errors).padStart(8)}`);
console.log("                     baseline       mid-run   after (idle workers retired)");
console.log(`RSS               ${mb(br).padStart(12)}  ${mb(pr).padStart(12)}  ${mb(ar).padStart(12)} (${((ar - br) * 100 / br).toFixed(1)} %, limit +${e.MARGIN} %)`);
console.log(`open fds          ${String(bf).padStart(12)}  ${String(pf).padStart(12)}  ${String(af).padStart(12)}`);
console.log(`threads           ${String(bt).padStart(12)}  ${String(pt).padStart(12)}  ${String(at).padStart(12)}`);
console.log(`connections (metric) mid-run: ${pc}`);
const bad = [];
for (const [k, v] of Object.entries(r.stats)) if (v.errors) bad.push(`${v.errors} ${k} errors, e.g. ${v.samples.join(" | ")}`);
if (af !== bf) bad.push(`open fds ${bf} before, ${af} after`);
if (at !== bt) bad.push(`threads ${bt} before, ${at} after`);
if (ar > br * (1 + Number(e.MARGIN) / 100)) bad.push(`RSS ${mb(ar)} after, more than ${e.MARGIN} % over ${mb(br)}`);
for (const b of bad) console.log("FAIL: " + b);
if (bad.length) process.exit(1);
console.log("OK: zero errors, fds and threads back to the baseline, RSS within the margin");
'
