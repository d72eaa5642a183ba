// A stand-in for `sbfn serve` made of real Deno, so that a spec case can be run against
// Deno, the oracle of what a function does (see tests/specs/README.md, "Deno as the
// oracle"). It takes the `serve` arguments cases use, prints sbfn's banner, and serves
// /functions/v1/<slug>/... and /<slug>/... by importing DIR/<slug>/index.ts on its first
// request with Deno.serve captured, the function seeing the path from /<slug> on as in
// Supabase. No JWT check, no workers, no limits: it answers only what a function answers.

type Handler = (request: Request, info?: unknown) => Response | Promise<Response>;

const usage = "usage: front.ts serve --port N [--functions-dir DIR] [--env-file F]... " +
  "[--supabase-url URL] [--anon-key KEY] [--jwks FILE] [--no-verify-jwt] [--no-watch] [NAME...]";
// What sbfn (and Supabase's local stack) gives functions as SUPABASE_ANON_KEY by default.
const demoAnonKey = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6" +
  "ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";

function parse(args: string[]) {
  if (args[0] !== "serve") throw new Error(usage);
  const options = {
    port: 0,
    dir: "",
    envFiles: [] as string[],
    names: [] as string[],
    supabaseUrl: "http://127.0.0.1:54321",
    anonKey: demoAnonKey,
    jwks: "",
  };
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--port") options.port = Number(args[++i]);
    else if (arg === "--functions-dir") options.dir = args[++i];
    else if (arg === "--env-file") options.envFiles.push(args[++i]);
    else if (arg === "--supabase-url") options.supabaseUrl = args[++i];
    else if (arg === "--anon-key") options.anonKey = args[++i];
    else if (arg === "--jwks") options.jwks = Deno.readTextFileSync(args[++i]);
    else if (arg === "--no-verify-jwt" || arg === "--no-watch") continue;
    else if (arg.startsWith("-")) throw new Error(`front.ts: ${arg} is not supported\n${usage}`);
    else options.names.push(arg);
  }
  return options;
}

