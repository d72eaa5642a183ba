// node:https: node:http's client over fetch with TLS options mapped to a Deno.HttpClient
// (`ca`), and its server, which `sbfn serve` runs behind its own listener.
import { makeError } from "./errors.js";
import { loadBuiltin } from "./registry.js";
import { createHttpClient } from "./http_client.js";

// One HttpClient per distinct `ca`, so the fetch engine keeps reusing its connections.
const clients = new Map();

function clientFor(tls) {
  if (tls.rejectUnauthorized === false) {
    throw makeError(
      Error,
      "ERR_NOT_SUPPORTED",
      "https.request: rejectUnauthorized: false is not supported (the runtime's fetch always verifies certificates; pass the server's CA as `ca`, or set DENO_CERT)",
    );
  }
  if (tls.ca === undefined || tls.ca === null) return undefined;
  const list = (Array.isArray(tls.ca) ? tls.ca : [tls.ca]).map((pem) => String(pem));
  const key = list.join("\n");
  let client = clients.get(key);
  if (client === undefined) {
    client = Deno.createHttpClient({ caCerts: list });
    clients.set(key, client);
  }
  return client;
}

export function createHttps() {
  const http = loadBuiltin("http");
  const client = createHttpClient({ module: "https", protocol: "https:", port: 443, server: http, clientFor });
  // TLS is the serving stack's (sbfn serve); in a test, the server listens on plain HTTP.
  function createServer(options, requestListener) {
    const server = http.createServer(options, requestListener);
    server.encrypted = true;
    return server;
  }
  return { ...client, Server: http.Server, createServer };
}
