import { assert, assertStrictEquals } from "./assert.js";
Deno.test("global error event: a timer's uncaught exception, prevented", async () => {
  const seen = [];
  const onError = (e) => {
    seen.push(e);
    e.preventDefault();
  };
  globalThis.addEventListener("error", onError);
  try {
    const boom = new Error("timer boom");
    setTimeout(() => {
      throw boom;
    }, 0);
    await new Promise((r) => setTimeout(r, 20));
    assertStrictEquals(seen.length, 1);
    assert(seen[0] instanceof ErrorEvent);
    assertStrictEquals(seen[0].error, boom);
    assertStrictEquals(seen[0].message, "Uncaught Error: timer boom");
    assertStrictEquals(seen[0].cancelable, true);
    assertStrictEquals(seen[0].defaultPrevented, true);
  } finally {
    globalThis.removeEventListener("error", onError);
  }
});

Deno.test("global unhandledrejection event: prevented", async () => {
  const seen = [];
  const onRejection = (e) => {
    seen.push(e);
    e.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  try {
    const reason = new TypeError("nobody awaits this");
    const p = Promise.reject(reason);
    await new Promise((r) => setTimeout(r, 20));
    assertStrictEquals(seen.length, 1);
    assert(seen[0] instanceof PromiseRejectionEvent);
    assertStrictEquals(seen[0].promise, p);
    assertStrictEquals(seen[0].reason, reason);
    assertStrictEquals(seen[0].cancelable, true);
  } finally {
    globalThis.removeEventListener("unhandledrejection", onRejection);
  }
});

Deno.test("global unhandledrejection event: a rejection handled in time is not reported", async () => {
  let count = 0;
  const onRejection = (e) => {
    count++;
    e.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  try {
    const p = Promise.reject(new Error("handled later in the same task"));
    await null;
    p.catch(() => {});
    await new Promise((r) => setTimeout(r, 20));
    assertStrictEquals(count, 0);
  } finally {
    globalThis.removeEventListener("unhandledrejection", onRejection);
  }
});
