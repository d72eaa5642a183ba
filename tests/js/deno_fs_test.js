// Deno's file system API on files the test makes itself (in sbfn, under the worker's
// private /tmp; under Deno, the system temp dir). The sbfn-only rules (/tmp mapping,
// what is refused) are the spec case tests/specs/serve/tmp_files.
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.js";

const encoder = new TextEncoder();

Deno.test("writeFile and readFile round-trip bytes and text", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fs_test_" });
  const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
  await Deno.writeFile(`${dir}/a.bin`, bytes);
  assertEquals(await Deno.readFile(`${dir}/a.bin`), bytes);
  Deno.writeTextFileSync(`${dir}/b.txt`, "héllo");
  assertEquals(Deno.readTextFileSync(`${dir}/b.txt`), "héllo");
  await Deno.writeTextFile(`${dir}/b.txt`, " wörld", { append: true });
  assertEquals(await Deno.readTextFile(`${dir}/b.txt`), "héllo wörld");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("writeFile from a ReadableStream", async () => {
  const dir = Deno.makeTempDirSync();
  const stream = ReadableStream.from([encoder.encode("one "), encoder.encode("two")]);
  await Deno.writeFile(`${dir}/s.txt`, stream);
  assertEquals(Deno.readTextFileSync(`${dir}/s.txt`), "one two");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("stat, lstat and the FileInfo fields", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(`${dir}/f`, "12345");
  const info = await Deno.stat(`${dir}/f`);
  assertEquals([info.isFile, info.isDirectory, info.isSymlink, info.size], [true, false, false, 5]);
  assert(info.mtime instanceof Date);
  assertEquals(info.mode & 0o170000, 0o100000);
  const dirInfo = Deno.lstatSync(dir);
  assertEquals([dirInfo.isFile, dirInfo.isDirectory], [false, true]);
  for (const key of ["dev", "ino", "nlink", "uid", "gid", "blksize", "blocks"]) {
    assertEquals(typeof info[key], "number", key);
  }
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("mkdir, readDir, rename and remove", async () => {
  const dir = Deno.makeTempDirSync();
  await Deno.mkdir(`${dir}/x/y/z`, { recursive: true });
  Deno.mkdirSync(`${dir}/w`);
  Deno.writeTextFileSync(`${dir}/x/file.txt`, "f");
  const names = [];
  for await (const entry of Deno.readDir(`${dir}/x`)) names.push([entry.name, entry.isFile, entry.isDirectory]);
  names.sort();
  assertEquals(names, [["file.txt", true, false], ["y", false, true]]);
  await Deno.rename(`${dir}/x/file.txt`, `${dir}/w/moved.txt`);
  assertEquals(Deno.readTextFileSync(`${dir}/w/moved.txt`), "f");
  assertEquals([...Deno.readDirSync(`${dir}/w`)].map((e) => e.name), ["moved.txt"]);
  Deno.removeSync(`${dir}/w/moved.txt`);
  Deno.removeSync(`${dir}/w`);
  await Deno.remove(`${dir}/x`, { recursive: true });
  assertEquals([...Deno.readDirSync(dir)], []);
  Deno.removeSync(dir);
});

Deno.test("errors carry Deno's classes and messages", async () => {
  const dir = Deno.makeTempDirSync();
  await assertRejects(() => Deno.readFile(`${dir}/nope`), Deno.errors.NotFound,
    `No such file or directory (os error 2): readfile '${dir}/nope'`);
  assertThrows(() => Deno.statSync(`${dir}/nope`), Deno.errors.NotFound,
    `No such file or directory (os error 2): stat '${dir}/nope'`);
  assertThrows(() => Deno.mkdirSync(dir), Deno.errors.AlreadyExists, `File exists (os error 17): mkdir '${dir}'`);
  assertThrows(() => Deno.readFileSync(dir), Deno.errors.IsADirectory, `Is a directory (os error 21): readfile '${dir}'`);
  assertThrows(() => Deno.removeSync(`${dir}/nope`), Deno.errors.NotFound,
    `No such file or directory (os error 2): remove '${dir}/nope'`);
  assertThrows(() => Deno.writeFileSync(`${dir}/no/x`, new Uint8Array(1)), Deno.errors.NotFound,
    `No such file or directory (os error 2): writefile '${dir}/no/x'`);
  Deno.writeTextFileSync(`${dir}/exists`, "");
  assertThrows(() => Deno.writeTextFileSync(`${dir}/exists`, "", { createNew: true }), Deno.errors.AlreadyExists,
    `File exists (os error 17): writefile '${dir}/exists'`);
  assertThrows(() => [...Deno.readDirSync(`${dir}/exists`)], Deno.errors.NotADirectory);
  assertThrows(() => Deno.renameSync(`${dir}/a`, `${dir}/b`), Deno.errors.NotFound,
    `No such file or directory (os error 2): rename '${dir}/a' -> '${dir}/b'`);
  Deno.mkdirSync(`${dir}/full/inner`, { recursive: true });
  const error = assertThrows(() => Deno.removeSync(`${dir}/full`), Error, `Directory not empty (os error 39): remove '${dir}/full'`);
  assertEquals(error.code, "ENOTEMPTY");
  try {
    Deno.openSync(`${dir}/nope`);
  } catch (e) {
    assertEquals([e.name, e.code, e.message], ["NotFound", "ENOENT", `No such file or directory (os error 2): open '${dir}/nope'`]);
  }
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("makeTempFile honours dir, prefix and suffix", async () => {
  const dir = Deno.makeTempDirSync();
  const file = await Deno.makeTempFile({ dir, prefix: "pre_", suffix: ".txt" });
  assert(file.startsWith(`${dir}/pre_`), file);
  assert(file.endsWith(".txt"), file);
  assertEquals(Deno.statSync(file).size, 0);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("FsFile reads, writes, seeks and streams", async () => {
  const dir = Deno.makeTempDirSync();
  const file = await Deno.open(`${dir}/f`, { read: true, write: true, create: true });
  assertEquals(await file.write(encoder.encode("hello world")), 11);
  assertEquals(await file.seek(6, Deno.SeekMode.Start), 6);
  const buffer = new Uint8Array(16);
  const n = await file.read(buffer);
  assertEquals(new TextDecoder().decode(buffer.subarray(0, n)), "world");
  assertEquals(await file.read(buffer), null);
  assertEquals(file.seekSync(-5, Deno.SeekMode.End), 6);
  assertEquals((await file.stat()).size, 11);
  file.close();
  assertThrows(() => file.readSync(buffer), Deno.errors.BadResource);

  const writer = Deno.openSync(`${dir}/g`, { write: true, create: true, truncate: true });
  await ReadableStream.from([encoder.encode("ab"), encoder.encode("cd")]).pipeTo(writer.writable);
  const reader = Deno.openSync(`${dir}/g`);
  assertEquals(await new Response(reader.readable).text(), "abcd");
  assertThrows(() => Deno.openSync(`${dir}/g`, { create: true }), Error,
    "'create' or 'createNew' options require 'write' or 'append' to be true");
  Deno.removeSync(dir, { recursive: true });
});
