import { assertEquals, assertStrictEquals } from "../js/assert.js";
import { AsyncLocalStorage, AsyncResource, createHook, executionAsyncId, triggerAsyncId } from "node:async_hooks";
import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";

Deno.test("node:async_hooks: AsyncLocalStorage across awaits and promise continuations", async () => {
  const storage = new AsyncLocalStorage();
  const seen = [];
  await storage.run({ id: 1 }, async () => {
    seen.push(storage.getStore().id);
    await null;
    seen.push(storage.getStore().id);
    await Promise.resolve().then(() => seen.push(storage.getStore().id));
    await sleep(1);
    seen.push(storage.getStore().id);
  });
  assertEquals(seen, [1, 1, 1, 1]);
  assertStrictEquals(storage.getStore(), undefined);
});

Deno.test("node:async_hooks: AsyncLocalStorage in timers, nextTick and microtasks", async () => {
  const storage = new AsyncLocalStorage();
  const seen = await storage.run("outer", () =>
    Promise.all([
      new Promise((resolve) => setTimeout(() => resolve(storage.getStore()), 1)),
      new Promise((resolve) => setImmediate(() => resolve(storage.getStore()))),
      new Promise((resolve) => queueMicrotask(() => resolve(storage.getStore()))),
      new Promise((resolve) => process.nextTick(() => resolve(storage.getStore()))),
      new Promise((resolve) => {
        const id = setInterval(() => {
          clearInterval(id);
          resolve(storage.getStore());
        }, 1);
      }),
    ])
  );
  assertEquals(seen, ["outer", "outer", "outer", "outer", "outer"]);
  // A timer set outside any run sees no store, even while another one is current.
  const outside = new Promise((resolve) => setTimeout(() => resolve(storage.getStore()), 2));
  storage.run("other", () => {});
  assertStrictEquals(await outside, undefined);
});

Deno.test("node:async_hooks: concurrent runs keep their own stores", async () => {
  const storage = new AsyncLocalStorage();
  const task = (id, delay) =>
    storage.run(id, async () => {
      await sleep(delay);
      const first = storage.getStore();
      await null;
      return [first, storage.getStore()];
    });
  assertEquals(await Promise.all([task("a", 5), task("b", 1), task("c", 3)]), [["a", "a"], ["b", "b"], ["c", "c"]]);
});

Deno.test("node:async_hooks: nested run, exit, enterWith and disable", async () => {
  const storage = new AsyncLocalStorage();
  const other = new AsyncLocalStorage();
  storage.run(1, () => {
    other.run("x", () => {
      storage.run(2, () => {
        assertStrictEquals(storage.getStore(), 2);
        assertStrictEquals(other.getStore(), "x");
      });
      assertStrictEquals(storage.getStore(), 1);
      storage.exit(() => {
        assertStrictEquals(storage.getStore(), undefined);
        assertStrictEquals(other.getStore(), "x");
      });
      assertStrictEquals(storage.getStore(), 1);
    });
  });
  const entered = await storage.run(0, async () => {
    storage.enterWith("entered");
    await null;
    return storage.getStore();
  });
  assertStrictEquals(entered, "entered");
  storage.run(5, () => {
    storage.disable();
    assertStrictEquals(storage.getStore(), undefined);
  });
  assertStrictEquals(storage.run(6, () => storage.getStore()), 6);
  assertStrictEquals(storage.run(7, (a, b) => a + b, 2, 3), 5);
});

Deno.test("node:async_hooks: bind and snapshot", () => {
  const storage = new AsyncLocalStorage();
  const bound = storage.run("bound", () => AsyncLocalStorage.bind(() => storage.getStore()));
  const snapshot = storage.run("snap", () => AsyncLocalStorage.snapshot());
  storage.run("elsewhere", () => {
    assertStrictEquals(bound(), "bound");
    assertStrictEquals(snapshot(() => storage.getStore()), "snap");
    assertStrictEquals(snapshot((a) => a * 2, 21), 42);
  });
  assertStrictEquals(bound(), "bound");
});

Deno.test("node:async_hooks: AsyncResource carries the context it was made in", () => {
  const storage = new AsyncLocalStorage();
  const resource = storage.run("made", () => new AsyncResource("TEST"));
  const emitter = new EventEmitter();
  const seen = [];
  storage.run("listener", () => emitter.on("event", AsyncResource.bind(() => seen.push(storage.getStore()))));
  emitter.on("event", () => seen.push(storage.getStore()));
  storage.run("emit", () => {
    assertStrictEquals(resource.runInAsyncScope(() => storage.getStore()), "made");
    assertStrictEquals(resource.runInAsyncScope(function (x) {
      return [this.tag, x];
    }, { tag: "this" }, 1)[0], "this");
    const fn = resource.bind(() => storage.getStore());
    assertStrictEquals(fn(), "made");
    emitter.emit("event");
  });
  assertEquals(seen, ["listener", "emit"]);
  assertStrictEquals(typeof resource.asyncId(), "number");
  assertStrictEquals(resource.emitDestroy(), resource);
});

Deno.test("node:async_hooks: ids and createHook", () => {
  assertStrictEquals(typeof executionAsyncId(), "number");
  assertStrictEquals(typeof triggerAsyncId(), "number");
  const hook = createHook({ init() {} });
  assertStrictEquals(hook.enable(), hook);
  assertStrictEquals(hook.disable(), hook);
});
