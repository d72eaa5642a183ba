// URL.createObjectURL / revokeObjectURL (File API, https://w3c.github.io/FileAPI/#url):
// the worker's blob URL store, which fetch reads for blob: URLs.
import { Blob } from "./blob.js";
import { crypto } from "./crypto.js";
import { URL } from "./url.js";

const store = new Map(); // "blob:null/<uuid>" -> Blob

function createObjectURL(blob) {
  if (!(blob instanceof Blob)) {
    throw new TypeError("Failed to execute 'createObjectURL' on 'URL': Argument 1 is not of type 'Blob'.");
  }
  // Workers have an opaque origin: "null", as in Deno.
  const url = `blob:null/${crypto.randomUUID()}`;
  store.set(url, blob);
  return url;
}

function revokeObjectURL(url) {
  store.delete(String(url));
}

// The Blob a blob: URL names (its fragment ignored), or undefined.
export function blobFromUrl(href) {
  const hash = href.indexOf("#");
  return store.get(hash === -1 ? href : href.slice(0, hash));
}

for (const fn of [createObjectURL, revokeObjectURL]) {
  if (typeof URL[fn.name] !== "function") {
    Object.defineProperty(URL, fn.name, { value: fn, writable: true, enumerable: true, configurable: true });
  }
}
