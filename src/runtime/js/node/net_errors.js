// The runtime's connection errors (Deno.errors classes, from api/net_sockets.cpp) as
// Node's system errors: `code`, `errno`, `syscall`, and Node's message
// ("connect ECONNREFUSED 127.0.0.1:5432"), which drivers match on.
import { makeError } from "./errors.js";

// Deno's class -> [Node's code, errno on Linux].
const codes = {
  ConnectionRefused: ["ECONNREFUSED", -111],
  ConnectionReset: ["ECONNRESET", -104],
  ConnectionAborted: ["ECONNABORTED", -103],
  NotConnected: ["ENOTCONN", -107],
  BrokenPipe: ["EPIPE", -32],
  TimedOut: ["ETIMEDOUT", -110],
  NetworkUnreachable: ["ENETUNREACH", -101],
  AddrInUse: ["EADDRINUSE", -98],
  AddrNotAvailable: ["EADDRNOTAVAIL", -99],
  Interrupted: ["ECANCELED", -125],
  BadResource: ["EBADF", -9],
};

// `syscall` is "connect", "read" or "write"; host and port name the peer of a connect.
export function nodeSocketError(error, syscall, hostname, port) {
  if (error === null || typeof error !== "object" || typeof error.code === "string" && error.code.startsWith("ERR_")) {
    return error;
  }
  const message = String(error.message ?? "");
  if (error.name === "PermissionDenied") {
    // The runtime's outbound rules (SMTP ports): Node's word for a refused permission.
    const out = makeError(Error, "ERR_ACCESS_DENIED", message);
    out.syscall = syscall;
    return out;
  }
  if (message.startsWith("failed to lookup address information")) {
    const out = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
    Object.assign(out, { errno: -3008, code: "ENOTFOUND", syscall: "getaddrinfo", hostname });
    return out;
  }
  const known = codes[error.name];
  if (known === undefined) return error;
  const [code, errno] = known;
  const where = syscall === "connect" && hostname !== undefined ? ` ${hostname}:${port}` : "";
  const out = new Error(`${syscall} ${code}${where}`);
  Object.assign(out, { errno, code, syscall });
  if (where) Object.assign(out, { address: hostname, port });
  return out;
}
