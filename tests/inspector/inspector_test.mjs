// The V8 inspector end to end, driven by a real Chrome DevTools Protocol client (the `ws`
// package from npm, in tests/oracles): `sbfn serve --inspect-brk` on a TypeScript
// function, /json/list and /json/version as Node serves them, a breakpoint by URL and
// line in the .ts file, the pause with a local's value, resume, and the HTTP answer; the
// address rules of --inspect; --inspect-main; and `sbfn test --inspect-brk`.
//
//   node tests/inspector/inspector_test.mjs build/sbfn
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "oracles", "package.json"));
const WebSocket = require("ws");

const sbfn = path.resolve(process.argv[2] ?? "build/sbfn");
const functionsDir = path.join(here, "functions");
const entry = path.join(functionsDir, "debug-me", "index.ts");
const entryUrl = pathToFileURL(entry).href;

// 0-based, as CDP counts lines: the line marked BREAK in `file`.
function breakLine(file) {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const index = lines.findIndex((line) => line.includes("// BREAK"));
  assert.ok(index >= 0, `no BREAK line in ${file}`);
  return index;
}

// A child process whose output is kept, with a way to wait for a line.
const started = [];
function start(args, options = {}) {
  const child = spawn(sbfn, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
  let output = "";
  const waiters = [];
  const onData = (chunk) => {
    output += chunk;
    for (const waiter of [...waiters]) {
      const match = output.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const handle = {
    args,
    child,
    exited,
    output: () => output,
    waitFor(pattern, ms = 20000) {
      const match = output.match(pattern);
      if (match) return Promise.resolve(match);
      return new Promise((resolve, reject) => {
        const waiter = { pattern, resolve };
        waiters.push(waiter);
        setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${output}`)), ms);
      });
    },
    async stop() {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  started.push(handle);
  return handle;
}

async function getJson(url, headers = {}) {
  const response = await fetch(url, { headers });
  assert.equal(response.status, 200, `GET ${url}: ${response.status}`);
  assert.match(response.headers.get("content-type"), /^application\/json/);
  return response.json();
}

async function poll(what, fn, ms = 20000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// A CDP session: send() answers with the result (or throws the error), event() waits for
// the next event of a method (or one already received and not yet taken).
class Cdp {
  constructor(url) {
    this.ws = new WebSocket(url);
    this.nextId = 1;
    this.pending = new Map();
    this.events = [];
    this.eventWaiters = [];
    this.scripts = [];
    this.ws.on("message", (data) => {
      const message = JSON.parse(data.toString());
      if (message.id !== undefined) {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) pending.reject(new Error(`${pending.method}: ${JSON.stringify(message.error)}`));
        else pending.resolve(message.result);
        return;
      }
      if (message.method === "Debugger.scriptParsed") this.scripts.push(message.params);
      const waiter = this.eventWaiters.find((w) => w.method === message.method);
      if (waiter) {
        this.eventWaiters.splice(this.eventWaiters.indexOf(waiter), 1);
        waiter.resolve(message.params);
      } else {
        this.events.push(message);
      }
    });
    this.closed = new Promise((resolve) => this.ws.on("close", resolve));
    // The worker ended (a limit, a crash): every open call fails instead of hanging.
    this.closed.then(() => {
      for (const { reject, method } of this.pending.values()) {
        reject(new Error(`${method}: the debugger's WebSocket closed (did the worker end?)`));
      }
      this.pending.clear();
    });
  }
  // CallFrame.url is deprecated (and empty in V8 10.2): the script is found by its id.
  scriptUrl(scriptId) {
    return this.scripts.find((script) => script.scriptId === scriptId)?.url;
  }
  open() {
    return new Promise((resolve, reject) => {
      this.ws.once("open", resolve);
      this.ws.once("error", reject);
    });
  }
  send(method, params = {}) {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, method }));
  }
  event(method, ms = 20000) {
    const index = this.events.findIndex((e) => e.method === method);
    if (index >= 0) return Promise.resolve(this.events.splice(index, 1)[0].params);
    return new Promise((resolve, reject) => {
      const waiter = { method, resolve };
      this.eventWaiters.push(waiter);
      setTimeout(() => reject(new Error(`timed out waiting for ${method}`)), ms);
    });
  }
  close() {
    this.ws.close();
    return this.closed;
  }
}

