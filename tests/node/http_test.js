// node:http: the client against the fetch fixture (tests/js/servers/fetch_fixture.py), the
// server listening on a port of its own (sbfn's and Deno's createServer both listen for
// real in a test) and talked to with fetch, a WebSocket and node:http's own client.
import http from "node:http";
import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";
import { assert, assertEquals, assertThrows } from "../js/assert.js";

const HTTP = Deno.env.get("SBFN_TEST_HTTP");
const CLOSED = Deno.env.get("SBFN_TEST_CLOSED");

// The response of a ClientRequest, with its body as text.
function send(req) {
  return new Promise((resolve, reject) => {
    req.on("error", reject);
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ res, body }));
      res.on("error", reject);
    });
  });
}

// A server listening on a free port of 127.0.0.1; `use(url)` runs with its base URL.
async function withServer(handler, use, setup = () => {}) {
  const server = http.createServer(handler);
  setup(server);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await use(`http://127.0.0.1:${server.address().port}`, server);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

Deno.test("http: STATUS_CODES, METHODS and the header checks", () => {
  assertEquals(http.STATUS_CODES[404], "Not Found");
  assertEquals(http.STATUS_CODES[418], "I'm a Teapot");
  assert(http.METHODS.includes("PATCH"));
  assert(http.METHODS.includes("GET"));
  http.validateHeaderName("x-ok");
  const badName = assertThrows(() => http.validateHeaderName("bad name"));
  assertEquals(badName.code, "ERR_INVALID_HTTP_TOKEN");
  const badValue = assertThrows(() => http.validateHeaderValue("x", "a\nb"));
  assertEquals(badValue.code, "ERR_INVALID_CHAR");
  assert(http.globalAgent instanceof http.Agent);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  assertEquals(agent.keepAlive, true);
  assertEquals(agent.maxSockets, 4);
});

Deno.test("http.get: status, lower-cased headers, the body", async () => {
  const { res, body } = await send(http.get(`${HTTP}/echo?x=1`, { headers: { "X-Custom": "yes" } }));
  assertEquals(res.statusCode, 200);
  assertEquals(res.statusMessage, "OK");
  assertEquals(res.headers["content-type"], "application/json");
  assert(res.rawHeaders.length % 2 === 0 && res.rawHeaders.length > 0);
  const echoed = JSON.parse(body);
  assertEquals(echoed.method, "GET");
  assertEquals(echoed.url, "/echo?x=1");
  assertEquals(echoed.headers["x-custom"], "yes");
});

Deno.test("http.request: options, a method, a body written in pieces", async () => {
  const url = new URL(HTTP);
  const req = http.request({
    hostname: url.hostname,
    port: url.port,
    path: "/echo",
    method: "POST",
    headers: { "content-type": "text/plain" },
  });
  req.setHeader("X-Set", "later");
  assertEquals(req.getHeader("x-set"), "later");
  req.write("hello ");
  req.write(Buffer.from("node "));
  req.end("http");
  const { res, body } = await send(req);
  assertEquals(res.statusCode, 200);
  const echoed = JSON.parse(body);
  assertEquals(echoed.method, "POST");
  assertEquals(echoed.body, "hello node http");
  assertEquals(echoed.headers["x-set"], "later");
  assertEquals(echoed.headers["content-type"], "text/plain");
});

Deno.test("http.request: a URL with a callback, a non-200 status", async () => {
  const { res, body } = await new Promise((resolve, reject) => {
    const req = http.request(`${HTTP}/status?code=418&text=teapot`, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ res, body }));
    });
    req.on("error", reject);
    req.end();
  });
  assertEquals(res.statusCode, 418);
  assertEquals(body, "teapot");
});

Deno.test("http.request: a refused connection is ECONNREFUSED", async () => {
  const error = await new Promise((resolve) => {
    const req = http.get(`${CLOSED}/`);
    req.on("error", resolve);
    req.on("response", () => resolve(new Error("unexpected response")));
  });
  assertEquals(error.code, "ECONNREFUSED");
  assert(/ECONNREFUSED/.test(error.message), error.message);
});

