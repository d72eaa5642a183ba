import { assert, assertEquals, assertStrictEquals, assertThrows, assertThrowsDOMException } from "./assert.js";

function read(method, blob, ...args) {
  const fr = new FileReader();
  const events = [];
  for (const type of ["loadstart", "progress", "load", "loadend", "error", "abort"]) {
    fr.addEventListener(type, (e) => events.push([type, e.loaded, e.total]));
  }
  return new Promise((resolve) => {
    fr.onloadend = () => resolve({ fr, events });
    fr[method](blob, ...args);
  });
}

Deno.test("FileReader: constants and initial state", () => {
  const fr = new FileReader();
  assertEquals([FileReader.EMPTY, FileReader.LOADING, FileReader.DONE], [0, 1, 2]);
  assertStrictEquals(fr.readyState, FileReader.EMPTY);
  assertStrictEquals(fr.result, null);
  assertStrictEquals(fr.error, null);
  assert(fr instanceof EventTarget);
});

Deno.test("FileReader: readAsText, readAsArrayBuffer, readAsDataURL, readAsBinaryString", async () => {
  const blob = new Blob(["héllo"], { type: "text/plain" });
  const text = await read("readAsText", blob);
  assertStrictEquals(text.fr.result, "héllo");
  assertStrictEquals(text.fr.readyState, FileReader.DONE);
  assertEquals(text.events.map((e) => e[0]), ["loadstart", "progress", "load", "loadend"]);
  assertEquals(text.events[2], ["load", 6, 6]);
  const ab = await read("readAsArrayBuffer", blob);
  assert(ab.fr.result instanceof ArrayBuffer);
  assertEquals(new Uint8Array(ab.fr.result), new TextEncoder().encode("héllo"));
  assertStrictEquals((await read("readAsDataURL", blob)).fr.result, "data:text/plain;base64,aMOpbGxv");
  assertStrictEquals((await read("readAsDataURL", new Blob(["a"]))).fr.result, "data:application/octet-stream;base64,YQ==");
  assertStrictEquals((await read("readAsBinaryString", new Blob([new Uint8Array([0xff, 0x41])]))).fr.result, "\xffA");
});

Deno.test("FileReader: readAsText with an encoding label", async () => {
  const blob = new Blob([new Uint8Array([0xe9])]);
  assertStrictEquals((await read("readAsText", blob, "windows-1252")).fr.result, "é");
  assertStrictEquals((await read("readAsText", new Blob([new Uint8Array([0x68, 0, 0x69, 0])]), "utf-16le")).fr.result, "hi");
});

Deno.test("FileReader: a second read while loading throws InvalidStateError", async () => {
  const fr = new FileReader();
  const done = new Promise((r) => (fr.onload = r));
  fr.readAsText(new Blob(["x"]));
  assertStrictEquals(fr.readyState, FileReader.LOADING);
  assertThrowsDOMException(() => fr.readAsText(new Blob(["y"])), "InvalidStateError");
  await done;
  assertStrictEquals(fr.result, "x");
});

Deno.test("FileReader: abort stops the read", async () => {
  const fr = new FileReader();
  const events = [];
  for (const type of ["load", "abort", "loadend"]) fr.addEventListener(type, () => events.push(type));
  fr.readAsArrayBuffer(new Blob(["abc"]));
  fr.abort();
  assertStrictEquals(fr.readyState, FileReader.DONE);
  assertStrictEquals(fr.result, null);
  await new Promise((r) => setTimeout(r, 20));
  assertEquals(events, ["abort", "loadend"]);
});

Deno.test("ProgressEvent: init members", () => {
  const e = new ProgressEvent("progress", { lengthComputable: true, loaded: 5, total: 10 });
  assertStrictEquals(e.lengthComputable, true);
  assertStrictEquals(e.loaded, 5);
  assertStrictEquals(e.total, 10);
  const d = new ProgressEvent("x");
  assertEquals([d.lengthComputable, d.loaded, d.total], [false, 0, 0]);
  assert(e instanceof Event);
});
