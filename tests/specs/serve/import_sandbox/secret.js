globalThis.pwned = "TOPSECRET-4242-js";
export default "TOPSECRET-4242-js";
