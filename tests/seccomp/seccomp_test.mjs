// packaging/seccomp.json enforced on a real `sbfn serve` (CTest serve.seccomp_profile):
// tests/seccomp/seccomp_exec applies the profile with libseccomp, as a container runtime
// does, and execs the server, which then answers plain requests, an outbound fetch by host
// name, a WebSocket echo, Web Crypto, a file in /tmp, a hot reload and a remote deploy
// (`sbfn deploy --to`, the admin API), and ends cleanly on SIGTERM. The same profile
// without `bind` must stop the server from listening: the filter is really applied.
//   node seccomp_test.mjs <sbfn> <seccomp_exec> <profile.json>
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const WebSocket = require("../oracles/node_modules/ws");
const [sbfn, loader, profilePath] = process.argv.slice(2);
const anon =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";
const auth = { authorization: `Bearer ${anon}` };
const tick = (ms) => new Promise((r) => setTimeout(r, ms));

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sbfn-seccomp-"));
const children = [];
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
  fs.rmSync(work, { recursive: true, force: true });
});

const fn = (version) => `
Deno.serve(async (req) => {
  const url = new URL(req.url);
  if (req.headers.get("upgrade") === "websocket") {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onmessage = (e) => socket.send("${version}:" + e.data);
    return response;
  }
  if (url.pathname.endsWith("/fetch")) {
    const r = await fetch(url.searchParams.get("u"));
    return new Response("${version} fetched " + r.status + " " + (await r.text()));
  }
  if (url.pathname.endsWith("/crypto")) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode("abc"));
    const key = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
    const sig = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key.privateKey, new Uint8Array(8));
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    return new Response(hex + " " + sig.byteLength + " " + crypto.randomUUID().length);
  }
  if (url.pathname.endsWith("/tmp")) {
    const file = await Deno.makeTempFile();
    await Deno.writeTextFile(file, "kept");
    const back = await Deno.readTextFile(file);
    await Deno.remove(file);
    return new Response(back);
  }
  return new Response("${version}");
});
`;
function writeFunction(root, version) {
  fs.mkdirSync(path.join(root, "functions", "probe"), { recursive: true });
  const file = path.join(root, "functions", "probe", "index.ts");
  fs.writeFileSync(file + ".tmp", fn(version));
  fs.renameSync(file + ".tmp", file);
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function get(url, headers = auth) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    }).on("error", reject);
  });
}

// Asks until the answer is `want` (a reload or deploy takes effect a moment later).
async function eventually(url, want) {
  let last;
  for (let i = 0; i < 600; i++) {
    try {
      last = await get(url);
      if (last.status === 200 && last.body === want) return;
    } catch (e) {
      last = e.message;
    }
    await tick(50);
  }
  assert.fail(`${url} never answered ${want}; last: ${JSON.stringify(last)}`);
}

function wsEcho(url, message) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: auth });
    ws.on("open", () => ws.send(message));
    ws.on("message", (d) => {
      ws.close(1000);
      resolve(String(d));
    });
    ws.on("error", reject);
  });
}

// The upstream the function fetches, reached by the name "localhost" (the resolver runs).
const upstream = http.createServer((_req, res) => res.end("from upstream"));
await new Promise((r) => upstream.listen(0, "127.0.0.1", r));
const upstreamUrl = `http://localhost:${upstream.address().port}/x`;

const project = path.join(work, "project");
const deployProject = path.join(work, "deploy");
writeFunction(project, "v1");
fs.writeFileSync(path.join(work, "token"), "seccomp-test-token-0123456789abcdef\n");
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const args = ["serve", "--port", String(port), "--admin-token-file", path.join(work, "token"),
  "--state-dir", path.join(work, "state")];

// The negative case first: without `bind` the server cannot listen.
const noBind = JSON.parse(fs.readFileSync(profilePath));
for (const rule of noBind.syscalls) rule.names = rule.names.filter((n) => n !== "bind");
fs.writeFileSync(path.join(work, "no-bind.json"), JSON.stringify(noBind));
const refused = spawnSync(loader, [path.join(work, "no-bind.json"), sbfn, ...args],
  { cwd: project, encoding: "utf8", timeout: 60000, env: { ...process.env, NO_COLOR: "1" } });
assert.notEqual(refused.status, 0, `serve without bind exited 0: ${refused.stderr}`);
assert.match(refused.stderr, /Operation not permitted|permission/i);
console.log("ok - without bind in the profile, serve cannot listen:", refused.stderr.trim().split("\n").at(-1));

const server = spawn(loader, [profilePath, sbfn, ...args],
  { cwd: project, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
children.push(server);
let log = "";
server.stdout.on("data", (d) => (log += d));
server.stderr.on("data", (d) => (log += d));
const exited = new Promise((r) => server.on("exit", (code, signal) => r({ code, signal })));
server.on("exit", (code) => { if (code) console.error(log); });

await eventually(`${base}/functions/v1/probe`, "v1");
const status = fs.readFileSync(`/proc/${server.pid}/status`, "utf8");
assert.match(status, /^Seccomp:\s+2$/m, "the server runs under a seccomp filter");
assert.match(status, /^NoNewPrivs:\s+1$/m);
console.log("ok - serve answers under the filter (Seccomp: 2)");

const fetched = await get(`${base}/functions/v1/probe/fetch?u=${encodeURIComponent(upstreamUrl)}`);
assert.deepEqual(fetched, { status: 200, body: "v1 fetched 200 from upstream" });
console.log("ok - fetch by host name");

const crypto = await get(`${base}/functions/v1/probe/crypto`);
assert.deepEqual(crypto, { status: 200, body: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad 64 36" });
console.log("ok - Web Crypto: digest, EC key generation, signature, randomUUID");

assert.deepEqual(await get(`${base}/functions/v1/probe/tmp`), { status: 200, body: "kept" });
console.log("ok - a file in /tmp written, read and removed");

assert.equal(await wsEcho(`ws://127.0.0.1:${port}/functions/v1/probe`, "hi"), "v1:hi");
console.log("ok - WebSocket echo");

writeFunction(project, "v2");
await eventually(`${base}/functions/v1/probe`, "v2");
console.log("ok - hot reload");

writeFunction(deployProject, "v3");
const deployed = spawnSync(sbfn, ["deploy", "--to", base, "--token-file", path.join(work, "token"), "probe"],
  { cwd: deployProject, encoding: "utf8", timeout: 120000, env: { ...process.env, NO_COLOR: "1" } });
assert.equal(deployed.status, 0, deployed.stderr);
await eventually(`${base}/functions/v1/probe`, "v3");
assert.equal(await wsEcho(`ws://127.0.0.1:${port}/functions/v1/probe`, "again"), "v3:again");
console.log("ok - remote deploy through the admin API");

server.kill("SIGTERM");
const end = await exited;
assert.deepEqual(end, { code: 0, signal: null }, log);
console.log("ok - SIGTERM: exit 0");
upstream.close();
console.log("7 passed, 0 failed");
