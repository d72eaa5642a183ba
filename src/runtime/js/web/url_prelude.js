// webidl-conversions (used by whatwg-url) reads the getters of
// ArrayBuffer.prototype.resizable and SharedArrayBuffer.prototype.growable when it
// is evaluated. V8 10.2 has neither, so provide temporary ones (resizable buffers
// cannot exist here, so `false` is right); url.js removes them again afterwards.
// whatwg-url also instantiates the global TextEncoder/TextDecoder when evaluated:
// lend it ours for that moment if the global scope has none yet.
import { TextDecoder, TextEncoder } from "./encoding.js";

const added = [];
const lent = [];
for (const [name, value] of [["TextEncoder", TextEncoder], ["TextDecoder", TextDecoder]]) {
  if (typeof globalThis[name] !== "function") {
    globalThis[name] = value;
    lent.push(name);
  }
}
function ensureGetter(C, name) {
  if (typeof C !== "function" || Object.getOwnPropertyDescriptor(C.prototype, name)) return;
  Object.defineProperty(C.prototype, name, {
    get() {
      return false;
    },
    configurable: true,
  });
  added.push([C, name]);
}
ensureGetter(ArrayBuffer, "resizable");
ensureGetter(globalThis.SharedArrayBuffer, "growable");

export function removeTemporaryGetters() {
  for (const [C, name] of added) delete C.prototype[name];
  added.length = 0;
  for (const name of lent) delete globalThis[name];
  lent.length = 0;
}
