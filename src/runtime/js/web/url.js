// URL and URLSearchParams from the pinned whatwg-url package.
import { removeTemporaryGetters } from "./url_prelude.js";
import { URL, URLSearchParams } from "whatwg-url";

removeTemporaryGetters();

if (typeof URL.canParse !== "function") {
  Object.defineProperty(URL, "canParse", {
    value: function canParse(url, base = undefined) {
      try {
        new URL(url, base);
        return true;
      } catch {
        return false;
      }
    },
    writable: true,
    enumerable: true,
    configurable: true,
  });
}
if (typeof URL.parse !== "function") {
  Object.defineProperty(URL, "parse", {
    value: function parse(url, base = undefined) {
      try {
        return new URL(url, base);
      } catch {
        return null;
      }
    },
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

export { URL, URLSearchParams };
