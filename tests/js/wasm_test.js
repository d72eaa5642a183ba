import { assert, assertRejects, assertStrictEquals } from "./assert.js";

// (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
const ADD = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01,
  0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09,
  0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
]);
const WASM = { headers: { "content-type": "application/wasm" } };

Deno.test("WebAssembly.compileStreaming / instantiateStreaming from a Response", async () => {
  assertStrictEquals(typeof WebAssembly.compileStreaming, "function");
  assertStrictEquals(WebAssembly.compileStreaming.length, 1);
  const module = await WebAssembly.compileStreaming(new Response(ADD, WASM));
  assert(module instanceof WebAssembly.Module);
  const { instance } = await WebAssembly.instantiateStreaming(Promise.resolve(new Response(ADD, WASM)));
  assertStrictEquals(instance.exports.add(2, 40), 42);
  const upper = { headers: { "content-type": "Application/WASM" } };
  const result = await WebAssembly.instantiateStreaming(new Response(ADD, upper), {});
  assert(result.module instanceof WebAssembly.Module);
  assert(result.instance instanceof WebAssembly.Instance);
});

Deno.test("WebAssembly streaming: content type, status and argument checks", async () => {
  await assertRejects(() => WebAssembly.compileStreaming(new Response(ADD)), TypeError, "Invalid WebAssembly content type");
  const json = { headers: { "content-type": "application/json" } };
  await assertRejects(() => WebAssembly.compileStreaming(new Response(ADD, json)), TypeError, "Invalid WebAssembly content type");
  const param = { headers: { "content-type": "application/wasm; charset=x" } };
  await assertRejects(() => WebAssembly.instantiateStreaming(new Response(ADD, param)), TypeError, "Invalid WebAssembly content type");
  await assertRejects(() => WebAssembly.compileStreaming("nope"), TypeError, "Argument 1 is not of type Response");
  const missing = { status: 404, headers: { "content-type": "application/wasm" } };
  await assertRejects(() => WebAssembly.compileStreaming(new Response(ADD, missing)), TypeError, "HTTP status code 404");
  await assertRejects(
    () => WebAssembly.compileStreaming(new Response(new Uint8Array([1, 2, 3]), WASM)),
    WebAssembly.CompileError,
  );
  await assertRejects(() => WebAssembly.compileStreaming(Promise.reject(new RangeError("x"))), RangeError);
});
