// node:https's client against the TLS listener of the fetch fixture
// (tests/js/servers/fetch_fixture.py), whose certificate comes from a CA made at start:
// trusted through the `ca` option (of the request, or of an Agent), refused without it,
// accepted unchecked with rejectUnauthorized: false.
import http from "node:http";
import https from "node:https";
import { assert, assertEquals } from "../js/assert.js";

const HTTPS = Deno.env.get("SBFN_TEST_HTTPS");
const CA = Deno.env.get("SBFN_TEST_CA");

function send(req) {
  return new Promise((resolve, reject) => {
    req.on("error", reject);
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ res, body }));
    });
  });
}

Deno.test("https.get: a server trusted through `ca`", async () => {
  const { res, body } = await send(https.get(`${HTTPS}/echo?tls=1`, { ca: CA }));
  assertEquals(res.statusCode, 200);
  assertEquals(res.headers["content-type"], "application/json");
  assertEquals(JSON.parse(body).url, "/echo?tls=1");
});

Deno.test("https.request: a body, the `ca` of an Agent", async () => {
  const agent = new https.Agent({ ca: CA, keepAlive: true });
  const url = new URL(HTTPS);
  const req = https.request({ hostname: url.hostname, port: url.port, path: "/echo", method: "POST", agent });
  req.end("secret payload");
  const { res, body } = await send(req);
  assertEquals(res.statusCode, 200);
  const echoed = JSON.parse(body);
  assertEquals(echoed.method, "POST");
  assertEquals(echoed.body, "secret payload");
  agent.destroy();
});

Deno.test("https.get: a certificate from an unknown CA is refused", async () => {
  const error = await new Promise((resolve) => {
    const req = https.get(`${HTTPS}/echo`);
    req.on("error", resolve);
    req.on("response", (res) => {
      res.resume();
      resolve(new Error("unexpected response"));
    });
  });
  assert(error instanceof Error);
  assert(error.message !== "unexpected response", "the request went through");
});

Deno.test("https.get: rejectUnauthorized: false skips the certificate check", async () => {
  const { res, body } = await send(https.get(`${HTTPS}/echo?insecure=1`, { rejectUnauthorized: false }));
  assertEquals(res.statusCode, 200);
  assertEquals(JSON.parse(body).url, "/echo?insecure=1");
});

Deno.test("https: Agent and globalAgent", () => {
  assert(https.globalAgent instanceof https.Agent);
  assert(new https.Agent() instanceof http.Agent);
  assertEquals(https.globalAgent.defaultPort, 443);
  assertEquals(typeof https.request, "function");
  assertEquals(typeof https.createServer, "function");
});
