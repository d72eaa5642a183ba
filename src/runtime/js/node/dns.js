// node:dns and node:dns/promises. lookup is the system's getaddrinfo (the op behind
// connect, api/net_sockets.cpp); the resolve* family and reverse ask name servers through
// the runtime's resolver (Deno.resolveDns, runtime/dns/), the system's or those given to
// setServers, and reshape Deno's records into Node's.
import { host } from "./runtime.js";
import { invalidArgType, invalidArgValue, makeError, validateFunction } from "./errors.js";
import { isIP, isIPv4 } from "./net_address.js";

const codes = {
  NODATA: "ENODATA", FORMERR: "EFORMERR", SERVFAIL: "ESERVFAIL", NOTFOUND: "ENOTFOUND",
  NOTIMP: "ENOTIMP", REFUSED: "EREFUSED", BADQUERY: "EBADQUERY", BADNAME: "EBADNAME",
  BADFAMILY: "EBADFAMILY", BADRESP: "EBADRESP", CONNREFUSED: "ECONNREFUSED", TIMEOUT: "ETIMEOUT",
  EOF: "EOF", FILE: "EFILE", NOMEM: "ENOMEM", DESTRUCTION: "EDESTRUCTION", BADSTR: "EBADSTR",
  BADFLAGS: "EBADFLAGS", NONAME: "ENONAME", BADHINTS: "EBADHINTS", NOTINITIALIZED: "ENOTINITIALIZED",
  LOADIPHLPAPI: "ELOADIPHLPAPI", ADDRGETNETWORKPARAMS: "EADDRGETNETWORKPARAMS", CANCELLED: "ECANCELLED",
};

// Node's system error for a failed query: "queryMx ENOTFOUND example.com".
function dnsError(code, syscall, hostname) {
  const error = new Error(`${syscall} ${code}${hostname ? ` ${hostname}` : ""}`);
  Object.assign(error, { errno: undefined, code, syscall, hostname });
  return error;
}

// Deno's resolver errors -> Node's codes.
function fromDenoError(error, syscall, hostname) {
  switch (error?.name) {
    case "NotFound": return dnsError("ENOTFOUND", syscall, hostname);
    case "TimedOut": return dnsError("ETIMEOUT", syscall, hostname);
    case "Interrupted": return dnsError("ECANCELLED", syscall, hostname);
    case "ConnectionRefused": return dnsError("ECONNREFUSED", syscall, hostname);
    case "NotSupported": return dnsError("ENOTIMP", syscall, hostname);
    default: return dnsError("ESERVFAIL", syscall, hostname);
  }
}

const unfqdn = (name) => (typeof name === "string" && name.length > 1 && name.endsWith(".") ? name.slice(0, -1) : name);

// rrtype -> [Deno's record type, Node's syscall name, Deno record -> Node record].
const shapes = {
  A: ["A", "queryA", (r) => r],
  AAAA: ["AAAA", "queryAaaa", (r) => r],
  // CNAME names as the resolver gives them, fully qualified, as Deno answers them.
  CNAME: ["CNAME", "queryCname", (r) => r],
  NS: ["NS", "queryNs", unfqdn],
  PTR: ["PTR", "queryPtr", unfqdn],
  MX: ["MX", "queryMx", (r) => ({ exchange: unfqdn(r.exchange), priority: r.preference })],
  TXT: ["TXT", "queryTxt", (r) => [...r]],
  SRV: ["SRV", "querySrv", (r) => ({ name: unfqdn(r.target), port: r.port, priority: r.priority, weight: r.weight })],
  NAPTR: ["NAPTR", "queryNaptr", (r) => ({
    flags: r.flags, service: r.services, regexp: r.regexp, replacement: unfqdn(r.replacement),
    order: r.order, preference: r.preference,
  })],
  SOA: ["SOA", "querySoa", (r) => ({
    nsname: unfqdn(r.mname), hostmaster: unfqdn(r.rname), serial: r.serial >>> 0, refresh: r.refresh >>> 0,
    retry: r.retry >>> 0, expire: r.expire >>> 0, minttl: r.minimum >>> 0,
  })],
  CAA: ["CAA", "queryCaa", (r) => ({ critical: r.critical ? 128 : 0, [r.tag]: r.value })],
};

