// Deno's file system API as Supabase's user workers see it: /tmp is the worker's own
// writable folder, the function's folder is readable, the rest is refused (tmp_fs.hpp).
// The ops are synchronous (local files); the async forms wrap them.
import { ops } from "./web/ops.js";
import { call, errors, fromOpError } from "./deno_errors.js";
import { begin, end } from "./activity.js";

export function pathOf(path) {
  if (path instanceof URL) {
    if (path.protocol !== "file:") throw new TypeError("Must be a file URL.");
    return decodeURIComponent(path.pathname);
  }
  path = String(path);
  if (path.startsWith("file://")) return decodeURIComponent(new URL(path).pathname);
  return path;
}

function asyncOf(fn) {
  return async (...args) => fn(...args);
}

export function readFileSync(path) {
  path = pathOf(path);
  return call(ops.fs_read_tmp, path) ?? call(ops.read_file, path);
}

function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError("data must be a Uint8Array");
}

export function writeFileSync(path, data, options = {}) {
  call(ops.fs_write_file, pathOf(path), toBytes(data), !!options.append,
    options.create ?? true, !!options.createNew, options.mode);
}

async function writeFile(path, data, options = {}) {
  options.signal?.throwIfAborted();
  if (data instanceof ReadableStream) {
    const file = openSync(path, { write: true, create: options.create ?? true,
      createNew: !!options.createNew, append: !!options.append, truncate: !options.append, mode: options.mode });
    try {
      for await (const chunk of data) writeAllSync(file, toBytes(chunk));
    } finally {
      file.close();
    }
    return;
  }
  writeFileSync(path, data, options);
}

function writeAllSync(file, bytes) {
  let offset = 0;
  while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
}

export class FileInfo {
  constructor(values) {
    const [mode, size, mtime, atime, ctime, dev, ino, nlink, uid, gid, rdev, blksize, blocks] = values;
    const type = mode & 0o170000;
    this.isFile = type === 0o100000;
    this.isDirectory = type === 0o040000;
    this.isSymlink = type === 0o120000;
    this.size = size;
    this.mtime = new Date(mtime);
    this.atime = new Date(atime);
    this.birthtime = null;
    this.ctime = new Date(ctime);
    this.dev = dev;
    this.ino = ino;
    this.mode = mode;
    this.nlink = nlink;
    this.uid = uid;
    this.gid = gid;
    this.rdev = rdev;
    this.blksize = blksize;
    this.blocks = blocks;
    this.isBlockDevice = type === 0o060000;
    this.isCharDevice = type === 0o020000;
    this.isFifo = type === 0o010000;
    this.isSocket = type === 0o140000;
  }
}

const statSync = (path) => new FileInfo(call(ops.fs_stat, pathOf(path), false));
const lstatSync = (path) => new FileInfo(call(ops.fs_stat, pathOf(path), true));

function mkdirSync(path, options = {}) {
  call(ops.fs_mkdir, pathOf(path), !!options.recursive, options.mode);
}

function removeSync(path, options = {}) {
  call(ops.fs_remove, pathOf(path), !!options.recursive);
}

function* readDirSync(path) {
  const flat = call(ops.fs_read_dir, pathOf(path));
  for (let i = 0; i < flat.length; i += 2) {
    const kind = flat[i + 1];
    yield { name: flat[i], isFile: kind === 0, isDirectory: kind === 1, isSymlink: kind === 2 };
  }
}

async function* readDir(path) {
  yield* readDirSync(path);
}

const makeTempFileSync = (options = {}) =>
  call(ops.fs_make_temp, options.dir === undefined ? undefined : pathOf(options.dir), options.prefix, options.suffix, false);
const makeTempDirSync = (options = {}) =>
  call(ops.fs_make_temp, options.dir === undefined ? undefined : pathOf(options.dir), options.prefix, options.suffix, true);

function renameSync(from, to) {
  call(ops.fs_rename, pathOf(from), pathOf(to));
}

export const SeekMode = Object.freeze({ Start: 0, Current: 1, End: 2, 0: "Start", 1: "Current", 2: "End" });

