// tls.checkServerIdentity: whether a certificate names the host, by RFC 6125's rules as
// Node applies them: IP addresses against the "IP Address" alt names; names against the
// "DNS" alt names, or the subject's CN when there are none; a wildcard only as (part
// of) the leftmost label of a name with three labels or more, never in an IDN label.
import { makeError } from "./errors.js";
import { isIP, isIPv6 } from "./net_address.js";

// One spelling per address: IPv6 as eight lowercase groups without leading zeros.
function canonicalIP(text) {
  if (!isIPv6(text)) return text;
  let [head, tail] = text.toLowerCase().split("%")[0].split("::");
  const groups = (part) => (part ? part.split(":") : []);
  let left = groups(head);
  let right = tail === undefined ? [] : groups(tail);
  // An embedded IPv4 address ends the last two groups.
  const widen = (list) => list.flatMap((group) => {
    if (!group.includes(".")) return [group];
    const [a, b, c, d] = group.split(".").map(Number);
    return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
  });
  left = widen(left);
  right = widen(right);
  const zeros = tail === undefined ? [] : new Array(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16).toString(16)).join(":");
}

function labelsOf(name) {
  return name.toLowerCase().replace(/\.$/, "").split(".");
}

function nameMatches(hostLabels, pattern) {
  const patternLabels = labelsOf(pattern);
  if (patternLabels.length !== hostLabels.length || patternLabels.includes("")) return false;
  for (let i = hostLabels.length - 1; i > 0; i--) {
    if (hostLabels[i] !== patternLabels[i]) return false;
  }
  const first = patternLabels[0];
  const hostFirst = hostLabels[0];
  const star = first.indexOf("*");
  if (star === -1 || first.includes("xn--")) return first === hostFirst;
  if (first.indexOf("*", star + 1) !== -1 || patternLabels.length <= 2) return false;
  const prefix = first.slice(0, star);
  const suffix = first.slice(star + 1);
  return prefix.length + suffix.length <= hostFirst.length && hostFirst.startsWith(prefix) && hostFirst.endsWith(suffix);
}

// undefined when `cert` is valid for `hostname`, else Node's ERR_TLS_CERT_ALTNAME_INVALID.
export function checkServerIdentity(hostname, cert) {
  hostname = String(hostname);
  const altNames = cert?.subjectaltname ?? "";
  const dnsNames = [];
  const ips = [];
  for (const entry of altNames ? altNames.split(", ") : []) {
    if (entry.startsWith("DNS:")) dnsNames.push(entry.slice(4));
    else if (entry.startsWith("IP Address:")) ips.push(canonicalIP(entry.slice(11)));
  }
  const host = hostname.replace(/\.$/, "");
  let reason;
  if (isIP(host)) {
    if (!ips.includes(canonicalIP(host))) reason = `IP: ${host} is not in the cert's list: ${ips.join(", ")}`;
  } else if (dnsNames.length > 0) {
    if (!dnsNames.some((name) => nameMatches(labelsOf(host), name))) {
      reason = `Host: ${host}. is not in the cert's altnames: ${altNames}`;
    }
  } else if (cert?.subject?.CN) {
    const names = [cert.subject.CN].flat();
    if (!names.some((name) => nameMatches(labelsOf(host), name))) {
      reason = `Host: ${host}. is not cert's CN: ${cert.subject.CN}`;
    }
  } else {
    reason = "Cert does not contain a DNS name";
  }
  if (reason === undefined) return undefined;
  const error = makeError(Error, "ERR_TLS_CERT_ALTNAME_INVALID", `Hostname/IP does not match certificate's altnames: ${reason}`);
  Object.assign(error, { reason, host, cert });
  return error;
}