function exists(path: string) {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

// KEY=VALUE lines, # comments, optional quotes: what the cases' env files hold.
function loadEnvFile(path: string) {
  for (const line of Deno.readTextFileSync(path).split(/\r?\n/)) {
    const match = line.match(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/);
    if (!match) continue;
    Deno.env.set(match[1], match[2].replace(/^(["'])(.*)\1$/, "$2"));
  }
}

const options = parse(Deno.args);
const dir = options.dir ||
  (exists("supabase/functions") ? "supabase/functions" : "functions");
const envFiles = options.envFiles.length ? options.envFiles : [`${dir}/.env`].filter(exists);
envFiles.forEach(loadEnvFile);
Deno.env.set("SUPABASE_URL", options.supabaseUrl);
Deno.env.set("SUPABASE_ANON_KEY", options.anonKey);
if (options.jwks) Deno.env.set("SUPABASE_JWKS", options.jwks);  // as sbfn hands --jwks on
// The local stack's new-style keys, which sbfn gives functions by default
// (src/project/local_stack.cpp), singly and as {"default": key} maps.
const newStyleKeys = {
  PUBLISHABLE: "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH",
  SECRET: "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz",
};
for (const [kind, key] of Object.entries(newStyleKeys)) {
  Deno.env.set(`SUPABASE_${kind}_KEY`, key);
  Deno.env.set(`SUPABASE_${kind}_KEYS`, JSON.stringify({ default: key }));
}

const realServe = Deno.serve.bind(Deno);
let captured: Handler | undefined;
// deno-lint-ignore no-explicit-any
(Deno as any).serve = (...args: any[]) => {
  const handler = args.find((a) => typeof a === "function") ?? args[0]?.handler;
  captured = handler;
  return { finished: new Promise(() => {}), shutdown: async () => {}, ref() {}, unref() {} };
};

// A function that serves with node:http's createServer().listen(anyPort) (express,
// fastify, ws): Deno's node:http listens for real (not through Deno.serve), so the server
// is moved to a free port of 127.0.0.1 and the function's handler forwards to it. A
// WebSocket upgrade is probed with a raw handshake first (so that a refusal's status
// reaches the client), then relayed message by message.
const nodeHttp = await import("node:http");
const realListen = nodeHttp.Server.prototype.listen;
// deno-lint-ignore no-explicit-any
nodeHttp.Server.prototype.listen = function (this: any, ...args: any[]) {
  const callback = typeof args[args.length - 1] === "function" ? args.pop() : undefined;
  const listening = new Promise<number>((resolve) => {
    realListen.call(this, 0, "127.0.0.1", () => {
      resolve(this.address().port);
      callback?.();
    });
  });
  captured = (request: Request) => listening.then((port) => forward(request, port));
  return this;
};

async function upgradeStatus(url: URL, request: Request, port: number): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const head = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: 127.0.0.1:${port}`,
    "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
    `Sec-WebSocket-Key: ${request.headers.get("sec-websocket-key")}`, "", ""].join("\r\n");
  await conn.write(new TextEncoder().encode(head));
  const buffer = new Uint8Array(1024);
  const n = await conn.read(buffer) ?? 0;
  conn.close();
  return Number(new TextDecoder().decode(buffer.subarray(0, n)).split(" ")[1]);
}

// Sends on `socket` now, or once it opens.
function relayTo(socket: WebSocket) {
  const pending: (string | ArrayBuffer)[] = [];
  socket.addEventListener("open", () => pending.splice(0).forEach((m) => socket.send(m)));
  return (data: string | ArrayBuffer) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(data);
    else if (socket.readyState === WebSocket.CONNECTING) pending.push(data);
  };
}

async function forward(request: Request, port: number): Promise<Response> {
  const url = new URL(request.url);
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    const target = new URL(url.pathname + url.search, `http://127.0.0.1:${port}`);
    return fetch(new Request(target, request), { redirect: "manual" });
  }
  const status = await upgradeStatus(url, request, port);
  if (status !== 101) return new Response(null, { status });
  const backend = new WebSocket(`ws://127.0.0.1:${port}${url.pathname}${url.search}`);
  backend.binaryType = "arraybuffer";
  const { socket, response } = Deno.upgradeWebSocket(request);
  socket.binaryType = "arraybuffer";
  const toBackend = relayTo(backend);
  const toClient = relayTo(socket);
  socket.onmessage = (e) => toBackend(e.data);
  backend.onmessage = (e) => toClient(e.data);
  const closeCode = (code: number) => (code === 1005 || code === 1006 ? 1000 : code);
  backend.onclose = (e) => socket.readyState < 2 && socket.close(closeCode(e.code), e.reason);
  socket.onclose = (e) => backend.readyState < 2 && backend.close(closeCode(e.code), e.reason);
  return response;
}

const handlers = new Map<string, Promise<Handler>>();
function load(slug: string): Promise<Handler> {
  let handler = handlers.get(slug);
  if (!handler) {
    const entry = ["index.ts", "index.js", "index.mjs", "index.tsx", "index.jsx"]
      .map((name) => `${Deno.cwd()}/${dir}/${slug}/${name}`).find(exists);
    handler = (async () => {
      if (!entry) throw new Error(`no entrypoint for ${slug}`);
      captured = undefined;
      const module = await import(`file://${entry}`);
      // `export default { fetch }`, which Supabase's runtime serves as Deno.serve would.
      if (!captured && typeof module.default?.fetch === "function") {
        captured = module.default.fetch.bind(module.default);
      }
      if (!captured) throw new Error(`${slug} did not call Deno.serve`);
      return captured;
    })();
    handlers.set(slug, handler);
  }
  return handler;
}

Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
realServe({
  port: options.port,
  hostname: "127.0.0.1",
  onListen: ({ port }) => {
    console.log(`Serving functions on http://127.0.0.1:${port}/functions/v1/<function-name>`);
  },
}, async (request) => {
  const url = new URL(request.url);
  const path = url.pathname.replace(/^\/functions\/v1(?=\/)/, "");
  const slug = path.split("/")[1] ?? "";
  const known = exists(`${dir}/${slug}`) && (!options.names.length || options.names.includes(slug));
  if (!slug || !known) return new Response("Function not found", { status: 404 });
  let handler: Handler;
  try {
    handler = await load(slug);
  } catch (error) {
    console.error(error);
    return Response.json({ code: "BOOT_ERROR", message: "Worker failed to boot (please check logs)" },
      { status: 503 });
  }
  // A request already at /<slug>/... goes as it came: Deno.upgradeWebSocket accepts only
  // the request Deno.serve gave, not a copy.
  if (path === url.pathname) return handler(request);
  return handler(new Request(new URL(path + url.search, url.origin), request));
});
