import { assertEquals, assertStrictEquals } from "../js/assert.js";
import readline from "node:readline";
import readlinePromises from "node:readline/promises";
import { PassThrough, Readable } from "node:stream";

Deno.test("node:readline: lines from a stream, whatever the line breaks and chunks", async () => {
  const input = Readable.from(["one\ntw", "o\r\nthree\n", "fo", "ur"]);
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  const lines = [];
  for await (const line of rl) lines.push(line);
  assertEquals(lines, ["one", "two", "three", "four"]);
});

Deno.test("node:readline: line and close events", async () => {
  const input = new PassThrough();
  const rl = readline.createInterface({ input });
  const lines = [];
  rl.on("line", (line) => lines.push(line));
  const closed = new Promise((resolve) => rl.on("close", resolve));
  input.write("a\nb");
  input.end("\nc\n");
  await closed;
  assertEquals(lines, ["a", "b", "c"]);
});

Deno.test("node:readline: UTF-8 split across chunks", async () => {
  const bytes = new TextEncoder().encode("héllo\nwörld\n");
  const input = Readable.from([bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)]);
  const lines = [];
  for await (const line of readline.createInterface({ input })) lines.push(line);
  assertEquals(lines, ["héllo", "wörld"]);
});

Deno.test("node:readline: question, answered from the input", async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  const written = [];
  output.on("data", (chunk) => written.push(chunk.toString()));
  const rl = readlinePromises.createInterface({ input, output });
  const answer = rl.question("name? ");
  input.write("sbfn\n");
  assertStrictEquals(await answer, "sbfn");
  rl.close();
  assertEquals(written.join(""), "name? ");
});
