import { assert, assertEquals, assertStrictEquals } from "../js/assert.js";
import consoleModule, { Console } from "node:console";
import { Writable } from "node:stream";

function collector() {
  const chunks = [];
  const stream = new Writable({
    write(chunk, encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, chunks };
}

Deno.test("node:console: the global console", () => {
  assertStrictEquals(consoleModule, globalThis.console);
  assertStrictEquals(consoleModule.Console, Console);
});

Deno.test("node:console: a Console writes to the streams it is given", () => {
  const out = collector();
  const err = collector();
  const c = new Console({ stdout: out.stream, stderr: err.stream });
  c.log("hello %s", "there");
  c.info(42);
  c.error("oops");
  c.warn("careful");
  const { log } = c;
  log("detached");
  assertEquals(out.chunks, ["hello there\n", "42\n", "detached\n"]);
  assertEquals(err.chunks, ["oops\n", "careful\n"]);
  const single = collector();
  new Console(single.stream).error("to the one stream");
  assertEquals(single.chunks, ["to the one stream\n"]);
  assert(typeof c.table === "function" && typeof c.group === "function" && typeof c.time === "function");
});
