// The Deno namespace's small APIs: errors, version, build, cwd, memoryUsage, env.
import { assert, assertEquals, assertThrows } from "./assert.js";

Deno.test("Deno.errors has every class, each an Error subclass with its name", () => {
  const names = [
    "NotFound", "PermissionDenied", "ConnectionRefused", "ConnectionReset", "ConnectionAborted",
    "NotConnected", "AddrInUse", "AddrNotAvailable", "BrokenPipe", "AlreadyExists", "InvalidData",
    "TimedOut", "Interrupted", "WriteZero", "WouldBlock", "UnexpectedEof", "BadResource", "Http", "Busy",
    "NotSupported", "FilesystemLoop", "IsADirectory", "NetworkUnreachable", "NotADirectory", "NotCapable",
  ];
  for (const name of names) {
    const cls = Deno.errors[name];
    assertEquals(typeof cls, "function", name);
    const error = new cls("m");
    assert(error instanceof Error);
    assertEquals([error.name, error.message, cls.name], [name, "m", name]);
  }
});

Deno.test("Deno.version and Deno.build describe the runtime", () => {
  for (const key of ["deno", "v8", "typescript"]) {
    assertEquals(typeof Deno.version[key], "string");
    assert(/^\d+\.\d+/.test(Deno.version[key]), `${key}: ${Deno.version[key]}`);
  }
  assertEquals(Deno.build.os, "linux");
  assertEquals(Deno.build.arch, "x86_64");
  assertEquals(Deno.build.vendor, "unknown");
  assertEquals(Deno.build.env, "gnu");
  assertEquals(Deno.build.target, "x86_64-unknown-linux-gnu");
});

Deno.test("Deno.cwd is an absolute path that stat sees as a folder", () => {
  const cwd = Deno.cwd();
  assert(cwd.startsWith("/"), cwd);
  assert(Deno.statSync(cwd).isDirectory);
});

Deno.test("Deno.memoryUsage reports the heap", () => {
  const usage = Deno.memoryUsage();
  assertEquals(Object.keys(usage).sort(), ["external", "heapTotal", "heapUsed", "rss"]);
  assert(usage.heapUsed > 0 && usage.heapUsed <= usage.heapTotal);
  assert(usage.rss >= usage.heapUsed);
  const before = Deno.memoryUsage().heapUsed;
  const keep = new Array(200_000).fill(0).map((_, i) => ({ i }));
  assert(Deno.memoryUsage().heapUsed > before);
  assertEquals(keep.length, 200_000);
});

Deno.test("Deno.env set, get, delete and toObject", () => {
  Deno.env.set("SBFN_MISC_TEST_VAR", "one");
  assertEquals(Deno.env.get("SBFN_MISC_TEST_VAR"), "one");
  assertEquals(Deno.env.toObject().SBFN_MISC_TEST_VAR, "one");
  assert(Deno.env.has("SBFN_MISC_TEST_VAR"));
  Deno.env.delete("SBFN_MISC_TEST_VAR");
  assertEquals(Deno.env.get("SBFN_MISC_TEST_VAR"), undefined);
  assertThrows(() => Deno.env.set("A=B", "x"), TypeError);
  assertThrows(() => Deno.env.get(""), TypeError);
});

Deno.test("Deno.SeekMode", () => {
  assertEquals([Deno.SeekMode.Start, Deno.SeekMode.Current, Deno.SeekMode.End], [0, 1, 2]);
});
