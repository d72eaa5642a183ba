// TLSSocket.getPeerCertificate's object from what the runtime read off the certificate
// (api/node_tls_peer.hpp): subject and issuer as Node's name objects, alt names,
// validity, serial number, the DER bytes and their fingerprints.
import { loadBuiltin } from "./registry.js";

// [[key, value]...] -> { key: value } with a repeated key's values in an array.
function nameObject(pairs) {
  const out = { __proto__: null };
  for (const [key, value] of pairs) {
    if (key in out) out[key] = [out[key], value].flat();
    else out[key] = value;
  }
  return out;
}

function fingerprint(algorithm, raw) {
  const hex = loadBuiltin("crypto").createHash(algorithm).update(raw).digest("hex").toUpperCase();
  return hex.match(/../g).join(":");
}

export function peerCertificate(peer, detailed) {
  const [subject, issuer, subjectaltname, validFrom, validTo, serialNumber, der] = peer;
  const raw = loadBuiltin("buffer").Buffer.from(der);
  const certificate = {
    subject: nameObject(subject),
    issuer: nameObject(issuer),
    valid_from: validFrom,
    valid_to: validTo,
    serialNumber,
    fingerprint: fingerprint("sha1", raw),
    fingerprint256: fingerprint("sha256", raw),
    raw,
  };
  if (subjectaltname) certificate.subjectaltname = subjectaltname;
  // The issuer's own certificate is not kept, so `detailed` adds no issuerCertificate.
  void detailed;
  return certificate;
}