Deno.test("http.request: an aborted signal ends it with an AbortError", async () => {
  const controller = new AbortController();
  const req = http.get(`${HTTP}/echo`, { signal: controller.signal });
  controller.abort();
  const error = await new Promise((resolve) => req.on("error", resolve));
  assertEquals(error.name, "AbortError");
  await new Promise((resolve) => (req.destroyed ? resolve() : req.on("close", resolve)));
});

Deno.test("http.createServer: the request, headers, a streamed body in, a streamed answer out", async () => {
  await withServer(
    (req, res) => {
      const chunks = [];
      req.on("data", (chunk) => chunks.push(chunk));
      req.on("end", () => {
        res.setHeader("X-Method", req.method);
        res.setHeader("Set-Cookie", ["a=1", "b=2"]);
        assertEquals(res.getHeader("x-method"), req.method);
        assert(!res.headersSent);
        res.writeHead(201, { "Content-Type": "text/plain" });
        res.write(`${req.url} `);
        assert(res.headersSent);
        res.write(`${req.headers["x-client"]} `);
        res.end(Buffer.concat(chunks));
      });
    },
    async (base) => {
      const response = await fetch(`${base}/path/to?q=1`, {
        method: "POST",
        headers: { "X-Client": "fetch" },
        body: "body-bytes",
      });
      assertEquals(response.status, 201);
      assertEquals(response.headers.get("x-method"), "POST");
      assertEquals(response.headers.get("content-type"), "text/plain");
      assertEquals(response.headers.getSetCookie(), ["a=1", "b=2"]);
      assertEquals(await response.text(), "/path/to?q=1 fetch body-bytes");
    },
  );
});

Deno.test("http.createServer: end() in one go sets Content-Length; 204 has no body; listening and address()", async () => {
  let listened = false;
  await withServer(
    (req, res) => {
      if (req.url === "/empty") {
        res.statusCode = 204;
        res.end();
        return;
      }
      res.statusCode = 200;
      res.statusMessage = "Fine";
      res.end(JSON.stringify({ ok: true }));
    },
    async (base, server) => {
      assert(listened);
      assert(server.listening);
      assertEquals(typeof server.address().port, "number");
      const response = await fetch(`${base}/json`);
      assertEquals(response.headers.get("content-length"), "11");
      assertEquals(await response.json(), { ok: true });
      const empty = await fetch(`${base}/empty`);
      assertEquals(empty.status, 204);
      assertEquals(await empty.text(), "");
    },
    (server) => server.on("listening", () => (listened = true)),
  );
});

Deno.test("http: node:http's client against node:http's server", async () => {
  await withServer(
    (req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        res.writeHead(200, "Alright", { "content-type": "application/json" });
        res.end(JSON.stringify({ method: req.method, url: req.url, body, agent: req.headers["user-agent"] ?? null }));
      });
    },
    async (base) => {
      const req = http.request(`${base}/x`, { method: "PUT", headers: { "user-agent": "node-test" } });
      req.end("payload");
      const { res, body } = await send(req);
      assertEquals(res.statusCode, 200);
      assertEquals(res.statusMessage, "Alright");
      assertEquals(JSON.parse(body), { method: "PUT", url: "/x", body: "payload", agent: "node-test" });
    },
  );
});

// A minimal WebSocket server on the `upgrade` event, written as for Node's raw socket: the
// handshake answer, then frames read and written by hand (what the `ws` package does).
function acceptKey(key) {
  return createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
}

// One whole masked frame at the start of `bytes` (any length form): { opcode, payload,
// size } or null while it is incomplete.
function readClientFrame(bytes) {
  if (bytes.length < 2) return null;
  let length = bytes[1] & 0x7f;
  let at = 2;
  if (length === 126) {
    if (bytes.length < 4) return null;
    length = bytes.readUInt16BE(2);
    at = 4;
  } else if (length === 127) {
    if (bytes.length < 10) return null;
    length = Number(bytes.readBigUInt64BE(2));
    at = 10;
  }
  if (bytes.length < at + 4 + length) return null;
  const mask = bytes.subarray(at, at + 4);
  const payload = Buffer.alloc(length);
  for (let i = 0; i < length; i++) payload[i] = bytes[at + 4 + i] ^ mask[i & 3];
  return { opcode: bytes[0] & 0x0f, payload, size: at + 4 + length };
}

