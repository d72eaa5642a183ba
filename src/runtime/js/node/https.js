// node:https: node:http's client over fetch with TLS options mapped to a Deno.HttpClient
// (`ca`, `rejectUnauthorized: false`), and its server, which `sbfn serve` runs behind its own listener.
import { makeError } from "./errors.js";
import { loadBuiltin } from "./registry.js";
import { createHttpClient } from "./http_client.js";

const clients = new Map();

// One HttpClient per distinct `ca` and rejectUnauthorized, so the fetch engine keeps
// reusing its connections.
export function clientFor(tls) {
  for (const option of ["cert", "key", "pfx"]) {
    if (tls[option] != null) {
      throw makeError(Error, "ERR_NOT_SUPPORTED", `https: the \`${option}\` option (a client certificate) is not supported: requests go through the runtime's fetch, which presents none`);
    }
  }
  const insecure = tls.rejectUnauthorized === false;
  if ((tls.ca === undefined || tls.ca === null) && !insecure) return undefined;
  const list = tls.ca == null ? [] : (Array.isArray(tls.ca) ? tls.ca : [tls.ca]).map((pem) => String(pem));
  const key = `${insecure}\n${list.join("\n")}`;
  let client = clients.get(key);
  if (client === undefined) {
    client = Deno.createHttpClient({ caCerts: list, [Symbol.for("sbfn.httpClient.insecure")]: insecure });
    clients.set(key, client);
  }
  return client;
}

export function createHttps() {
  const http = loadBuiltin("http");
  const client = createHttpClient({ module: "https", protocol: "https:", port: 443, server: http, clientFor, BaseAgent: http.Agent });
  // TLS is the serving stack's (sbfn serve); in a test, the server listens on plain HTTP.
  function createServer(options, requestListener) {
    const server = http.createServer(options, requestListener);
    server.encrypted = true;
    return server;
  }
  return { ...client, Server: http.Server, createServer };
}
