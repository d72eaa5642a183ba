import { assert, assertEquals, assertStrictEquals } from "../js/assert.js";
import path from "node:path";
import posix from "node:path/posix";

Deno.test("node:path: POSIX operations", () => {
  assertStrictEquals(path.join("/a/b", "../c", "./d.txt"), "/a/c/d.txt");
  assertStrictEquals(path.resolve("/a", "b", "../c"), "/a/c");
  assertStrictEquals(path.resolve("x"), `${Deno.cwd()}/x`);
  assertStrictEquals(path.normalize("/a//b/../c/."), "/a/c");
  assertStrictEquals(path.relative("/a/b/c", "/a/d"), "../../d");
  assertStrictEquals(path.dirname("/a/b/c.txt"), "/a/b");
  assertStrictEquals(path.basename("/a/b/c.txt", ".txt"), "c");
  assertStrictEquals(path.extname("index.test.js"), ".js");
  assert(path.isAbsolute("/x") && !path.isAbsolute("x"));
  assertEquals(path.parse("/home/u/file.txt"), { root: "/", dir: "/home/u", base: "file.txt", ext: ".txt", name: "file" });
  assertStrictEquals(path.format({ dir: "/x", name: "f", ext: ".js" }), "/x/f.js");
  assertStrictEquals(path.sep, "/");
  assertStrictEquals(path.delimiter, ":");
  assertStrictEquals(path.posix.join("a", "b"), "a/b");
  assertStrictEquals(posix.join("a", "b"), "a/b");
  assertStrictEquals(path.toNamespacedPath("/x"), "/x");
});

Deno.test("node:path: win32 for Windows paths, on any platform", async () => {
  const win32 = (await import("node:path/win32")).default;
  assertStrictEquals(path.win32, win32);
  assertStrictEquals(win32.sep, "\\");
  assertStrictEquals(win32.join("C:\\a", "b", "..\\c"), "C:\\a\\c");
  assertStrictEquals(win32.basename("C:\\dir\\file.txt"), "file.txt");
  assertStrictEquals(win32.extname("C:\\dir\\file.txt"), ".txt");
  assertStrictEquals(win32.isAbsolute("C:\\x"), true);
  assertStrictEquals(win32.isAbsolute("x\\y"), false);
  assertStrictEquals(win32.normalize("C:/a//b/../c"), "C:\\a\\c");
  assertStrictEquals(win32.relative("C:\\a\\b", "C:\\a\\c"), "..\\c");
  assertStrictEquals(win32.posix, path.posix);
  assertStrictEquals(path.sep, "/");
});