async function expectPausedAt(cdp, url, line, functionName) {
  const paused = await cdp.event("Debugger.paused");
  const top = paused.callFrames[0];
  assert.equal(cdp.scriptUrl(top.location.scriptId), url, "paused in the wrong script");
  assert.equal(top.location.lineNumber, line, `paused on line ${top.location.lineNumber + 1}, not ${line + 1}`);
  if (functionName) assert.equal(top.functionName, functionName);
  return paused;
}

// --- bad addresses are usage errors --------------------------------------------------

function testBadAddresses() {
  for (const [flag, why] of [
    ["--inspect=127.0.0.1:99999", /not a port number/],
    ["--inspect-brk=localhost:http", /not a port number/],
    ["--inspect-wait=::1:9229", /IPv6 address in brackets/],
    ["--inspect=bad host:9229", /not a host name or address/],
  ]) {
    const result = spawnSync(sbfn, ["serve", "--functions-dir", functionsDir, flag], { encoding: "utf8" });
    assert.equal(result.status, 2, `${flag}: exit ${result.status}\n${result.stderr}`);
    assert.match(result.stderr, /^error: --inspect/m, `${flag}: ${result.stderr}`);
    assert.match(result.stderr, why, `${flag}: ${result.stderr}`);
  }
  const both = spawnSync(sbfn, ["serve", "--inspect", "--inspect-brk"], { encoding: "utf8" });
  assert.equal(both.status, 2, both.stderr);
  assert.match(both.stderr, /excludes/);
  const coverage = spawnSync(sbfn, ["test", "--inspect-brk", "--coverage", "x_test.ts"], { encoding: "utf8" });
  assert.equal(coverage.status, 2, coverage.stderr);
  assert.match(coverage.stderr, /--coverage cannot be combined with --inspect/);
  console.log("ok - bad --inspect values exit 2 with the reason");
}

// --- the port is loopback unless a host is given --------------------------------------

async function testLoopbackOnly() {
  const server = start(["serve", "--functions-dir", functionsDir, "--port", "0", "--no-watch", "--inspect=0"]);
  try {
    const [, endpoint] = await server.waitFor(/Inspector listening on http:\/\/(\S+)/);
    assert.match(endpoint, /^127\.0\.0\.1:\d+$/, "a port alone must mean loopback");
    const port = Number(endpoint.split(":")[1]);
    await getJson(`http://127.0.0.1:${port}/json/list`);
    // Every other address of this machine is refused.
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a.family === "IPv4" && !a.internal)
      .map((a) => a.address);
    for (const address of others) {
      const error = await new Promise((resolve) => {
        const socket = net.connect(port, address);
        socket.on("connect", () => {
          socket.destroy();
          resolve(null);
        });
        socket.on("error", resolve);
      });
      assert.ok(error && error.code === "ECONNREFUSED", `the inspector answered on ${address}:${port}`);
    }
    // DNS rebinding: a Host that is not an IP address or localhost is refused, as Node does.
    // (node:http: fetch will not send a Host of its own.)
    const status = (host) =>
      new Promise((resolve, reject) => {
        http.get({ host: "127.0.0.1", port, path: "/json/list", headers: { Host: host } }, (response) => {
          response.resume();
          resolve(response.statusCode);
        }).on("error", reject);
      });
    assert.equal(await status("attacker.example:80"), 400);
    assert.equal(await status(`localhost:${port}`), 200);
    console.log(`ok - the inspector listens on loopback only (${others.length} other address(es) refused)`);
  } finally {
    await server.stop();
  }
}

// --- --inspect-main: the main service's worker is a target only when asked -------------

