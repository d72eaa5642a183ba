// The `Deno` namespace as Supabase's edge runtime offers it to user functions.
import { versions } from "sbfn:versions";
import { ops } from "./web/ops.js";
import { call, errors, notSupported } from "./deno_errors.js";
import { fsApi } from "./deno_fs.js";
import { netApi } from "./deno_net.js";
import { serve } from "./serve.js";
import { exitCalled, test } from "./testing.js";
import { upgradeWebSocket } from "./websocket.js";

const env = new Map();

// One variable of the worker's environment (fetch's proxies and CA files).
export function envValue(name) {
  return env.get(name);
}

// A user worker's env permissions ({allow, deny}: null, [] for all, or names, `*` ending a
// prefix), as Deno applies --allow-env/--deny-env; null: every variable it was given.
let envRules = null;

// Replaces the environment: the worker sees exactly what the server passed it.
export function setEnv(values, rules) {
  env.clear();
  for (const key of Object.keys(values)) env.set(key, String(values[key]));
  envRules = rules ? JSON.parse(rules) : null;
}

function listed(list, key) {
  return list.length === 0 || list.some((item) => (item.endsWith("*") ? key.startsWith(item.slice(0, -1)) : item === key));
}

function envAllowed(key) {
  return (envRules.allow !== null && listed(envRules.allow, key)) && !(envRules.deny !== null && listed(envRules.deny, key));
}

function requireEnv(key) {
  if (envRules !== null && !envAllowed(key)) {
    throw new errors.NotCapable(`Requires env access to "${key}", run again with the --allow-env flag`);
  }
  return key;
}

function checkKey(key) {
  key = String(key);
  if (key === "" || key.includes("=") || key.includes("\0")) {
    throw new TypeError(`Key contains invalid characters: "${key}"`);
  }
  return key;
}

export const envApi = {
  get(key) {
    return env.get(requireEnv(checkKey(key)));
  },
  set(key, value) {
    env.set(requireEnv(checkKey(key)), String(value));
  },
  has(key) {
    return env.has(requireEnv(checkKey(key)));
  },
  delete(key) {
    env.delete(requireEnv(checkKey(key)));
  },
  toObject() {
    if (envRules === null) return Object.fromEntries(env);
    if (envRules.allow === null || envRules.allow.length !== 0) {
      throw new errors.NotCapable("Requires env access, run again with the --allow-env flag");
    }
    return Object.fromEntries([...env].filter(([key]) => envAllowed(key)));
  },
};

// Subprocesses, FFI and signals: refused in functions, as Supabase refuses them.
class Command {
  constructor() {
    notSupported("Deno.Command")();
  }
}

export function memoryUsage() {
  const [rss, heapTotal, heapUsed, external] = ops.memory_usage();
  return { rss, heapTotal, heapUsed, external };
}

// Deno.exitCode: what Deno.exit() without an argument exits with.
let exitCodeValue = 0;
export function getExitCode() {
  return exitCodeValue;
}
export function setExitCode(value) {
  if (typeof value !== "number") {
    throw new TypeError(`Exit code must be a number, got: ${value} (${typeof value})`);
  }
  exitCodeValue = value;
}

// Deno.exit ends this worker only: its open requests fail with 500 as a crashed
// function's do, and the next request boots a new worker.
export function exit(code = undefined) {
  // As Deno: the code is recorded first (Deno.exitCode), then acted on.
  if (typeof code === "number") exitCodeValue = code;
  code = Number(exitCodeValue) | 0;
  // Under `sbfn test`, a test with the exit sanitizer on throws here instead (Deno's error).
  exitCalled(code);
  ops.exit_worker(code);
  // Termination is pending; nothing after exit() may run.
  for (;;) {}
}

export function makeDeno(inspect, v8Version) {
  return {
    env: envApi,
    serve,
    test,
    upgradeWebSocket,
    errors,
    inspect,
    ...fsApi,
    ...netApi,
    cwd: () => call(ops.cwd),
    memoryUsage,
    exit,
    get exitCode() {
      return exitCodeValue;
    },
    set exitCode(value) {
      setExitCode(value);
    },
    Command,
    run: notSupported("Deno.run"),
    dlopen: notSupported("Deno.dlopen"),
    kill: notSupported("Deno.kill"),
    addSignalListener: notSupported("Deno.addSignalListener"),
    removeSignalListener: notSupported("Deno.removeSignalListener"),
    args: [],
    version: { deno: versions.deno, v8: v8Version, typescript: versions.typescript },
    build: { target: "x86_64-unknown-linux-gnu", arch: "x86_64", os: "linux", vendor: "unknown", env: "gnu" },
    noColor: true,
  };
}
