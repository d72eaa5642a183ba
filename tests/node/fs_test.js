import { assert, assertEquals, assertRejects, assertStrictEquals, assertThrows } from "../js/assert.js";
import fs from "node:fs";
import fsPromises from "node:fs/promises";
import os from "node:os";
import { Buffer } from "node:buffer";
import { fileURLToPath } from "node:url";

// The function's own folder is readable; /tmp is writable.
const fixtures = fileURLToPath(new URL("./fixtures/fs", import.meta.url));

function tempDir() {
  return fs.mkdtempSync(`${os.tmpdir()}/sbfn-fs-`);
}

function nodeError(code, syscall) {
  return (error) => {
    assertStrictEquals(error.code, code);
    assertStrictEquals(error.syscall, syscall);
    assertStrictEquals(typeof error.errno, "number");
    assert(error.errno < 0);
    assert(error.message.startsWith(`${code}: `), error.message);
    return true;
  };
}

function assertNodeError(fn, code, syscall, path = undefined) {
  let caught;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert(caught !== undefined, `expected ${code}`);
  nodeError(code, syscall)(caught);
  if (path !== undefined) assertStrictEquals(caught.path, path);
}

Deno.test("node:fs: readFileSync in the function's folder, as bytes and text", () => {
  const bytes = fs.readFileSync(`${fixtures}/hello.txt`);
  assert(Buffer.isBuffer(bytes));
  assertStrictEquals(bytes.toString(), "hello, fs\n");
  assertStrictEquals(fs.readFileSync(`${fixtures}/hello.txt`, "utf8"), "hello, fs\n");
  assertStrictEquals(fs.readFileSync(new URL("./fixtures/fs/hello.txt", import.meta.url), { encoding: "base64" }), btoa("hello, fs\n"));
  assertStrictEquals(fs.readFileSync(`${fixtures}/sub/../hello.txt`, "latin1"), "hello, fs\n");
});