async function testInspectMain() {
  const mainDir = path.join(here, "main");
  const mainUrl = pathToFileURL(path.join(mainDir, "index.ts")).href;
  for (const [flags, listed] of [[["--inspect-main"], true], [[], false]]) {
    const server = start([
      "serve", "--port", "0", "--no-watch", "--main-service", mainDir, "--inspect=127.0.0.1:0", ...flags,
    ]);
    try {
      const [, endpoint] = await server.waitFor(/Inspector listening on http:\/\/(\S+)/);
      const [, httpPort] = await server.waitFor(/Main service \S+ answers every request on http:\/\/127\.0\.0\.1:(\d+)/);
      // The main service runs at once, debugger or not.
      assert.equal(await (await fetch(`http://127.0.0.1:${httpPort}/anything`)).text(), "main");
      const urls = (await getJson(`http://${endpoint}/json/list`)).map((target) => target.url);
      assert.equal(urls.includes(mainUrl), listed, `${flags.join(" ") || "no --inspect-main"}: ${urls}`);
    } finally {
      await server.stop();
    }
  }
  for (const [args, message] of [
    [["serve", "--inspect-main"], /^error: --inspect-main needs --inspect, --inspect-wait, --inspect-brk or --inspect-mode$/m],
    [["serve", "--inspect", "--inspect-main"], /^error: --inspect-main is for a main service: it needs --main-service$/m],
  ]) {
    const result = spawnSync(sbfn, args, { encoding: "utf8" });
    assert.equal(result.status, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  console.log("ok - serve --inspect-main: the main service's worker is a target (and only then); its usage errors");
}

// --- config.toml's [edge_runtime] inspector_port: --inspect's port when none is given ---

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function testConfigInspectorPort() {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "sbfn-inspector-port-"));
  try {
    fs.mkdirSync(path.join(project, "supabase"));
    const config = path.join(project, "supabase", "config.toml");
    const port = await freePort();
    fs.writeFileSync(config, `[edge_runtime]\nenabled = true\ninspector_port = ${port}\n`);
    const args = ["serve", "--functions-dir", functionsDir, "--port", "0", "--no-watch"];
    const server = start([...args, "--inspect"], { cwd: project });
    try {
      const [, endpoint] = await server.waitFor(/Inspector listening on http:\/\/(\S+)/);
      assert.equal(endpoint, `127.0.0.1:${port}`);
      assert.deepEqual(await getJson(`http://${endpoint}/json/list`), []);
    } finally {
      await server.stop();
    }
    // An address on the command line wins over the file.
    const other = await freePort();
    const explicit = start([...args, `--inspect=${other}`], { cwd: project });
    try {
      const [, endpoint] = await explicit.waitFor(/Inspector listening on http:\/\/(\S+)/);
      assert.equal(endpoint, `127.0.0.1:${other}`);
    } finally {
      await explicit.stop();
    }
    fs.writeFileSync(config, `[edge_runtime]\nenabled = true\ninspector_port = 70000\n`);
    const bad = spawnSync(sbfn, [...args, "--inspect"], { cwd: project, encoding: "utf8" });
    assert.equal(bad.status, 1, bad.stderr);
    assert.match(bad.stderr, /supabase\/config\.toml:3: \[edge_runtime\] inspector_port must be a port number \(1 to 65535\)/);
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
  console.log("ok - [edge_runtime] inspector_port of config.toml is --inspect's port when none is given");
}

// --- serve --inspect-brk: the whole debugging round ------------------------------------

async function testServeBreakpoint() {
  const line = breakLine(entry);
  const server = start([
    "serve", "--functions-dir", functionsDir, "--port", "0", "--no-watch", "--no-verify-jwt",
    "--inspect-brk=127.0.0.1:0",
  ]);
  let cdp;
  try {
    const [, httpPort] = await server.waitFor(/Serving functions on http:\/\/127\.0\.0\.1:(\d+)/);
    const [, endpoint] = await server.waitFor(/Inspector listening on http:\/\/(\S+)/);
    const base = `http://${endpoint}`;

    const version = await getJson(`${base}/json/version`);
    assert.match(version.Browser, /^sbfn\/\d/);
    assert.equal(version["Protocol-Version"], "1.3");
    assert.match(version["V8-Version"], /^10\.2\./);
    assert.deepEqual(await getJson(`${base}/json/list`), [], "no worker, no target");

    // The request boots the worker, which waits for a debugger before running the module.
    let answered = false;
    const request = fetch(`http://127.0.0.1:${httpPort}/functions/v1/debug-me?name=inspector`).then(
      async (response) => {
        answered = true;
        return { status: response.status, body: await response.json() };
      },
    );
    const [target] = await poll("a target in /json/list", async () => {
      const list = await getJson(`${base}/json/list`);
      return list.length ? list : null;
    });
    assert.equal((await getJson(`${base}/json`)).length, 1, "/json is /json/list");
    assert.match(target.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(target.type, "node");
    assert.equal(target.title, "debug-me");
    assert.equal(target.url, entryUrl);
    assert.equal(target.webSocketDebuggerUrl, `ws://${endpoint}/${target.id}`);
    assert.equal(
      target.devtoolsFrontendUrl,
      `devtools://devtools/bundled/js_app.html?experiments=true&v8only=true&ws=${endpoint}/${target.id}`,
    );
    await server.waitFor(new RegExp(`Debugger listening on ws://${endpoint}/${target.id}`));

    cdp = new Cdp(target.webSocketDebuggerUrl);
    await cdp.open();
    // Attached: the list no longer offers the WebSocket (Node does the same).
    assert.equal((await getJson(`${base}/json/list`))[0].webSocketDebuggerUrl, undefined);
    // A second debugger is turned away while this one holds the target.
    await assert.rejects(
      new Promise((resolve, reject) => {
        const other = new WebSocket(target.webSocketDebuggerUrl);
        other.on("open", () => resolve(other.close()));
        other.on("error", reject);
      }),
    );

    await cdp.send("Runtime.enable");
    await cdp.send("Debugger.enable");
    const breakpoint = await cdp.send("Debugger.setBreakpointByUrl", { url: entryUrl, lineNumber: line });
    await cdp.send("Runtime.runIfWaitingForDebugger");

    // --inspect-brk: the first statement of the module.
    const onStart = await cdp.event("Debugger.paused");
    assert.equal(onStart.reason, "Break on start");
    assert.equal(cdp.scriptUrl(onStart.callFrames[0].location.scriptId), entryUrl);
    assert.equal(onStart.callFrames[0].location.lineNumber, 0, "not the module's first statement");
    // The TypeScript source reaches the debugger through the transpiler's source map.
    const script = await poll("scriptParsed of index.ts", () => cdp.scripts.find((s) => s.url === entryUrl));
    const prefix = "data:application/json;charset=utf-8;base64,";
    assert.ok(script.sourceMapURL.startsWith(prefix), `sourceMapURL: ${script.sourceMapURL.slice(0, 60)}`);
    const map = JSON.parse(Buffer.from(script.sourceMapURL.slice(prefix.length), "base64").toString());
    assert.deepEqual(map.sources, [entryUrl]);
    assert.equal(map.sourcesContent[0], fs.readFileSync(entry, "utf8"));
    assert.ok(typeof map.mappings === "string" && map.mappings.length > 0);
    await cdp.send("Debugger.resume");

    // The breakpoint in the .ts file, hit by the request.
    const paused = await expectPausedAt(cdp, entryUrl, line, "greet");
    assert.deepEqual(paused.hitBreakpoints, [breakpoint.breakpointId]);
    const frame = paused.callFrames[0];
    const count = await cdp.send("Debugger.evaluateOnCallFrame", { callFrameId: frame.callFrameId, expression: "count" });
    assert.deepEqual(count.result, { type: "number", value: 18, description: "18" });
    const local = frame.scopeChain.find((scope) => scope.type === "local");
    const { result: properties } = await cdp.send("Runtime.getProperties", {
      objectId: local.object.objectId,
      ownProperties: true,
    });
    const name = properties.find((p) => p.name === "name");
    assert.equal(name?.value?.value, "inspector");
    // Paused means paused: the request is not answered until the debugger resumes.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(answered, false, "the request was answered while paused");
    // The function's console.log, before the breakpoint, reached the debugger's console.
    const logged = await cdp.event("Runtime.consoleAPICalled");
    assert.equal(logged.type, "log");
    assert.deepEqual(logged.args.map((arg) => arg.value), ["greeting", "inspector"]);
    await cdp.send("Debugger.resume");
    await cdp.event("Debugger.resumed");
    const response = await request;
    assert.deepEqual(response, { status: 200, body: { name: "inspector", count: 18 } });
    // ... and still reached the terminal.
    await server.waitFor(/\[debug-me\] greeting inspector/);
    console.log("ok - serve --inspect-brk: break on start, a .ts breakpoint with a local's value, resume, response");

    // Detaching takes the debugger's breakpoints with it: the next request runs through.
    await cdp.close();
    cdp = undefined;
    const again = await fetch(`http://127.0.0.1:${httpPort}/functions/v1/debug-me?name=ab`);
    assert.deepEqual(await again.json(), { name: "ab", count: 4 });
    // And the target can be attached again.
    const [relisted] = await getJson(`${base}/json/list`);
    assert.equal(relisted.webSocketDebuggerUrl, target.webSocketDebuggerUrl);
    console.log("ok - after the debugger leaves, requests run and the target is offered again");
  } finally {
    if (cdp) cdp.ws.terminate();
    const { code, signal } = await server.stop();
    assert.ok(code === 0 || signal === "SIGTERM", `serve exited with ${code ?? signal}:\n${server.output()}`);
  }
}

// --- --inspect-wait waits without breaking; a paused worker does not hold up shutdown ---

async function testWaitAndShutdown() {
  const line = breakLine(entry);
  const server = start([
    "serve", "--functions-dir", functionsDir, "--port", "0", "--no-watch", "--no-verify-jwt",
    "--inspect-wait=127.0.0.1:0", "--graceful-exit-timeout", "1",
  ]);
  let cdp;
  try {
    const [, httpPort] = await server.waitFor(/Serving functions on http:\/\/127\.0\.0\.1:(\d+)/);
    const [, endpoint] = await server.waitFor(/Inspector listening on http:\/\/(\S+)/);
    const url = `http://127.0.0.1:${httpPort}/functions/v1/debug-me?name=wait`;
    let answered = false;
    const first = fetch(url).then(async (response) => {
      answered = true;
      return response.json();
    });
    const [target] = await poll("a target", async () => {
      const list = await getJson(`http://${endpoint}/json/list`);
      return list.length ? list : null;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(answered, false, "--inspect-wait ran the function before a debugger attached");
    cdp = new Cdp(target.webSocketDebuggerUrl);
    await cdp.open();
    await cdp.send("Debugger.enable");
    await cdp.send("Runtime.runIfWaitingForDebugger");
    // No break on start: the request is answered without any resume.
    assert.deepEqual(await first, { name: "wait", count: 8 });
    assert.equal(cdp.events.filter((e) => e.method === "Debugger.paused").length, 0);
    console.log("ok - serve --inspect-wait: the worker waits for a debugger, then runs without a break");

    // Paused at a breakpoint, the server is stopped: it must not wait on the debugger.
    await cdp.send("Debugger.setBreakpointByUrl", { url: entryUrl, lineNumber: line });
    const second = fetch(url).catch(() => "failed");
    await expectPausedAt(cdp, entryUrl, line, "greet");
    const before = Date.now();
    const { code, signal } = await server.stop();
    assert.ok(code === 0 || signal === "SIGTERM", `serve exited with ${code ?? signal}`);
    assert.ok(Date.now() - before < 10000, `serve took ${Date.now() - before} ms to stop while paused`);
    await second;
    await cdp.closed;  // the worker's end closes the debugger's WebSocket
    cdp = undefined;
    console.log("ok - a worker paused at a breakpoint does not keep serve from stopping");
  } finally {
    if (cdp) cdp.ws.terminate();
    if (server.child.exitCode === null) await server.stop();
  }
}

// --- TypeScript whose lines move: the breakpoint goes through the source map -----------

// A source map's mappings as [generatedLine, generatedColumn, sourceLine, sourceColumn]
// (all 0-based), decoded as the spec says, as a frontend does.
function decodeMappings(mappings) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const segments = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  mappings.split(";").forEach((line, generatedLine) => {
    let generatedColumn = 0;
    for (const segment of line.split(",").filter(Boolean)) {
      const fields = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = alphabet.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      generatedColumn += fields[0];
      if (fields.length >= 4) {
        sourceLine += fields[2];
        sourceColumn += fields[3];
        segments.push([generatedLine, generatedColumn, sourceLine, sourceColumn]);
      }
    }
  });
  return segments;
}

async function testLoweredTypeScript() {
  const file = path.join(functionsDir, "debug-lowered", "index.ts");
  const url = pathToFileURL(file).href;
  const line = breakLine(file);
  const server = start([
    "serve", "--functions-dir", functionsDir, "--port", "0", "--no-watch", "--no-verify-jwt",
    "--inspect-wait=127.0.0.1:0",
    // Small CPU limits: the debugger's own work below must not be charged to the worker.
    "--cpu-soft-limit", "300", "--cpu-hard-limit", "400",
  ]);
  let cdp;
  try {
    const [, httpPort] = await server.waitFor(/Serving functions on http:\/\/127\.0\.0\.1:(\d+)/);
    const [, endpoint] = await server.waitFor(/Inspector listening on http:\/\/(\S+)/);
    const request = (v) =>
      fetch(`http://127.0.0.1:${httpPort}/functions/v1/debug-lowered?v=${v}`).then((r) => r.json());
    const first = request(1);
    const [target] = await poll("a target", async () => {
      const list = await getJson(`http://${endpoint}/json/list`);
      return list.length ? list : null;
    });
    cdp = new Cdp(target.webSocketDebuggerUrl);
    await cdp.open();
    await cdp.send("Debugger.enable");
    await cdp.send("Runtime.runIfWaitingForDebugger");
    assert.deepEqual(await first, { scaled: 3, about: "factor 3" });

    // Where the BREAK line went, as the frontend works it out from the map V8 reported.
    // (The HTTP answer may overtake the scriptParsed event on its WebSocket.)
    const script = await poll("scriptParsed of index.ts", () => cdp.scripts.find((s) => s.url === url));
    assert.ok(script.sourceMapURL, "the lowered module has no sourceMapURL");
    const map = JSON.parse(Buffer.from(script.sourceMapURL.split(",")[1], "base64").toString());
    assert.deepEqual(map.sources, [url]);
    const generated = decodeMappings(map.mappings).filter(([, , sourceLine]) => sourceLine === line);
    assert.ok(generated.length > 0, `the map has no mapping for line ${line + 1}`);
    const generatedLine = Math.min(...generated.map(([g]) => g));
    assert.notEqual(generatedLine, line, "TypeScript's compiler kept the lines: this case tests nothing");
    await cdp.send("Debugger.setBreakpointByUrl", { url, lineNumber: generatedLine });

    const second = request(5);
    const paused = await expectPausedAt(cdp, url, generatedLine, "scale");
    const scaled = await cdp.send("Debugger.evaluateOnCallFrame", {
      callFrameId: paused.callFrames[0].callFrameId,
      expression: "scaled",
    });
    assert.equal(scaled.result.value, 15);
    // A debugging session costs the worker's thread CPU (evaluations, previews): well past
    // the hard limit here, none of it counts, so the function is not ended (546).
    const busy = "(() => { let s = 0; for (let i = 0; i < 2e7; i++) s += i % 7; return s; })()";
    const burnStart = Date.now();
    while (Date.now() - burnStart < 1000) {
      await cdp.send("Debugger.evaluateOnCallFrame", { callFrameId: paused.callFrames[0].callFrameId, expression: busy });
    }
    await cdp.send("Debugger.resume");
    assert.deepEqual(await second, { scaled: 15, about: "factor 3" });
    console.log(
      `ok - lowered TypeScript: .ts line ${line + 1} is generated line ${generatedLine + 1} by the source map, and the breakpoint holds there; 1 s of the debugger's CPU is not charged to the function`,
    );
  } finally {
    if (cdp) cdp.ws.terminate();
    await server.stop();
  }
}

// --- sbfn test --inspect-brk -----------------------------------------------------------

async function testTestBreakpoint() {
  const file = path.join(here, "tests", "debug_test.ts");
  const url = pathToFileURL(file).href;
  const line = breakLine(file);
  const run = start(["test", "--inspect-brk=127.0.0.1:0", file], { cwd: here });
  let cdp;
  try {
    const [, endpoint] = await run.waitFor(/Inspector listening on http:\/\/(\S+)/);
    const [target] = await poll("a test target", async () => {
      const list = await getJson(`http://${endpoint}/json/list`);
      return list.length ? list : null;
    });
    assert.equal(target.url, url);
    cdp = new Cdp(target.webSocketDebuggerUrl);
    await cdp.open();
    await cdp.send("Debugger.enable");
    await cdp.send("Debugger.setBreakpointByUrl", { url, lineNumber: line });
    await cdp.send("Runtime.runIfWaitingForDebugger");
    const onStart = await cdp.event("Debugger.paused");
    assert.equal(onStart.reason, "Break on start");
    await cdp.send("Debugger.resume");
    const paused = await expectPausedAt(cdp, url, line, "double");
    const doubled = await cdp.send("Debugger.evaluateOnCallFrame", {
      callFrameId: paused.callFrames[0].callFrameId,
      expression: "doubled",
    });
    assert.equal(doubled.result.value, 42);
    await cdp.send("Debugger.resume");
    const { code } = await run.exited;
    assert.equal(code, 0, run.output());
    assert.match(run.output(), /doubles under a debugger \.\.\. .*ok/);
    console.log("ok - sbfn test --inspect-brk: a breakpoint in a test's .ts file, then the test passes");
  } finally {
    if (cdp) cdp.ws.terminate();
    if (run.child.exitCode === null) await run.stop();
  }
}

try {
  testBadAddresses();
  await testLoopbackOnly();
  await testInspectMain();
  await testConfigInspectorPort();
  await testServeBreakpoint();
  await testWaitAndShutdown();
  await testLoweredTypeScript();
  await testTestBreakpoint();
  console.log("inspector: all passed");
} catch (error) {
  // What sbfn said is most of the diagnosis.
  for (const process of started) {
    console.error(`--- sbfn ${process.args.join(" ")}\n${process.output()}`);
  }
  throw error;
}
