// Deno.serve in a test module listens on a real socket, as under `deno test`: tests start
// stand-in servers for the code they test and reach them over HTTP and WebSockets.
import { assert, assertEquals, assertRejects } from "./assert.js";

function serveOnFreePort(handler, options = {}) {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {}, ...options }, handler);
}

Deno.test("Deno.serve: info is a ServeHandlerInfo whose getters give the address and completed", async () => {
  let resolveSeen;
  const seen = new Promise((resolve) => (resolveSeen = resolve));
  const server = serveOnFreePort((_request, info) => {
    const shape = {
      name: info.constructor.name,
      keys: Object.keys(info),
      json: JSON.stringify(info),
      sameAddr: info.remoteAddr === info.remoteAddr,
      sameCompleted: info.completed === info.completed,
      addr: [info.remoteAddr.transport, info.remoteAddr.hostname, Number.isInteger(info.remoteAddr.port)],
    };
    // Asked for only after the response went out: it is settled all the same.
    setTimeout(() => info.completed.then(() => resolveSeen("late completed")), 50);
    return Response.json(shape);
  });
  try {
    const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
    assertEquals(await response.json(), {
      name: "ServeHandlerInfo",
      keys: [],
      json: "{}",
      sameAddr: false,
      sameCompleted: true,
      addr: ["tcp", "127.0.0.1", true],
    });
    assertEquals(await seen, "late completed");
  } finally {
    await server.shutdown();
  }
});

Deno.test("Deno.serve: headers first read after the response are gone (Request closed), as in Deno", async () => {
  const kept = [];
  const completed = [];
  const server = serveOnFreePort((request, info) => {
    if (new URL(request.url).pathname === "/read") request.headers.get("x-probe");
    kept.push(request);
    completed.push(info.completed);
    return new Response("ok");
  });
  try {
    for (const path of ["/read", "/untouched"]) {
      const response = await fetch(`http://127.0.0.1:${server.addr.port}${path}`, { headers: { "x-probe": "p" } });
      await response.text();
    }
    await Promise.all(completed);
    const [read, untouched] = kept;
    assertEquals(read.headers.get("x-probe"), "p");
    assertEquals([untouched.method, new URL(untouched.url).pathname], ["GET", "/untouched"]);
    let error;
    try {
      untouched.headers.get("x-probe");
    } catch (e) {
      error = e;
    }
    assert(error instanceof TypeError, `a TypeError, not ${error}`);
    assertEquals(error.message, "Request closed");
  } finally {
    await server.shutdown();
  }
});

Deno.test("Deno.serve: a request reaches the handler as the client sent it", async () => {
  const server = serveOnFreePort(async (request, info) => {
    const url = new URL(request.url);
    return Response.json({
      method: request.method,
      path: url.pathname,
      query: url.search,
      header: request.headers.get("x-probe"),
      body: await request.text(),
      remote: info.remoteAddr.hostname,
    }, { status: 201, headers: { "x-answer": "yes" } });
  });
  try {
    const { port, hostname, transport } = server.addr;
    assertEquals([hostname, transport], ["127.0.0.1", "tcp"]);
    assert(port > 0, "a free port was chosen");
    const response = await fetch(`http://127.0.0.1:${port}/a/b?c=1`, {
      method: "PUT",
      headers: { "x-probe": "p" },
      body: "hello",
    });
    assertEquals(response.status, 201);
    assertEquals(response.headers.get("x-answer"), "yes");
    assertEquals(await response.json(), {
      method: "PUT",
      path: "/a/b",
      query: "?c=1",
      header: "p",
      body: "hello",
      remote: "127.0.0.1",
    });
  } finally {
    await server.shutdown();
  }
});

Deno.test("Deno.serve: onListen gets the bound address", async () => {
  let seen;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen(addr) { seen = addr; } },
    () => new Response("x"));
  await server.shutdown();
  assertEquals({ ...seen }, { hostname: "127.0.0.1", port: server.addr.port, transport: "tcp" });
});