function serverFrame(opcode, payload) {
  let head;
  if (payload.length > 0xffff) {
    head = Buffer.alloc(10);
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(payload.length), 2);
  } else if (payload.length > 125) {
    head = Buffer.alloc(4);
    head[1] = 126;
    head.writeUInt16BE(payload.length, 2);
  } else {
    head = Buffer.alloc(2);
    head[1] = payload.length;
  }
  head[0] = 0x80 | opcode;
  return Buffer.concat([head, payload]);
}

// The messages a WebSocket receives, one promise each.
function inbox(socket) {
  const waiting = [];
  const arrived = [];
  socket.onmessage = (event) => (waiting.length > 0 ? waiting.shift()(event.data) : arrived.push(event.data));
  return () => (arrived.length > 0 ? Promise.resolve(arrived.shift()) : new Promise((resolve) => waiting.push(resolve)));
}

Deno.test("http.createServer: the upgrade event gives a socket speaking WebSocket frames", async () => {
  const seen = {};
  await withServer(
    (_req, res) => res.end("not an upgrade"),
    async (base) => {
      const socket = new WebSocket(base.replace("http:", "ws:") + "/live");
      socket.binaryType = "arraybuffer";
      const closed = new Promise((resolve) => (socket.onclose = (event) => resolve(event)));
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = reject;
      });
      const next = inbox(socket);
      socket.send("hello");
      assertEquals(await next(), "echo:hello");
      // 70 000 bytes: the 64-bit length form both ways.
      const big = new Uint8Array(70000).map((_, i) => i % 251);
      socket.send(big);
      assertEquals(new Uint8Array(await next()), big);
      const medium = "m".repeat(300); // the 16-bit length form
      socket.send(medium);
      assertEquals(await next(), `echo:${medium}`);
      socket.close(1000, "bye");
      const event = await closed;
      assertEquals(event.code, 1000);
      assertEquals(seen.url, "/live");
      assertEquals(seen.upgrade, "websocket");
    },
    (server) =>
      server.on("upgrade", (req, socket) => {
        seen.url = req.url;
        seen.upgrade = req.headers.upgrade.toLowerCase();
        socket.write(
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            `Sec-WebSocket-Accept: ${acceptKey(req.headers["sec-websocket-key"])}\r\n\r\n`,
        );
        let buffered = Buffer.alloc(0);
        socket.on("data", (data) => {
          buffered = Buffer.concat([buffered, data]);
          for (let frame = readClientFrame(buffered); frame !== null; frame = readClientFrame(buffered)) {
            buffered = buffered.subarray(frame.size);
            const { opcode, payload } = frame;
            if (opcode === 1) socket.write(serverFrame(1, Buffer.from(`echo:${payload}`)));
            if (opcode === 2) socket.write(serverFrame(2, payload));
            if (opcode === 8) {
              socket.write(serverFrame(8, payload));
              socket.end();
            }
          }
        });
        socket.on("error", () => {});
      }),
  );
});

Deno.test("http.createServer: a Readable piped into the response", async () => {
  const { Readable } = await import("node:stream");
  await withServer(
    (_req, res) => {
      res.setHeader("content-type", "text/plain");
      Readable.from(["one ", "two ", "three"]).pipe(res);
    },
    async (base) => {
      const response = await fetch(`${base}/piped`);
      assertEquals(await response.text(), "one two three");
    },
  );
});

Deno.test("http.createServer: a client that goes away closes the response", async () => {
  let closed;
  const responseClosed = new Promise((resolve) => (closed = resolve));
  await withServer(
    (_req, res) => {
      // An event stream: a chunk now and then, until the client leaves (which sbfn's
      // server notices when the next chunk cannot be delivered).
      res.write("first chunk");
      const ticker = setInterval(() => res.write("."), 10);
      res.on("close", () => {
        clearInterval(ticker);
        closed(res.writableEnded);
      });
    },
    async (base) => {
      const controller = new AbortController();
      const response = await fetch(`${base}/endless`, { signal: controller.signal });
      const reader = response.body.getReader();
      const { value } = await reader.read();
      const text = new TextDecoder().decode(value);
      assert(text.startsWith("first chunk"), text);
      controller.abort();
      await reader.cancel().catch(() => {});
      assertEquals(await responseClosed, false);
    },
  );
});