// The PTR name of an address: 4.3.2.1.in-addr.arpa, or the nibbles of IPv6 under ip6.arpa.
function reverseName(ip) {
  if (isIPv4(ip)) return `${ip.split(".").reverse().join(".")}.in-addr.arpa`;
  const [head, tail] = ip.split("%")[0].split("::");
  const part = (text) => (text ? text.split(":") : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const groups = [...left, ...new Array(8 - left.length - right.length).fill("0"), ...right];
  const nibbles = groups.map((group) => group.padStart(4, "0")).join("").split("");
  return `${nibbles.reverse().join(".")}.ip6.arpa`;
}

// "1.2.3.4", "1.2.3.4:53", "[::1]:53", "::1" -> [ip, port]
function parseServer(text) {
  if (typeof text !== "string") throw invalidArgType("servers[0]", "string", text);
  let match = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (match && isIP(match[1]) === 6) return [match[1], match[2] ? Number(match[2]) : 53];
  if (isIP(text)) return [text, 53];
  match = /^([^:]+):(\d+)$/.exec(text);
  if (match && isIP(match[1]) === 4) return [match[1], Number(match[2])];
  throw makeError(TypeError, "ERR_INVALID_IP_ADDRESS", `Invalid IP address: ${text}`);
}

// [ip, port] -> "1.2.3.4", "1.2.3.4:5353", "[::1]:5353", as getServers lists them.
function showServer([ip, port]) {
  if (port === 53) return ip;
  return isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function familyOf(options) {
  const family = options.family ?? 0;
  if (family === "IPv4") return 4;
  if (family === "IPv6") return 6;
  if (family !== 0 && family !== 4 && family !== 6) {
    throw invalidArgValue("options.family", family, "must be one of: 0, 4, 6");
  }
  return family;
}

// Deno's default (Node's is "verbatim" since v17): functions see what they saw on Deno.
let defaultOrder = "ipv4first";

// The addresses of `hostname` as lookup answers them: [{ address, family }...].
async function lookupAll(hostname, options) {
  const family = familyOf(options);
  const literal = isIP(hostname);
  if (literal) return family === 0 || family === literal ? [{ address: hostname, family: literal }] : [];
  let found;
  try {
    found = await host.ops.net_lookup(hostname, family);
  } catch (error) {
    const code = typeof error?.name === "string" && error.name.startsWith("E") ? error.name : "ENOTFOUND";
    const out = dnsError(code, "getaddrinfo", hostname);
    out.errno = code === "ENOTFOUND" ? -3008 : code === "EAI_AGAIN" ? -3001 : -3007;
    throw out;
  }
  let list = found.map(([address, fam]) => ({ address, family: fam }));
  const order = options.order ?? (options.verbatim === false ? "ipv4first" : defaultOrder);
  if (order === "ipv4first") list = [...list.filter((a) => a.family === 4), ...list.filter((a) => a.family === 6)];
  if (order === "ipv6first") list = [...list.filter((a) => a.family === 6), ...list.filter((a) => a.family === 4)];
  return list;
}

function lookupOptions(options) {
  if (typeof options === "number") return { family: options };
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") throw invalidArgType("options", ["integer", "object"], options);
  return options;
}

function checkHostname(hostname) {
  if (typeof hostname !== "string" && hostname !== undefined && hostname !== null && hostname !== false) {
    throw invalidArgType("hostname", "string", hostname);
  }
}

async function lookupPromise(hostname, options) {
  checkHostname(hostname);
  options = lookupOptions(options);
  const list = hostname ? await lookupAll(hostname, options) : [];
  if (options.all) return list;
  if (list.length === 0) {
    if (!hostname) return { address: null, family: familyOf(options) === 6 ? 6 : 4 };
    const error = dnsError("ENOTFOUND", "getaddrinfo", hostname);
    error.errno = -3008;
    throw error;
  }
  return list[0];
}

function lookup(hostname, options, callback) {
  if (typeof options === "function") {
    callback = options;
    options = undefined;
  }
  validateFunction(callback, "callback");
  checkHostname(hostname);
  const parsed = lookupOptions(options);
  lookupPromise(hostname, parsed).then((result) => {
    if (parsed.all) callback(null, result);
    else callback(null, result.address, result.family);
  }, (error) => callback(error));
  return {};
}

// A set of name servers and the queries made through them (Node's Resolver; the
// promises API's has the same methods answering with promises).
class ResolverBase {
  #shared;
  #pending = new Set();

  // `shared`: the module's two default resolvers (callbacks, promises) share their servers.
  // Until setServers, the system's (null: ask it each time, as the resolver reads it).
  constructor(options = {}, shared = { servers: null }) {
    if (options !== null && typeof options !== "object") throw invalidArgType("options", "object", options);
    this.#shared = shared;
  }

  get #servers() {
    return this.#shared.servers ?? [];
  }

  getServers() {
    return (this.#shared.servers ?? host.ops.net_name_servers()).map(showServer);
  }

  setServers(servers) {
    if (!Array.isArray(servers)) throw invalidArgType("servers", "Array", servers);
    this.#shared.servers = servers.map(parseServer);
  }

  cancel() {
    for (const controller of this.#pending) controller.abort();
  }

  setLocalAddress() {}

  // One query: Node's records, or its error.
  async _query(name, rrtype, options = {}) {
    if (typeof name !== "string") throw invalidArgType("name", "string", name);
    const shape = shapes[rrtype];
    if (shape === undefined) {
      if (rrtype === "ANY") throw makeError(Error, "ERR_NOT_SUPPORTED", "dns: resolveAny is not supported");
      throw invalidArgValue("rrtype", rrtype);
    }
    if (options?.ttl) throw makeError(Error, "ERR_NOT_SUPPORTED", "dns: the ttl option is not supported");
    const [type, syscall, reshape] = shape;
    const controller = new AbortController();
    this.#pending.add(controller);
    const denoOptions = { signal: controller.signal };
    if (this.#servers.length > 0) {
      const [ipAddr, port] = this.#servers[0];
      denoOptions.nameServer = { ipAddr, port };
    }
    try {
      const records = await host.net.resolveDns(name, type, denoOptions);
      return records.map(reshape);
    } catch (error) {
      throw controller.signal.aborted ? dnsError("ECANCELLED", syscall, name) : fromDenoError(error, syscall, name);
    } finally {
      this.#pending.delete(controller);
    }
  }

  async _reverse(ip) {
    if (!isIP(ip)) {
      throw makeError(TypeError, "ERR_INVALID_ARG_VALUE", `The argument 'ip' is invalid. Received '${ip}'`);
    }
    try {
      return await this._query(reverseName(ip), "PTR");
    } catch (error) {
      if (error.syscall) {
        error.message = `getHostByAddr ${error.code} ${ip}`;
        Object.assign(error, { syscall: "getHostByAddr", hostname: ip });
      }
      throw error;
    }
  }
}

const methods = {
  resolve4: "A", resolve6: "AAAA", resolveCname: "CNAME", resolveNs: "NS", resolvePtr: "PTR",
  resolveMx: "MX", resolveTxt: "TXT", resolveSrv: "SRV", resolveNaptr: "NAPTR", resolveSoa: "SOA",
  resolveCaa: "CAA",
};

// SOA answers one record, not a list.
const single = (rrtype, records) => (rrtype === "SOA" ? records[0] : records);

class PromisesResolver extends ResolverBase {
  resolve(name, rrtype = "A") {
    return this._query(name, rrtype).then((records) => single(rrtype, records));
  }
  resolveAny() {
    return Promise.reject(makeError(Error, "ERR_NOT_SUPPORTED", "dns: resolveAny is not supported"));
  }
  reverse(ip) {
    return this._reverse(ip);
  }
}

class Resolver extends ResolverBase {
  resolve(name, rrtype, callback) {
    if (typeof rrtype === "function") {
      callback = rrtype;
      rrtype = "A";
    }
    validateFunction(callback, "callback");
    this._query(name, rrtype).then((records) => callback(null, single(rrtype, records)), (error) => callback(error));
    return {};
  }
  resolveAny(name, callback) {
    validateFunction(callback, "callback");
    queueMicrotask(() => callback(makeError(Error, "ERR_NOT_SUPPORTED", "dns: resolveAny is not supported")));
  }
  reverse(ip, callback) {
    validateFunction(callback, "callback");
    this._reverse(ip).then((names) => callback(null, names), (error) => callback(error));
    return {};
  }
}

for (const [method, rrtype] of Object.entries(methods)) {
  PromisesResolver.prototype[method] = function (name, options) {
    return this._query(name, rrtype, options).then((records) => single(rrtype, records));
  };
  Resolver.prototype[method] = function (name, options, callback) {
    if (typeof options === "function") {
      callback = options;
      options = undefined;
    }
    validateFunction(callback, "callback");
    this._query(name, rrtype, options).then((records) => callback(null, single(rrtype, records)), (error) => callback(error));
    return {};
  };
}

function lookupService() {
  throw makeError(Error, "ERR_NOT_SUPPORTED", "dns.lookupService is not supported");
}

// The module's own functions: a default resolver's methods, bound.
function defaultApi(resolver) {
  const api = {};
  for (const name of ["getServers", "setServers", "resolve", "resolveAny", "reverse", ...Object.keys(methods)]) {
    api[name] = resolver[name].bind(resolver);
  }
  return api;
}

const orderApi = {
  setDefaultResultOrder(order) {
    if (order !== "verbatim" && order !== "ipv4first" && order !== "ipv6first") {
      throw invalidArgValue("dnsOrder", order, "must be one of: 'verbatim', 'ipv4first', 'ipv6first'");
    }
    defaultOrder = order;
  },
  getDefaultResultOrder: () => defaultOrder,
};

const defaultServers = { servers: null };

const constants = { ADDRCONFIG: 1024, ALL: 256, V4MAPPED: 2048, ...codes };

export function createDnsPromises() {
  return {
    lookup: lookupPromise,
    lookupService: async () => lookupService(),
    Resolver: PromisesResolver,
    ...defaultApi(new PromisesResolver({}, defaultServers)),
    ...orderApi,
    ...codes,
  };
}

export function createDns(promises) {
  return {
    lookup,
    lookupService,
    Resolver,
    ...defaultApi(new Resolver({}, defaultServers)),
    ...orderApi,
    ...constants,
    promises,
  };
}