Deno.test("Deno.serve: bodies stream both ways", async () => {
  const server = serveOnFreePort(async (request) => {
    let total = 0;
    for await (const chunk of request.body) total += chunk.byteLength;
    const encoder = new TextEncoder();
    let sent = 0;
    const body = new ReadableStream({
      async pull(controller) {
        if (sent === 3) {
          controller.close();
          return;
        }
        sent++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        controller.enqueue(encoder.encode(`part ${sent} of ${total};`));
      },
    });
    return new Response(body, { headers: { "content-type": "text/plain" } });
  });
  try {
    const upload = new Uint8Array(3 * 1024 * 1024).fill(7);
    const response = await fetch(`http://127.0.0.1:${server.addr.port}/`, { method: "POST", body: upload });
    assertEquals(await response.text(), "part 1 of 3145728;part 2 of 3145728;part 3 of 3145728;");
  } finally {
    await server.shutdown();
  }
});

Deno.test("Deno.serve: a port in use is AddrInUse", async () => {
  const server = serveOnFreePort(() => new Response("first"));
  try {
    let error;
    try {
      Deno.serve({ hostname: "127.0.0.1", port: server.addr.port, onListen() {} }, () => new Response());
    } catch (e) {
      error = e;
    }
    assert(error instanceof Deno.errors.AddrInUse, `got ${error}`);
    assertEquals(await (await fetch(`http://127.0.0.1:${server.addr.port}/`)).text(), "first");
  } finally {
    await server.shutdown();
  }
});

Deno.test("Deno.serve: shutdown lets the open request finish, then refuses connections", async () => {
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  let arrived;
  const inside = new Promise((resolve) => (arrived = resolve));
  const server = serveOnFreePort(async () => {
    arrived();
    await gate;
    return new Response("late but whole");
  });
  const url = `http://127.0.0.1:${server.addr.port}/`;
  const pending = fetch(url);
  await inside;
  let finished = false;
  server.finished.then(() => (finished = true));
  const shutdown = server.shutdown();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assertEquals(finished, false);
  release();
  assertEquals(await (await pending).text(), "late but whole");
  await shutdown;
  await server.finished;
  assertEquals(finished, true);
  await assertRejects(() => fetch(url), TypeError);
});

Deno.test("Deno.serve: an aborted signal shuts the server down", async () => {
  const controller = new AbortController();
  const server = serveOnFreePort(() => new Response("ok"), { signal: controller.signal });
  assertEquals(await (await fetch(`http://127.0.0.1:${server.addr.port}/`)).text(), "ok");
  controller.abort();
  await server.finished;
});

Deno.test("Deno.serve: onError answers for a handler that throws", async () => {
  const server = serveOnFreePort(() => {
    throw new Error("handler broke");
  }, { onError: (error) => new Response(`sorry: ${error.message}`, { status: 503 }) });
  try {
    const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
    assertEquals(response.status, 503);
    assertEquals(await response.text(), "sorry: handler broke");
  } finally {
    await server.shutdown();
  }
});

Deno.test("Deno.serve: two servers at once each get their own requests", async () => {
  const one = serveOnFreePort(() => new Response("one"));
  const two = serveOnFreePort(() => new Response("two"));
  try {
    const [a, b] = await Promise.all([
      fetch(`http://127.0.0.1:${one.addr.port}/`).then((r) => r.text()),
      fetch(`http://127.0.0.1:${two.addr.port}/`).then((r) => r.text()),
    ]);
    assertEquals([a, b], ["one", "two"]);
  } finally {
    await one.shutdown();
    await two.shutdown();
  }
});

Deno.test("Deno.serve: a WebSocket upgrade echoes", async () => {
  const server = serveOnFreePort((request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (event) => socket.send(`echo: ${event.data}`);
    return response;
  });
  try {
    const socket = new WebSocket(`ws://127.0.0.1:${server.addr.port}/`);
    const reply = await new Promise((resolve, reject) => {
      socket.onopen = () => socket.send("hi");
      socket.onmessage = (event) => resolve(event.data);
      socket.onerror = () => reject(new Error("WebSocket error"));
    });
    assertEquals(reply, "echo: hi");
    const closed = new Promise((resolve) => (socket.onclose = resolve));
    socket.close();
    await closed;
  } finally {
    await server.shutdown();
  }
});
