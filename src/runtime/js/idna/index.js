// The IDNA layer: tr46 (UTS #46 processing, 270 KB of Unicode mapping tables) as a bundle
// of its own, embedded in the binary and compiled by a worker only when it parses a URL
// whose host is not plain ASCII (ops.idna_layer, called from web/shims/tr46.js). Kept out
// of the worker snapshot: there it cost every worker 1.7 MiB of heap it almost never uses.
export { toASCII, toUnicode } from "tr46";