Deno.test("http.createServer: an explicit Content-Length with the body written in pieces", async () => {
  await withServer(
    (_req, res) => {
      res.setHeader("Content-Length", "11");
      res.write("hello ");
      res.end("world");
    },
    async (base) => {
      // (Deno keeps the Content-Length of a streamed answer; sbfn's server sends it chunked.)
      const response = await fetch(`${base}/sized`);
      assertEquals(await response.text(), "hello world");
    },
  );
});

Deno.test("http.get: a redirect is the caller's to follow", async () => {
  const { res } = await send(http.get(`${HTTP}/redirect/302?to=/echo&n=1`));
  assertEquals(res.statusCode, 302);
  assert(res.headers.location.includes("/echo"), res.headers.location);
});

Deno.test("http.get: the body comes as the server encoded it only when asked (no Accept-Encoding of its own)", async () => {
  const { res, body } = await send(http.get(`${HTTP}/echo`));
  assertEquals(res.headers["content-encoding"], undefined);
  const sent = JSON.parse(body).headers["accept-encoding"];
  assert(sent === undefined || sent === "identity", String(sent));
});

Deno.test("http.request: the timeout option emits 'timeout'; destroy() then reports the hang-up", async () => {
  let answer;
  await withServer(
    (_req, res) => (answer = res), // answered only after the client gave up
    async (base) => {
      const req = http.get(`${base}/stall`, { timeout: 20 });
      const timedOut = new Promise((resolve) => req.on("timeout", resolve));
      const failed = new Promise((resolve) => req.on("error", resolve));
      await timedOut;
      req.destroy();
      const error = await failed;
      assertEquals(error.code, "ECONNRESET");
      answer?.end();
    },
  );
});

Deno.test("http.get: a server that hangs up without answering is ECONNRESET", async () => {
  const error = await new Promise((resolve) => {
    const req = http.get(`${HTTP}/hangup`);
    req.on("error", resolve);
    req.on("response", () => resolve(new Error("unexpected response")));
  });
  assertEquals(error.code, "ECONNRESET");
});

Deno.test("http.createServer: a port in use is the server's EADDRINUSE error", async () => {
  await withServer(
    () => {},
    async (base) => {
      const port = Number(new URL(base).port);
      const second = http.createServer(() => {});
      const error = await new Promise((resolve) => {
        second.on("error", resolve);
        second.listen(port, "127.0.0.1", () => resolve(new Error("listened twice")));
      });
      assertEquals(error.code, "EADDRINUSE");
      assertEquals(second.listening, false);
    },
  );
});

Deno.test("http.createServer: headersDistinct", async () => {
  let distinct;
  await withServer(
    (req, res) => {
      distinct = req.headersDistinct;
      res.end();
    },
    async (base) => {
      const response = await fetch(`${base}/`, { headers: { "X-One": "1" } });
      await response.arrayBuffer();
      assertEquals(distinct["x-one"], ["1"]);
    },
  );
});

Deno.test("http.request: an Upgrade: websocket request gets the upgrade event and a socket speaking frames", async () => {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request, { protocol: "chat" });
    socket.onmessage = (event) => socket.send(`echo:${event.data}`);
    return response;
  });
  try {
    const key = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
    const req = http.request(`http://127.0.0.1:${server.addr.port}/live`, {
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": key,
        "Sec-WebSocket-Protocol": "chat",
      },
    });
    const [res, socket] = await new Promise((resolve, reject) => {
      req.on("upgrade", (res, socket) => resolve([res, socket]));
      req.on("error", reject);
      req.end();
    });
    assertEquals(res.statusCode, 101);
    assertEquals(res.headers["sec-websocket-accept"], acceptKey(key));
    assertEquals(res.headers["sec-websocket-protocol"], "chat");
    // A masked text frame, as a client sends it; the answer arrives unmasked.
    const mask = Buffer.from([1, 2, 3, 4]);
    const payload = Buffer.from("hi");
    const masked = Buffer.from(payload.map((b, i) => b ^ mask[i & 3]));
    socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]));
    const frame = await new Promise((resolve) => socket.once("data", resolve));
    assertEquals(frame[0], 0x81);
    assertEquals(frame.subarray(2, 2 + frame[1]).toString(), "echo:hi");
    socket.write(Buffer.from([0x88, 0x80 | 2, 0, 0, 0, 0, 0x03, 0xe8])); // close 1000, masked with zeros
    await new Promise((resolve) => socket.on("close", resolve).on("end", () => socket.end()).resume());
  } finally {
    await server.shutdown();
  }
});