export class FsFile {
  #rid;
  #readable;
  #writable;
  #activity;
  constructor(rid, key) {
    if (key !== FsFile.#key) throw new TypeError("`Deno.FsFile` cannot be constructed, use `Deno.open()` or `Deno.openSync()` instead.");
    this.#rid = rid;
    this.#activity = begin("resource", "fsFile"); // `sbfn test`'s resource sanitizer
  }
  static #key = Symbol("FsFile");
  static _open(rid) {
    return new FsFile(rid, FsFile.#key);
  }
  readSync(p) {
    const n = call(ops.fs_fd_read, this.#rid, p);
    return n === 0 && p.byteLength > 0 ? null : n;
  }
  async read(p) {
    return this.readSync(p);
  }
  writeSync(p) {
    return call(ops.fs_fd_write, this.#rid, toBytes(p));
  }
  async write(p) {
    return this.writeSync(p);
  }
  seekSync(offset, whence) {
    return call(ops.fs_fd_seek, this.#rid, Number(offset), whence);
  }
  async seek(offset, whence) {
    return this.seekSync(offset, whence);
  }
  statSync() {
    return new FileInfo(call(ops.fs_fd_stat, this.#rid));
  }
  async stat() {
    return this.statSync();
  }
  close() {
    call(ops.fs_fd_close, this.#rid);
    end(this.#activity);
  }
  get readable() {
    this.#readable ??= new ReadableStream({
      pull: (controller) => {
        const buffer = new Uint8Array(64 * 1024);
        try {
          const n = this.readSync(buffer);
          if (n === null) {
            this.close();
            controller.close();
          } else {
            controller.enqueue(buffer.subarray(0, n));
          }
        } catch (error) {
          controller.error(error);
        }
      },
      cancel: () => this.close(),
    });
    return this.#readable;
  }
  get writable() {
    this.#writable ??= new WritableStream({
      write: (chunk) => writeAllSync(this, toBytes(chunk)),
      close: () => this.close(),
      abort: () => this.close(),
    });
    return this.#writable;
  }
}

function openSync(path, options = { read: true }) {
  const { read = false, write = false, append = false, truncate = false, create = false, createNew = false } = options;
  if ((create || createNew) && !write && !append) {
    throw new Error("'create' or 'createNew' options require 'write' or 'append' to be true");
  }
  if (!read && !write && !append) throw new TypeError("One of 'read', 'write' or 'append' must be true");
  const rid = call(ops.fs_open, pathOf(path), read, write, append, truncate, create, createNew, options.mode);
  return FsFile._open(rid);
}

// Made on first use: the snapshot evaluates this file before the Web globals exist.
let decoder;
let encoder;
const decode = (bytes) => (decoder ??= new TextDecoder()).decode(bytes);
const encode = (text) => (encoder ??= new TextEncoder()).encode(String(text));

export const fsApi = {
  readFileSync,
  readFile: async (path, options = {}) => {
    options.signal?.throwIfAborted();
    return readFileSync(path);
  },
  readTextFileSync: (path) => decode(readFileSync(path)),
  readTextFile: async (path, options = {}) => {
    options.signal?.throwIfAborted();
    return decode(readFileSync(path));
  },
  writeFileSync,
  writeFile,
  writeTextFileSync: (path, text, options) => writeFileSync(path, encode(text), options),
  writeTextFile: async (path, text, options = {}) => {
    if (text instanceof ReadableStream) return writeFile(path, text.pipeThrough(new TextEncoderStream()), options);
    return writeFileSync(path, encode(text), options);
  },
  statSync,
  stat: asyncOf(statSync),
  lstatSync,
  lstat: asyncOf(lstatSync),
  mkdirSync,
  mkdir: asyncOf(mkdirSync),
  removeSync,
  remove: asyncOf(removeSync),
  readDirSync,
  readDir,
  makeTempFileSync,
  makeTempFile: asyncOf(makeTempFileSync),
  makeTempDirSync,
  makeTempDir: asyncOf(makeTempDirSync),
  renameSync,
  rename: asyncOf(renameSync),
  openSync,
  open: asyncOf(openSync),
  FsFile,
  FileInfo,
  SeekMode,
};

export { errors, fromOpError };
