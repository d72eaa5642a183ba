// net.BlockList: addresses, ranges and subnets, IPv4 or IPv6, and whether an address falls
// in one of them. Addresses are compared as numbers (BigInt), within one family.
import { invalidArgType, invalidArgValue, outOfRange } from "./errors.js";
import { isIPv4, isIPv6 } from "./net_address.js";

function v4Number(text) {
  return text.split(".").reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
}

function v6Number(text) {
  const [head, tail] = text.split("%")[0].split("::");
  const groups = (part) => (part ? part.split(":") : []).flatMap((group) => {
    if (!group.includes(".")) return [group];
    const n = v4Number(group);
    return [(n >> 16n).toString(16), (n & 0xffffn).toString(16)];
  });
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array(8 - left.length - right.length).fill("0"), ...right];
  return all.reduce((n, group) => (n << 16n) | BigInt(parseInt(group, 16)), 0n);
}

// [family, number] of an address string or SocketAddress, checked against `type`.
function parse(address, type, name) {
  if (address !== null && typeof address === "object" && typeof address.address === "string") {
    return parse(address.address, address.family, name);
  }
  if (typeof address !== "string") throw invalidArgType(name, ["string", "SocketAddress"], address);
  const family = String(type ?? "ipv4").toLowerCase();
  if (family === "ipv4" && isIPv4(address)) return ["ipv4", v4Number(address)];
  if (family === "ipv6" && isIPv6(address)) return ["ipv6", v6Number(address)];
  if (family !== "ipv4" && family !== "ipv6") throw invalidArgValue("type", type);
  throw invalidArgValue(name, address);
}

const label = (family) => (family === "ipv4" ? "IPv4" : "IPv6");

export class BlockList {
  #rules = []; // { family, first, last, text }, newest first (as Node lists them)

  static isBlockList(value) {
    return value instanceof BlockList;
  }

  addAddress(address, type = "ipv4") {
    const [family, n] = parse(address, type, "address");
    const text = typeof address === "string" ? address : address.address;
    this.#rules.unshift({ family, first: n, last: n, text: `Address: ${label(family)} ${text}` });
  }

  addRange(start, end, type = "ipv4") {
    const [family, first] = parse(start, type, "start");
    const [, last] = parse(end, family, "end");
    if (last < first) throw outOfRange("start", "<= end", String(start));
    const show = (a) => (typeof a === "string" ? a : a.address);
    this.#rules.unshift({ family, first, last, text: `Range: ${label(family)} ${show(start)}-${show(end)}` });
  }

  addSubnet(network, prefix, type = "ipv4") {
    const [family, base] = parse(network, type, "net");
    const bits = family === "ipv4" ? 32 : 128;
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) {
      throw outOfRange("prefix", `>= 0 && <= ${bits}`, String(prefix));
    }
    const hostBits = BigInt(bits - prefix);
    const first = (base >> hostBits) << hostBits;
    const last = first | ((1n << hostBits) - 1n);
    const text = typeof network === "string" ? network : network.address;
    this.#rules.unshift({ family, first, last, text: `Subnet: ${label(family)} ${text}/${prefix}` });
  }

  check(address, type = "ipv4") {
    let family;
    let n;
    try {
      [family, n] = parse(address, type, "address");
    } catch (error) {
      if (error.code === "ERR_INVALID_ARG_VALUE" && typeof address === "string") return false;
      throw error;
    }
    return this.#rules.some((rule) => rule.family === family && n >= rule.first && n <= rule.last);
  }

  get rules() {
    return this.#rules.map((rule) => rule.text);
  }
}
