// The `Deno` namespace as Supabase's edge runtime offers it to user functions.
import { versions } from "sbfn:versions";
import { ops } from "./web/ops.js";
import { errors, fromOpError } from "./deno_errors.js";
import { serve } from "./serve.js";
import { test } from "./testing.js";
import { upgradeWebSocket } from "./websocket.js";

const env = new Map();

// One variable of the worker's environment (fetch's proxies and CA files).
export function envValue(name) {
  return env.get(name);
}

// Replaces the environment: the worker sees exactly what the server passed it.
export function setEnv(values) {
  env.clear();
  for (const key of Object.keys(values)) env.set(key, String(values[key]));
}

function checkKey(key) {
  key = String(key);
  if (key === "" || key.includes("=") || key.includes("\0")) {
    throw new TypeError(`Key contains invalid characters: "${key}"`);
  }
  return key;
}

const envApi = {
  get(key) {
    return env.get(checkKey(key));
  },
  set(key, value) {
    env.set(checkKey(key), String(value));
  },
  has(key) {
    return env.has(checkKey(key));
  },
  delete(key) {
    env.delete(checkKey(key));
  },
  toObject() {
    return Object.fromEntries(env);
  },
};

function pathOf(path) {
  if (path instanceof URL) {
    if (path.protocol !== "file:") throw new TypeError("Must be a file URL.");
    return decodeURIComponent(path.pathname);
  }
  path = String(path);
  if (path.startsWith("file://")) return decodeURIComponent(new URL(path).pathname);
  return path;
}

function readFileSync(path) {
  try {
    return ops.read_file(pathOf(path));
  } catch (error) {
    throw fromOpError(error);
  }
}

export function makeDeno(inspect, v8Version) {
  return {
    env: envApi,
    serve,
    test,
    upgradeWebSocket,
    errors,
    inspect,
    readFileSync,
    readFile: async (path) => readFileSync(path),
    readTextFileSync: (path) => new TextDecoder().decode(readFileSync(path)),
    readTextFile: async (path) => new TextDecoder().decode(readFileSync(path)),
    version: { deno: versions.deno, v8: v8Version, typescript: versions.typescript },
    build: { target: "x86_64-unknown-linux-gnu", arch: "x86_64", os: "linux", vendor: "unknown", env: "gnu" },
    noColor: true,
  };
}