Deno.test("node:fs: write, append, read and remove in /tmp", () => {
  const dir = tempDir();
  try {
    const file = `${dir}/a.txt`;
    fs.writeFileSync(file, "one");
    fs.appendFileSync(file, Buffer.from(",two"));
    fs.appendFileSync(file, new Uint8Array([44, 51]));
    assertStrictEquals(fs.readFileSync(file, "utf8"), "one,two,3");
    fs.writeFileSync(file, "68656c6c6f", "hex");
    assertStrictEquals(fs.readFileSync(file, "utf8"), "hello");
    assertNodeError(() => fs.writeFileSync(file, "x", { flag: "wx" }), "EEXIST", "open", file);
    fs.truncateSync(file, 2);
    assertStrictEquals(fs.readFileSync(file, "utf8"), "he");
    fs.unlinkSync(file);
    assertStrictEquals(fs.existsSync(file), false);
    assertNodeError(() => fs.unlinkSync(file), "ENOENT", "unlink", file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("node:fs: errors carry code, errno, syscall and path", () => {
  const dir = tempDir();
  try {
    const missing = `${dir}/missing.txt`;
    assertNodeError(() => fs.readFileSync(missing), "ENOENT", "open", missing);
    assertNodeError(() => fs.statSync(missing), "ENOENT", "stat", missing);
    assertNodeError(() => fs.lstatSync(missing), "ENOENT", "lstat", missing);
    assertNodeError(() => fs.openSync(missing, "r"), "ENOENT", "open", missing);
    assertNodeError(() => fs.mkdirSync(dir), "EEXIST", "mkdir", dir);
    assertNodeError(() => fs.rmdirSync(missing), "ENOENT", "rmdir", missing);
    assertNodeError(() => fs.accessSync(missing), "ENOENT", "access", missing);
    assertStrictEquals(fs.readFileSync.length >= 1, true);
    const error = assertThrows(() => fs.readFileSync(missing));
    assertStrictEquals(error.message, `ENOENT: no such file or directory, open '${missing}'`);
    assertStrictEquals(error.errno, -2);
    const renamed = assertThrows(() => fs.renameSync(missing, `${dir}/b`));
    assertStrictEquals(renamed.code, "ENOENT");
    assertStrictEquals(renamed.dest, `${dir}/b`);
    fs.mkdirSync(`${dir}/full`);
    fs.writeFileSync(`${dir}/full/x`, "");
    assertStrictEquals(assertThrows(() => fs.rmdirSync(`${dir}/full`)).code, "ENOTEMPTY");
    assertStrictEquals(assertThrows(() => fs.readFileSync(dir)).code, "EISDIR");
    assertStrictEquals(fs.statSync(missing, { throwIfNoEntry: false }), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("node:fs: stat and lstat give Stats", () => {
  const file = fs.statSync(`${fixtures}/hello.txt`);
  assert(file instanceof fs.Stats);
  assert(file.isFile());
  assert(!file.isDirectory());
  assert(!file.isSymbolicLink());
  assertStrictEquals(file.size, 10);
  assert(file.mtime instanceof Date);
  assertStrictEquals(typeof file.mtimeMs, "number");
  assertStrictEquals(file.mtime.getTime(), Math.trunc(file.mtimeMs) || file.mtime.getTime());
  assertStrictEquals(typeof file.mode, "number");
  const folder = fs.lstatSync(fixtures);
  assert(folder.isDirectory());
  assert(!folder.isFile());
  const big = fs.statSync(`${fixtures}/hello.txt`, { bigint: true });
  assertStrictEquals(big.size, 10n);
  assert(big.isFile());
});

Deno.test("node:fs: readdir, with file types and recursively", () => {
  assertEquals(fs.readdirSync(fixtures), ["hello.txt", "sub"]);
  const entries = fs.readdirSync(fixtures, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  assertEquals(entries.map((e) => [e.name, e.isFile(), e.isDirectory()]), [["hello.txt", true, false], ["sub", false, true]]);
  assert(entries[0] instanceof fs.Dirent);
  assertStrictEquals(entries[0].parentPath, fixtures);
  assertEquals(fs.readdirSync(fixtures, { recursive: true }).sort(), ["hello.txt", "sub", "sub/inner.txt"]);
});

Deno.test("node:fs: mkdir recursive, rename, copyFile, rm, realpath", () => {
  const dir = tempDir();
  try {
    assertStrictEquals(fs.mkdirSync(`${dir}/a/b/c`, { recursive: true }), `${dir}/a`);
    assertStrictEquals(fs.mkdirSync(`${dir}/a/b/c`, { recursive: true }), undefined);
    assert(fs.statSync(`${dir}/a/b/c`).isDirectory());
    fs.writeFileSync(`${dir}/a/b/c/f.txt`, "payload");
    fs.renameSync(`${dir}/a/b/c/f.txt`, `${dir}/g.txt`);
    assertStrictEquals(fs.readFileSync(`${dir}/g.txt`, "utf8"), "payload");
    fs.copyFileSync(`${dir}/g.txt`, `${dir}/h.txt`);
    assertStrictEquals(fs.readFileSync(`${dir}/h.txt`, "utf8"), "payload");
    assertThrows(() => fs.copyFileSync(`${dir}/g.txt`, `${dir}/h.txt`, fs.constants.COPYFILE_EXCL));
    fs.copyFileSync(`${fixtures}/hello.txt`, `${dir}/copied.txt`);
    assertStrictEquals(fs.readFileSync(`${dir}/copied.txt`, "utf8"), "hello, fs\n");
    assertStrictEquals(fs.realpathSync(`${dir}/a/b/../../g.txt`), `${fs.realpathSync(dir)}/g.txt`);
    fs.rmSync(`${dir}/a`, { recursive: true });
    assertStrictEquals(fs.existsSync(`${dir}/a`), false);
    fs.rmSync(`${dir}/nothing`, { force: true });
    assertStrictEquals(assertThrows(() => fs.rmSync(`${dir}/nothing`)).code, "ENOENT");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("node:fs: access and exists", async () => {
  fs.accessSync(`${fixtures}/hello.txt`);
  fs.accessSync(`${fixtures}/hello.txt`, fs.constants.R_OK);
  assertStrictEquals(fs.existsSync(`${fixtures}/hello.txt`), true);
  assertStrictEquals(fs.existsSync(`${fixtures}/nope.txt`), false);
  const exists = await new Promise((resolve) => fs.exists(`${fixtures}/hello.txt`, resolve));
  assertStrictEquals(exists, true);
  const dir = tempDir();
  try {
    fs.writeFileSync(`${dir}/w`, "");
    fs.accessSync(`${dir}/w`, fs.constants.W_OK);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

Deno.test("node:fs: file descriptors: open, positioned read and write, fstat, close", () => {
  const dir = tempDir();
  try {
    const fd = fs.openSync(`${dir}/fd.txt`, "w+");
    assertStrictEquals(typeof fd, "number");
    assertStrictEquals(fs.writeSync(fd, "hello world"), 11);
    assertStrictEquals(fs.writeSync(fd, Buffer.from("HELLO"), 0, 5, 0), 5);
    const buffer = Buffer.alloc(5);
    assertStrictEquals(fs.readSync(fd, buffer, 0, 5, 6), 5);
    assertStrictEquals(buffer.toString(), "world");
    assertStrictEquals(fs.readSync(fd, buffer, { position: 0, length: 5 }), 5);
    assertStrictEquals(buffer.toString(), "HELLO");
    assertStrictEquals(fs.fstatSync(fd).size, 11);
    fs.closeSync(fd);
    assertStrictEquals(assertThrows(() => fs.closeSync(fd)).code, "EBADF");
    assertStrictEquals(fs.readFileSync(`${dir}/fd.txt`, "utf8"), "HELLO world");
    const appender = fs.openSync(`${dir}/fd.txt`, "a");
    fs.writeSync(appender, "!");
    fs.closeSync(appender);
    assertStrictEquals(fs.readFileSync(`${dir}/fd.txt`, "utf8"), "HELLO world!");
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

Deno.test("node:fs: callback forms call back later, errors first", async () => {
  const text = await new Promise((resolve, reject) => {
    let sync = true;
    fs.readFile(`${fixtures}/hello.txt`, "utf8", (error, data) => {
      if (sync) reject(new Error("called back synchronously"));
      error ? reject(error) : resolve(data);
    });
    sync = false;
  });
  assertStrictEquals(text, "hello, fs\n");
  const error = await new Promise((resolve) => fs.stat(`${os.tmpdir()}/sbfn-fs-no-such-file`, (e) => resolve(e)));
  assertStrictEquals(error.code, "ENOENT");
  const dir = tempDir();
  try {
    await new Promise((resolve, reject) => fs.writeFile(`${dir}/cb.txt`, "cb", (e) => (e ? reject(e) : resolve())));
    const names = await new Promise((resolve, reject) => fs.readdir(dir, (e, list) => (e ? reject(e) : resolve(list))));
    assertEquals(names, ["cb.txt"]);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

Deno.test("node:fs/promises: the same operations, and FileHandle", async () => {
  assertStrictEquals(fs.promises, fsPromises);
  assertStrictEquals(await fsPromises.readFile(`${fixtures}/hello.txt`, "utf8"), "hello, fs\n");
  const dir = await fsPromises.mkdtemp(`${os.tmpdir()}/sbfn-fsp-`);
  try {
    await fsPromises.writeFile(`${dir}/p.txt`, "promised");
    await fsPromises.appendFile(`${dir}/p.txt`, "!");
    assertStrictEquals((await fsPromises.stat(`${dir}/p.txt`)).size, 9);
    assertEquals(await fsPromises.readdir(dir), ["p.txt"]);
    await assertRejects(() => fsPromises.readFile(`${dir}/none`), Error, "ENOENT");
    const handle = await fsPromises.open(`${dir}/p.txt`, "r+");
    assertStrictEquals(typeof handle.fd, "number");
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(8), 0, 8, 0);
    assertStrictEquals(bytesRead, 8);
    assertStrictEquals(buffer.toString(), "promised");
    await handle.write("P", 0);
    assertStrictEquals((await handle.stat()).size, 9);
    await handle.close();
    assertStrictEquals(await fsPromises.readFile(`${dir}/p.txt`, "utf8"), "Promised!");
    await fsPromises.rename(`${dir}/p.txt`, `${dir}/q.txt`);
    await fsPromises.copyFile(`${dir}/q.txt`, `${dir}/r.txt`);
    await fsPromises.unlink(`${dir}/q.txt`);
    await fsPromises.access(`${dir}/r.txt`);
    await fsPromises.mkdir(`${dir}/x/y`, { recursive: true });
    await fsPromises.rm(`${dir}/x`, { recursive: true });
    assertEquals(await fsPromises.readdir(dir), ["r.txt"]);
  } finally {
    await fsPromises.rm(dir, { recursive: true, force: true });
  }
});

Deno.test("node:fs: read and write streams", async () => {
  const dir = tempDir();
  try {
    const out = fs.createWriteStream(`${dir}/s.txt`);
    await new Promise((resolve, reject) => {
      out.on("error", reject);
      out.write("abc");
      out.write(Buffer.from("def"));
      out.end("ghi", resolve);
    });
    assertStrictEquals(fs.readFileSync(`${dir}/s.txt`, "utf8"), "abcdefghi");
    assert(out instanceof fs.WriteStream);
    const { Readable, Writable } = await import("node:stream");
    assert(out instanceof Writable);
    const reader = fs.createReadStream(`${dir}/s.txt`);
    assert(reader instanceof fs.ReadStream && reader instanceof Readable);
    class Sub extends fs.ReadStream {}
    const sub = new Sub(`${dir}/s.txt`, { encoding: "utf8" });
    assert(sub instanceof Sub && sub instanceof fs.ReadStream);
    let subText = "";
    for await (const chunk of sub) subText += chunk;
    assertStrictEquals(subText, "abcdefghi");
    reader.destroy();
    const chunks = [];
    for await (const chunk of fs.createReadStream(`${dir}/s.txt`, { start: 2, end: 6, highWaterMark: 2 })) {
      chunks.push(chunk.toString());
    }
    assertStrictEquals(chunks.join(""), "cdefg");
    const text = [];
    for await (const chunk of fs.createReadStream(`${fixtures}/hello.txt`, { encoding: "utf8" })) text.push(chunk);
    assertStrictEquals(text.join(""), "hello, fs\n");
    const fd = fs.openSync(`${fixtures}/hello.txt`, "r");
    const head = Buffer.alloc(5);
    assertStrictEquals(fs.readSync(fd, head, 0, 5, null), 5);
    assertStrictEquals(head.toString(), "hello");
    assertStrictEquals(fs.readFileSync(fd, "utf8"), ", fs\n");
    assertStrictEquals(fs.fstatSync(fd).size, 10);
    fs.closeSync(fd);
    const failed = await new Promise((resolve) => fs.createReadStream(`${dir}/none`).on("error", resolve));
    assertStrictEquals(failed.code, "ENOENT");
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

Deno.test("node:fs: constants", () => {
  assertStrictEquals(fs.constants.F_OK, 0);
  assertStrictEquals(fs.constants.R_OK, 4);
  assertStrictEquals(fs.constants.W_OK, 2);
  assertStrictEquals(fs.constants.X_OK, 1);
  assertStrictEquals(fs.constants.O_CREAT, 64);
  assertStrictEquals(fs.constants.COPYFILE_EXCL, 1);
  assertStrictEquals(fsPromises.constants, fs.constants);
});

Deno.test("node:fs: opendir and cp", async () => {
  const dir = fs.opendirSync(fixtures);
  const names = [];
  for await (const entry of dir) names.push(entry.name);
  assertEquals(names.sort(), ["hello.txt", "sub"]);
  const handle = await fsPromises.opendir(fixtures);
  assert((await handle.read()) instanceof fs.Dirent);
  await handle.close();
  const target = tempDir();
  try {
    fs.cpSync(fixtures, `${target}/copy`, { recursive: true });
    assertStrictEquals(fs.readFileSync(`${target}/copy/sub/inner.txt`, "utf8"), "nested\n");
    assertStrictEquals(assertThrows(() => fs.cpSync(fixtures, `${target}/again`)).code, "ERR_FS_EISDIR");
    await fsPromises.cp(`${fixtures}/hello.txt`, `${target}/one.txt`);
    assertStrictEquals(fs.readFileSync(`${target}/one.txt`, "utf8"), "hello, fs\n");
  } finally {
    fs.rmSync(target, { recursive: true });
  }
});

Deno.test("node:fs: chmod and utimes in /tmp", async () => {
  const dir = tempDir();
  try {
    const file = `${dir}/m.txt`;
    fs.writeFileSync(file, "x");
    fs.chmodSync(file, 0o600);
    assertStrictEquals(fs.statSync(file).mode & 0o777, 0o600);
    await fsPromises.chmod(file, "644");
    assertStrictEquals(fs.statSync(file).mode & 0o777, 0o644);
    fs.utimesSync(file, 1000, new Date(2000 * 1000));
    const stats = fs.statSync(file);
    assertStrictEquals(stats.atimeMs, 1000 * 1000);
    assertStrictEquals(stats.mtime.getTime(), 2000 * 1000);
    assertStrictEquals(assertThrows(() => fs.chmodSync(`${dir}/none`, 0o600)).code, "ENOENT");
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

Deno.test("node:fs: promisify and AbortSignal", async () => {
  const { promisify } = await import("node:util");
  assertStrictEquals(await promisify(fs.exists)(`${fixtures}/hello.txt`), true);
  const fd = fs.openSync(`${fixtures}/hello.txt`, "r");
  try {
    const { bytesRead, buffer } = await promisify(fs.read)(fd, Buffer.alloc(5), 0, 5, 0);
    assertStrictEquals(bytesRead, 5);
    assertStrictEquals(buffer.toString(), "hello");
  } finally {
    fs.closeSync(fd);
  }
  const controller = new AbortController();
  controller.abort();
  const error = await fsPromises.readFile(`${fixtures}/hello.txt`, { signal: controller.signal }).catch((e) => e);
  assertStrictEquals(error.name, "AbortError");
});
