#!/usr/bin/env node
// Developer tool: runs the Web API layer (src/runtime/js/web) outside sbfn.
//
//   node src/runtime/js/web/dev/node_harness.mjs [options] [files...]
//
// Bundles web/index.js (esbuild, same flags as the runtime build) together with
// the given Deno.test files (default: tests/js/*_test.js) and a tiny Deno.test
// runner, then evaluates the bundle in a fresh node:vm context whose only
// globals are the JS built-ins, `__ops` (Node-backed equivalents of the native
// ops) and timers. Node's own Web globals therefore cannot mask ours.
//
// Options:
//   --engine=node          (default) node:vm context as described above
//   --engine=PATH          run the bundle in a V8 10.2 shell binary at PATH
//                          (see dev/v8shell.cc.txt); timers are then virtual
//   --script FILE          evaluate FILE (a module using the globals) instead of tests
//   --filter TEXT          only run tests whose name includes TEXT
//   --keep                 keep and print the path of the generated bundle
//   --no-alias             bundle without the @exodus/bytes shims (see shims/README.md)
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, "..");
const repo = path.resolve(webDir, "../../../..");
const esbuild = path.join(repo, "node_modules/.bin/esbuild");

const args = process.argv.slice(2);
let engine = "node";
let script = null;
let filter = "";
let keep = false;
let alias = true;
const files = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a.startsWith("--engine=")) engine = a.slice(9);
  else if (a === "--script") script = path.resolve(args[++i]);
  else if (a === "--filter") filter = args[++i];
  else if (a === "--keep") keep = true;
  else if (a === "--no-alias") alias = false;
  else files.push(path.resolve(a));
}
if (!script && files.length === 0) {
  const dir = path.join(repo, "tests/js");
  for (const f of fs.readdirSync(dir).sort()) if (f.endsWith("_test.js")) files.push(path.join(dir, f));
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sbfn-web-"));
const setupFile = path.join(tmp, "setup.js");
fs.writeFileSync(
  setupFile,
  `import { installWebGlobals, inspect } from ${JSON.stringify(path.join(webDir, "index.js"))};
installWebGlobals(globalThis);
const tests = [];
globalThis.__tests = tests;
globalThis.Deno = {
  inspect,
  test(a, b, c) {
    let t;
    if (typeof a === "string") t = typeof b === "function" ? { name: a, fn: b } : { name: a, ...b, fn: c };
    else if (typeof a === "function") t = { name: a.name, fn: a };
    else t = { ...a };
    if (typeof b === "function" && typeof a === "object") t.fn = b;
    tests.push(t);
  },
};
`,
);
const runnerFile = path.join(tmp, "runner.js");
fs.writeFileSync(
  runnerFile,
  `const print = (s, fd = 1) => __ops_print(s, fd);
const __ops_print = globalThis.__ops.print;
async function run() {
  let passed = 0, failed = 0, ignored = 0;
  const filter = ${JSON.stringify(filter)};
  for (const t of globalThis.__tests) {
    if (filter && !t.name.includes(filter)) continue;
    if (t.ignore) { ignored++; print("test " + t.name + " ... ignored"); continue; }
    const ctx = { name: t.name, async step(n, f) { if (typeof n === "function") return n(ctx); await f(ctx); return true; } };
    try {
      await t.fn(ctx);
      passed++;
      print("test " + t.name + " ... ok");
    } catch (e) {
      failed++;
      print("test " + t.name + " ... FAILED", 2);
      print("  " + String((e && e.stack) || e).split("\\n").join("\\n  "), 2);
    }
  }
  print((failed ? "FAILED" : "ok") + " | " + passed + " passed | " + failed + " failed" + (ignored ? " | " + ignored + " ignored" : ""));
  globalThis.__exitCode = failed ? 1 : 0;
  return failed;
}
globalThis.__done = run();
`,
);
const entry = path.join(tmp, "entry.js");
const imports = [setupFile, ...(script ? [script] : files), ...(script ? [] : [runnerFile])];
fs.writeFileSync(entry, imports.map((f) => `import ${JSON.stringify(f)};`).join("\n") + "\n");
const bundle = path.join(tmp, "bundle.js");
execFileSync(
  esbuild,
  [
    entry, "--bundle", "--format=iife", "--platform=neutral", "--main-fields=module,main",
    "--target=chrome102", "--log-level=warning", `--outfile=${bundle}`,
    ...(alias
      ? [
          "--alias:@exodus/bytes/encoding.js=./src/runtime/js/web/shims/exodus_bytes_encoding.js",
          "--alias:@exodus/bytes/whatwg.js=./src/runtime/js/web/shims/exodus_bytes_whatwg.js",
        ]
      : []),
  ],
  { stdio: "inherit", cwd: repo },
);
if (keep) console.error(`bundle: ${bundle}`);

// JS built into the context: ops backed by `host` (Node), returning objects of
// the context's own realm.
const OPS_SOURCE = `(host) => {
  function cloneError(what) { return new Error("DataCloneError: " + what + " could not be cloned."); }
  function clone(v, memo) {
    if (v === null || (typeof v !== "object" && typeof v !== "function")) {
      if (typeof v === "symbol") throw cloneError(String(v));
      return v;
    }
    if (typeof v === "function") throw cloneError(String(v));
    if (memo.has(v)) return memo.get(v);
    let out;
    const tag = Object.prototype.toString.call(v).slice(8, -1);
    switch (tag) {
      case "Date": out = new Date(v.getTime()); break;
      case "RegExp": out = new RegExp(v.source, v.flags); break;
      case "Boolean": case "Number": case "String": case "BigInt": out = Object(v.valueOf()); break;
      case "ArrayBuffer": out = v.slice(0); break;
      case "Map": out = new Map(); memo.set(v, out); for (const [k, x] of v) out.set(clone(k, memo), clone(x, memo)); return out;
      case "Set": out = new Set(); memo.set(v, out); for (const x of v) out.add(clone(x, memo)); return out;
      case "Error": {
        const C = { EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError }[v.name] || Error;
        out = new C(v.message);
        if ("cause" in v) out.cause = clone(v.cause, memo);
        out.stack = v.stack;
        memo.set(v, out);
        return out;
      }
      case "Array": out = new Array(v.length); break;
      case "Object": out = {}; break;
      default:
        if (ArrayBuffer.isView(v)) {
          const buf = clone(v.buffer, memo);
          out = tag === "DataView" ? new DataView(buf, v.byteOffset, v.byteLength) : new v.constructor(buf, v.byteOffset, v.length);
          memo.set(v, out);
          return out;
        }
        throw cloneError("#<" + tag + ">");
    }
    memo.set(v, out);
    for (const k of Object.keys(v)) out[k] = clone(v[k], memo);
    return out;
  }
  return {
    encode_utf8(s) { const b = host.encode(String(s)); const u = new Uint8Array(b.length); u.set(b); return u; },
    encode_utf8_into(s, u8) { const r = host.encodeInto(String(s), u8); return [r.read, r.written]; },
    decode_utf8(u8, fatal, ignoreBOM) {
      const r = host.decode(u8, !!fatal, !!ignoreBOM);
      if (r === null) throw new TypeError("The encoded data is not valid.");
      return r;
    },
    structured_clone(v) { return clone(v, new Map()); },
    random_fill(ta) { host.randomFill(ta); return ta; },
    random_uuid() { return host.uuid(); },
    now() { return host.now(); },
    time_origin() { return host.timeOrigin; },
    print(s, fd) { host.print(String(s), fd); },
  };
}`;

const host = {
  encode: (s) => Buffer.from(s, "utf8"),
  encodeInto: (s, u8) => new TextEncoder().encodeInto(s, u8),
  decode(u8, fatal, ignoreBOM) {
    try {
      return new TextDecoder("utf-8", { fatal, ignoreBOM }).decode(u8);
    } catch {
      return null;
    }
  },
  randomFill: (ta) => crypto.randomFillSync(ta),
  uuid: () => crypto.randomUUID(),
  now: (() => {
    const t0 = performance.now();
    return () => performance.now() - t0;
  })(),
  timeOrigin: performance.timeOrigin + performance.now(),
  print: (s, fd) => (fd === 2 ? process.stderr : process.stdout).write(s + "\n"),
};

let code = 0;
if (engine === "node") {
  // Timers return numeric ids (as sbfn's will), so nothing can unref them.
  const numeric = (fn) => (...a) => Number(fn(...a));
  const context = vm.createContext({
    setTimeout: numeric(setTimeout),
    clearTimeout,
    setInterval: numeric(setInterval),
    clearInterval,
  });
  process.exitCode = 1; // until the tests report back (guards against a drained event loop)
  context.__ops = vm.runInContext(OPS_SOURCE, context)(host);
  vm.runInContext(fs.readFileSync(bundle, "utf8"), context, { filename: bundle });
  if (!script) code = (await context.__done) ? 1 : 0;
} else {
  // V8 shell: virtual timers, driven by the shell calling __tick() until it returns false.
  const timers = `(() => {
  let seq = 0, now = 0; const q = new Map();
  globalThis.setTimeout = (fn, ms = 0, ...a) => { const id = ++seq; q.set(id, { at: now + Math.max(0, Number(ms) || 0), fn, a, seq: id }); return id; };
  globalThis.clearTimeout = (id) => { q.delete(id); };
  globalThis.setInterval = globalThis.setTimeout;
  globalThis.clearInterval = globalThis.clearTimeout;
  globalThis.__tick = () => {
    if (q.size === 0) return false;
    let best = null;
    for (const [id, t] of q) if (!best || t.at < best[1].at || (t.at === best[1].at && t.seq < best[1].seq)) best = [id, t];
    q.delete(best[0]); now = Math.max(now, best[1].at);
    best[1].fn(...best[1].a);
    return true;
  };
})();\n`;
  const shellBundle = path.join(tmp, "shell_bundle.js");
  fs.writeFileSync(shellBundle, timers + fs.readFileSync(bundle, "utf8"));
  try {
    execFileSync(engine, [shellBundle], { stdio: "inherit" });
  } catch (e) {
    code = e.status || 1;
  }
}
if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
process.exitCode = code;
