// Helpers for the crypto_*_test.js files: hex conversion and DOMException rejections.
import { AssertionError, assertStrictEquals } from "./assert.js";

export const subtle = crypto.subtle;

export function hex(bytes) {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function unhex(text) {
  const clean = text.replace(/\s+/g, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export const utf8 = (text) => new TextEncoder().encode(text);

export function b64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

// Awaits `promise` and asserts it rejects with a DOMException named `name` (and, when
// given, a message containing `message`).
export async function rejectsWith(promise, name, message = undefined) {
  let error;
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new AssertionError(`Expected a ${name} rejection`);
  if (!(error instanceof DOMException)) {
    throw new AssertionError(`Expected a DOMException ${name}, got ${error}`);
  }
  assertStrictEquals(error.name, name, `wrong DOMException: ${error.name}: ${error.message}`);
  if (message !== undefined && !error.message.includes(message)) {
    throw new AssertionError(`Expected message containing "${message}", got "${error.message}"`);
  }
  return error;
}
