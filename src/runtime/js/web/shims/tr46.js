// Build-time stand-in for "tr46" in the runtime bundle (see README.md in this folder):
// whatwg-url asks tr46 only about hosts that are not plain ASCII, so the real one (the IDNA
// layer) is compiled on the first such host instead of living in every worker's heap.
import { ops } from "../ops.js";

let idna;

export function toASCII(domain, options) {
  idna ??= ops.idna_layer();
  return idna.toASCII(domain, options);
}

export function toUnicode(domain, options) {
  idna ??= ops.idna_layer();
  return idna.toUnicode(domain, options);
}
