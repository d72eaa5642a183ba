// node:http: the server over Deno.serve (http_server.js), the client over fetch
// (http_client.js), and the tables and checks they share (http_common.js).
import { METHODS, STATUS_CODES, validateHeaderName, validateHeaderValue } from "./http_common.js";
import { createHttpServer } from "./http_server.js";
import { createHttpClient } from "./http_client.js";

export function createHttp() {
  const server = createHttpServer();
  const client = createHttpClient({ module: "http", protocol: "http:", port: 80, server });
  return {
    METHODS,
    STATUS_CODES,
    validateHeaderName,
    validateHeaderValue,
    maxHeaderSize: 16384,
    setMaxIdleHTTPParsers() {},
    ...server,
    OutgoingMessage: server.ServerResponse,
    ...client,
  };
}