Deno.test("http.get: a body that arrives in pieces streams through 'data' events", async () => {
  const chunks = [];
  const res = await new Promise((resolve, reject) => {
    http.get(`${HTTP}/slow?n=3&ms=10`, resolve).on("error", reject);
  });
  res.on("data", (chunk) => chunks.push(String(chunk)));
  await new Promise((resolve) => res.on("end", resolve));
  assertEquals(chunks.join(""), "chunk 0\nchunk 1\nchunk 2\n");
  assert(res.complete);
});

Deno.test("http.request: Expect: 100-continue lets the body be written on 'continue'", async () => {
  const req = http.request(`${HTTP}/echo`, { method: "PUT", headers: { Expect: "100-continue" } });
  req.on("continue", () => req.end("after continue"));
  const { res, body } = await send(req);
  assertEquals(res.statusCode, 200);
  assertEquals(JSON.parse(body).body, "after continue");
});

Deno.test("http.createServer: HEAD gets the head of what GET would get, no body", async () => {
  let method;
  await withServer(
    (req, res) => {
      method = req.method;
      res.setHeader("content-type", "text/plain");
      res.end("hello world");
    },
    async (base) => {
      const response = await fetch(`${base}/`, { method: "HEAD" });
      assertEquals(response.status, 200);
      assertEquals(response.headers.get("content-type"), "text/plain");
      assertEquals(await response.text(), "");
      assertEquals(method, "HEAD");
    },
  );
});

Deno.test("http.createServer: flushHeaders sends the head before any body", async () => {
  let release;
  const released = new Promise((resolve) => (release = resolve));
  await withServer(
    async (_req, res) => {
      res.writeHead(202, { "x-early": "yes" });
      res.flushHeaders();
      assert(res.headersSent);
      await released;
      res.end("later");
    },
    async (base) => {
      const response = await fetch(`${base}/`); // resolves on the head alone
      assertEquals(response.status, 202);
      assertEquals(response.headers.get("x-early"), "yes");
      release();
      assertEquals(await response.text(), "later");
    },
  );
});

Deno.test("http.request: after flushHeaders the body streams, each write as it comes", async () => {
  const received = [];
  let gotFirst;
  const firstArrived = new Promise((resolve) => (gotFirst = resolve));
  await withServer(
    (req, res) => {
      req.on("data", (chunk) => {
        received.push(String(chunk));
        gotFirst();
      });
      req.on("end", () => res.end(received.join("|")));
    },
    async (base) => {
      const req = http.request(`${base}/upload`, { method: "POST" });
      req.flushHeaders();
      req.write("part one");
      // The server sees the first part before the request ends: the body is not collected.
      await firstArrived;
      req.end("part two");
      const { res, body } = await send(req);
      assertEquals(res.statusCode, 200);
      assertEquals(body.replaceAll("|", ""), "part onepart two");
      assertEquals(received[0], "part one");
    },
  );
});

Deno.test("http.request: Transfer-Encoding: chunked streams too", async () => {
  const { res, body } = await (async () => {
    const req = http.request(`${HTTP}/echo`, { method: "POST", headers: { "Transfer-Encoding": "chunked" } });
    req.write("a");
    req.write("b");
    req.end("c");
    return send(req);
  })();
  assertEquals(res.statusCode, 200);
  const echoed = JSON.parse(body);
  assertEquals(echoed.body, "abc");
  assertEquals(echoed.headers["transfer-encoding"], "chunked");
});
