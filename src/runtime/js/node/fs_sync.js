// node:fs's synchronous functions, over the same ops as Deno.readFile and friends
// (deno_fs.js): a function reads its own folder and /tmp, and writes only in /tmp
// (tmp_fs.hpp); what the ops refuse is refused here too, as a Node error (fs_errors.js).
// The callback and promise forms (fs.js, fs_promises.js) call these.
import { host } from "./runtime.js";
import { invalidArgType, invalidArgValue, makeError, validateFunction } from "./errors.js";
import { fsCall, toNodeError, uvError } from "./fs_errors.js";
import { loadBuiltin } from "./registry.js";

export const constants = Object.freeze({
  UV_FS_SYMLINK_DIR: 1,
  UV_FS_SYMLINK_JUNCTION: 2,
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  UV_DIRENT_UNKNOWN: 0,
  UV_DIRENT_FILE: 1,
  UV_DIRENT_DIR: 2,
  UV_DIRENT_LINK: 3,
  UV_DIRENT_FIFO: 4,
  UV_DIRENT_SOCKET: 5,
  UV_DIRENT_CHAR: 6,
  UV_DIRENT_BLOCK: 7,
  S_IFMT: 0o170000,
  S_IFREG: 0o100000,
  S_IFDIR: 0o040000,
  S_IFCHR: 0o020000,
  S_IFBLK: 0o060000,
  S_IFIFO: 0o010000,
  S_IFLNK: 0o120000,
  S_IFSOCK: 0o140000,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  UV_FS_O_FILEMAP: 0,
  O_NOCTTY: 0o400,
  O_TRUNC: 0o1000,
  O_APPEND: 0o2000,
  O_DIRECTORY: 0o200000,
  O_NOATIME: 0o1000000,
  O_NOFOLLOW: 0o400000,
  O_SYNC: 0o4010000,
  O_DSYNC: 0o10000,
  O_DIRECT: 0o40000,
  O_NONBLOCK: 0o4000,
  S_IRWXU: 0o700,
  S_IRUSR: 0o400,
  S_IWUSR: 0o200,
  S_IXUSR: 0o100,
  S_IRWXG: 0o70,
  S_IRGRP: 0o40,
  S_IWGRP: 0o20,
  S_IXGRP: 0o10,
  S_IRWXO: 0o7,
  S_IROTH: 0o4,
  S_IWOTH: 0o2,
  S_IXOTH: 0o1,
  F_OK: 0,
  R_OK: 4,
  W_OK: 2,
  X_OK: 1,
  UV_FS_COPYFILE_EXCL: 1,
  COPYFILE_EXCL: 1,
  UV_FS_COPYFILE_FICLONE: 2,
  COPYFILE_FICLONE: 2,
  UV_FS_COPYFILE_FICLONE_FORCE: 4,
  COPYFILE_FICLONE_FORCE: 4,
});

const Buffer = () => loadBuiltin("buffer").Buffer;

// --- arguments ----------------------------------------------------------------------

// A path argument (string, Buffer or file: URL) as the string the ops take.
export function pathArg(path, name = "path") {
  if (typeof path === "string") return path;
  if (path instanceof Uint8Array) return new host.TextDecoder().decode(path);
  if (path instanceof host.URL || (path !== null && typeof path === "object" && typeof path.href === "string" && path.protocol !== undefined)) {
    if (path.protocol !== "file:") throw makeError(TypeError, "ERR_INVALID_URL_SCHEME", "The URL must be of scheme file");
    return decodeURIComponent(path.pathname);
  }
  throw invalidArgType(name, ["string", "Buffer", "URL"], path);
}

function encodingOf(options, fallback = undefined) {
  if (typeof options === "string") return options;
  if (options !== null && typeof options === "object" && options.encoding != null) return options.encoding;
  return fallback;
}

// Data to write (string in `encoding`, Buffer, any TypedArray or DataView) as bytes.
export function bytesOf(data, encoding = "utf8", name = "data") {
  if (typeof data === "string") return Buffer().from(data, encoding ?? "utf8");
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw invalidArgType(name, ["string", "Buffer", "TypedArray", "DataView"], data);
}

function decodeAs(bytes, encoding) {
  const buffer = Buffer().from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return encoding === undefined || encoding === null || encoding === "buffer" ? buffer : buffer.toString(encoding);
}

// Node's open flags ("r", "wx+", or O_* bits) as the ops' open options.
export function openFlags(flags = "r") {
  if (typeof flags === "number") {
    const access = flags & 3;
    return {
      read: access === 0 || access === 2,
      write: access !== 0,
      append: (flags & constants.O_APPEND) !== 0,
      truncate: (flags & constants.O_TRUNC) !== 0,
      create: (flags & constants.O_CREAT) !== 0,
      createNew: (flags & constants.O_CREAT) !== 0 && (flags & constants.O_EXCL) !== 0,
    };
  }
  const table = {
    r: [true, false, false, false, false],
    rs: [true, false, false, false, false],
    sr: [true, false, false, false, false],
    "r+": [true, true, false, false, false],
    "rs+": [true, true, false, false, false],
    "sr+": [true, true, false, false, false],
    w: [false, true, false, true, true],
    "w+": [true, true, false, true, true],
    a: [false, false, true, false, true],
    as: [false, false, true, false, true],
    sa: [false, false, true, false, true],
    "a+": [true, false, true, false, true],
    "as+": [true, false, true, false, true],
    "sa+": [true, false, true, false, true],
  };
  const exclusive = typeof flags === "string" && flags.includes("x");
  const row = table[typeof flags === "string" ? flags.replace("x", "") : ""];
  if (row === undefined || (exclusive && !"wa".includes(flags[0]))) {
    throw invalidArgValue("flags", flags);
  }
  const [read, write, append, truncate, create] = row;
  return { read, write: write || append, append, truncate, create, createNew: exclusive };
}

// --- Stats and Dirent ---------------------------------------------------------------

// The ops' stat array: [mode, size, mtime, atime, ctime, dev, ino, nlink, uid, gid, rdev,
// blksize, blocks], times in milliseconds.
function statFields(values) {
  const [mode, size, mtimeMs, atimeMs, ctimeMs, dev, ino, nlink, uid, gid, rdev, blksize, blocks] = values;
  return { dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, atimeMs, mtimeMs, ctimeMs, birthtimeMs: ctimeMs };
}

class StatsBase {
  isFile() {
    return (Number(this.mode) & constants.S_IFMT) === constants.S_IFREG;
  }
  isDirectory() {
    return (Number(this.mode) & constants.S_IFMT) === constants.S_IFDIR;
  }
  isSymbolicLink() {
    return (Number(this.mode) & constants.S_IFMT) === constants.S_IFLNK;
  }
  isBlockDevice() {
    return (Number(this.mode) & constants.S_IFMT) === constants.S_IFBLK;
  }
  isCharacterDevice() {
    return (Number(this.mode) & constants.S_IFMT) === constants.S_IFCHR;
  }
  isFIFO() {
    return (Number(this.mode) & constants.S_IFMT) === constants.S_IFIFO;
  }
  isSocket() {
    return (Number(this.mode) & constants.S_IFMT) === constants.S_IFSOCK;
  }
}

export class Stats extends StatsBase {
  constructor(values) {
    super();
    Object.assign(this, statFields(values));
    // The file system does not record a birth time the ops read: ctime stands in.
    this.atime = new Date(this.atimeMs);
    this.mtime = new Date(this.mtimeMs);
    this.ctime = new Date(this.ctimeMs);
    this.birthtime = new Date(this.birthtimeMs);
  }
}

export class BigIntStats extends StatsBase {
  constructor(values) {
    super();
    for (const [key, value] of Object.entries(statFields(values))) this[key] = BigInt(Math.floor(value));
    for (const key of ["atime", "mtime", "ctime", "birthtime"]) {
      const ms = statFields(values)[`${key}Ms`];
      this[`${key}Ns`] = BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.round((ms % 1) * 1e6));
      this[key] = new Date(ms);
    }
  }
}

const kType = Symbol("type");

export class Dirent {
  constructor(name, type, parentPath) {
    this.name = name;
    this.parentPath = parentPath;
    this.path = parentPath; // deprecated alias Node still sets
    this[kType] = type;
  }
  isFile() {
    return this[kType] === constants.UV_DIRENT_FILE;
  }
  isDirectory() {
    return this[kType] === constants.UV_DIRENT_DIR;
  }
  isSymbolicLink() {
    return this[kType] === constants.UV_DIRENT_LINK;
  }
  isBlockDevice() {
    return this[kType] === constants.UV_DIRENT_BLOCK;
  }
  isCharacterDevice() {
    return this[kType] === constants.UV_DIRENT_CHAR;
  }
  isFIFO() {
    return this[kType] === constants.UV_DIRENT_FIFO;
  }
  isSocket() {
    return this[kType] === constants.UV_DIRENT_SOCKET;
  }
}

function makeStats(values, options) {
  return options?.bigint ? new BigIntStats(values) : new Stats(values);
}

// --- file descriptors ---------------------------------------------------------------

// Node's fds are small numbers; behind each is the ops' resource id. 0-2 are the worker's
// standard streams: writes to 1 and 2 reach its log, as process.stdout/stderr's do.
const files = new Map();
let nextFd = 3;

function fileOf(fd, syscall) {
  if (typeof fd !== "number" || !Number.isInteger(fd) || fd < 0 || fd > 2147483647) throw invalidArgType("fd", "number", fd);
  const file = files.get(fd);
  if (file === undefined) throw uvError("EBADF", syscall);
  return file;
}

export function openSync(path, flags = "r", mode = 0o666) {
  const name = pathArg(path);
  const { read, write, append, truncate, create, createNew } = openFlags(flags ?? "r");
  let file;
  try {
    file = { rid: host.ops.fs_open(name, read, write, append, truncate, create, createNew, typeof mode === "string" ? parseInt(mode, 8) : mode), path: name };
  } catch (error) {
    // The ops give no handle on the function's own files (they may live in a bundle, not
    // on disk), only their whole contents: a read-only fd on one holds them in memory.
    if (write || error?.name !== "PermissionDenied") throw toNodeError(error, "open", name);
    file = { bytes: readPath(name), position: 0, path: name };
  }
  const fd = nextFd++;
  files.set(fd, file);
  return fd;
}

// A read from an fd of the function's own files (see openSync).
function readMemory(file, target, position) {
  const from = position === null || position === undefined || position === -1 ? file.position : Number(position);
  const n = Math.max(0, Math.min(target.byteLength, file.bytes.byteLength - from));
  target.set(file.bytes.subarray(from, from + n));
  if (position === null || position === undefined || position === -1) file.position += n;
  return n;
}

export function closeSync(fd) {
  const file = fileOf(fd, "close");
  files.delete(fd);
  if (file.rid !== undefined) fsCall("close", undefined, host.ops.fs_fd_close, file.rid);
}

// Runs `fn` with the file at `position` (a number), then puts the file's own offset back:
// positioned reads and writes leave it where it was, as pread/pwrite do.
function atPosition(file, position, syscall, fn) {
  if (position === null || position === undefined || position === -1 || position === -1n) return fn();
  const saved = fsCall(syscall, undefined, host.ops.fs_fd_seek, file.rid, 0, 1);
  fsCall(syscall, undefined, host.ops.fs_fd_seek, file.rid, Number(position), 0);
  try {
    return fn();
  } finally {
    fsCall(syscall, undefined, host.ops.fs_fd_seek, file.rid, saved, 0);
  }
}

// readSync(fd, buffer, offset?, length?, position?) or readSync(fd, buffer, {offset, length, position})
export function readSync(fd, buffer, offsetOrOptions = undefined, length = undefined, position = null) {
  const file = fileOf(fd, "read");
  if (!ArrayBuffer.isView(buffer)) throw invalidArgType("buffer", ["Buffer", "TypedArray", "DataView"], buffer);
  let offset = offsetOrOptions;
  if (offsetOrOptions !== null && typeof offsetOrOptions === "object") {
    ({ offset = 0, length = buffer.byteLength - offset, position = null } = offsetOrOptions);
  }
  offset ??= 0;
  length ??= buffer.byteLength - offset;
  if (offset < 0 || offset > buffer.byteLength) throw outOfRangeError("offset", `>= 0 && <= ${buffer.byteLength}`, offset);
  if (length < 0 || offset + length > buffer.byteLength) throw outOfRangeError("length", `>= 0 && <= ${buffer.byteLength - offset}`, length);
  if (length === 0) return 0;
  const target = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);
  if (file.bytes !== undefined) return readMemory(file, target, position);
  return atPosition(file, position, "read", () => fsCall("read", undefined, host.ops.fs_fd_read, file.rid, target));
}

function outOfRangeError(name, range, value) {
  return makeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "${name}" is out of range. It must be ${range}. Received ${value}`);
}

function writeAll(file, bytes) {
  let written = 0;
  while (written < bytes.length) written += fsCall("write", undefined, host.ops.fs_fd_write, file.rid, bytes.subarray(written));
  return written;
}

// writeSync(fd, buffer, offset?, length?, position?) or writeSync(fd, string, position?, encoding?)
export function writeSync(fd, data, offsetOrPosition = undefined, lengthOrEncoding = undefined, position = null) {
  if (fd === 1 || fd === 2) {
    const text = typeof data === "string" ? data : new host.TextDecoder().decode(bytesOf(data, "utf8", "buffer"));
    host.ops.print(text, fd);
    return typeof data === "string" ? Buffer().byteLength(data) : data.byteLength;
  }
  const file = fileOf(fd, "write");
  if (file.bytes !== undefined) throw uvError("EBADF", "write"); // opened read-only
  let bytes;
  if (typeof data === "string") {
    bytes = bytesOf(data, typeof lengthOrEncoding === "string" ? lengthOrEncoding : "utf8");
    position = offsetOrPosition;
  } else {
    const all = bytesOf(data, "utf8", "buffer");
    let offset = offsetOrPosition;
    let length = lengthOrEncoding;
    if (offset !== null && typeof offset === "object") ({ offset = 0, length = all.byteLength - offset, position = null } = offset);
    offset ??= 0;
    length ??= all.byteLength - offset;
    bytes = all.subarray(offset, offset + length);
  }
  return atPosition(file, position, "write", () => writeAll(file, bytes));
}

export function fstatSync(fd, options = undefined) {
  const file = fileOf(fd, "fstat");
  if (file.bytes !== undefined) return statSync(file.path, options);
  return makeStats(fsCall("fstat", undefined, host.ops.fs_fd_stat, file.rid), options);
}

export function ftruncateSync(fd, len = 0) {
  const file = fileOf(fd, "ftruncate");
  truncatePath(file.path, len, "ftruncate");
}

export function fsyncSync(fd) {
  fileOf(fd, "fsync"); // the ops write through to the file: nothing is buffered here
}

// --- whole files --------------------------------------------------------------------

function readPath(path, syscall = "open") {
  if (path === "") throw uvError("ENOENT", syscall, path);
  try {
    // A file in /tmp is read directly; undefined means "not under /tmp": the function's
    // folder is read through the worker's source provider (op_fs.cpp), as Deno.readFile does.
    return host.ops.fs_read_tmp(path) ?? host.ops.read_file(path);
  } catch (error) {
    if (error?.name === "Error" && error.code === undefined && /is a directory/i.test(error.message)) {
      throw uvError("EISDIR", "read", undefined);
    }
    throw toNodeError(error, syscall, path);
  }
}

function readFd(fd) {
  const file = fileOf(fd, "read");
  if (file.bytes !== undefined) {
    const rest = file.bytes.subarray(file.position);
    file.position = file.bytes.byteLength;
    return Buffer().from(rest);
  }
  const chunks = [];
  let total = 0;
  for (;;) {
    const chunk = new Uint8Array(64 * 1024);
    const n = fsCall("read", undefined, host.ops.fs_fd_read, file.rid, chunk);
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
  }
  return Buffer().concat(chunks, total);
}

export function readFileSync(path, options = undefined) {
  const encoding = encodingOf(options);
  const flag = typeof options === "object" && options !== null ? options.flag : undefined;
  if (typeof path === "number") return decodeAs(readFd(path), encoding);
  const name = pathArg(path);
  if (flag !== undefined && flag !== "r") {
    const fd = openSync(name, flag);
    try {
      return decodeAs(readFd(fd), encoding);
    } finally {
      closeSync(fd);
    }
  }
  const bytes = readPath(name);
  if (bytes === undefined) {
    // The source provider found nothing to read: a folder, or a path it refuses.
    statSync(name);
    throw uvError("EISDIR", "read");
  }
  return decodeAs(bytes, encoding);
}

function writeFlags(options, fallback) {
  const flag = typeof options === "object" && options !== null && options.flag !== undefined ? options.flag : fallback;
  return openFlags(flag);
}

function modeOf(options) {
  const mode = typeof options === "object" && options !== null ? options.mode : undefined;
  return typeof mode === "string" ? parseInt(mode, 8) : mode;
}

function writeWhole(path, data, options, fallbackFlag) {
  const bytes = bytesOf(data, encodingOf(options, "utf8"));
  if (path === 1 || path === 2) {
    writeSync(path, bytes);
    return;
  }
  if (typeof path === "number") {
    writeAll(fileOf(path, "write"), bytes);
    return;
  }
  const name = pathArg(path);
  const { append, create, createNew } = writeFlags(options, fallbackFlag);
  fsCall("open", name, host.ops.fs_write_file, name, bytes, append, create, createNew, modeOf(options));
}

export function writeFileSync(path, data, options = undefined) {
  writeWhole(path, data, options, "w");
}

export function appendFileSync(path, data, options = undefined) {
  writeWhole(path, data, options, "a");
}

function truncatePath(name, len = 0, syscall = "open") {
  const current = readFileSync(name);
  const out = new Uint8Array(len);
  out.set(current.subarray(0, Math.min(len, current.length)));
  fsCall(syscall, name, host.ops.fs_write_file, name, out, false, false, false, undefined);
}

export function truncateSync(path, len = 0) {
  if (typeof path === "number") return ftruncateSync(path, len);
  truncatePath(pathArg(path), len);
}

export function copyFileSync(src, dest, mode = 0) {
  const from = pathArg(src, "src");
  const to = pathArg(dest, "dest");
  let bytes;
  try {
    bytes = readPath(from, "copyfile");
  } catch (error) {
    if (error?.syscall) throw uvError(error.code, "copyfile", from, to);
    throw error;
  }
  try {
    host.ops.fs_write_file(to, bytes, false, true, (mode & constants.COPYFILE_EXCL) !== 0, undefined);
  } catch (error) {
    throw toNodeError(error, "copyfile", from, to);
  }
}

// --- metadata and folders -----------------------------------------------------------

export function statSync(path, options = undefined) {
  const name = pathArg(path);
  if (name === "") {
    if (options?.throwIfNoEntry === false) return undefined;
    throw uvError("ENOENT", "stat", name);
  }
  try {
    return makeStats(host.ops.fs_stat(name, false), options);
  } catch (error) {
    const nodeError = toNodeError(error, "stat", name);
    if (options?.throwIfNoEntry === false && nodeError?.code === "ENOENT") return undefined;
    throw nodeError;
  }
}

export function lstatSync(path, options = undefined) {
  const name = pathArg(path);
  if (name === "") {
    if (options?.throwIfNoEntry === false) return undefined;
    throw uvError("ENOENT", "lstat", name);
  }
  try {
    return makeStats(host.ops.fs_stat(name, true), options);
  } catch (error) {
    const nodeError = toNodeError(error, "lstat", name);
    if (options?.throwIfNoEntry === false && nodeError?.code === "ENOENT") return undefined;
    throw nodeError;
  }
}

export function existsSync(path) {
  try {
    const name = pathArg(path);
    if (name === "") return false; // the ops would read "" as the working folder
    host.ops.fs_stat(name, false);
    return true;
  } catch {
    return false;
  }
}

export function accessSync(path, mode = constants.F_OK) {
  const name = pathArg(path);
  const stats = fsCall("access", name, host.ops.fs_stat, name, false);
  const kind = stats[0] & constants.S_IFMT;
  if (mode & constants.X_OK && (stats[0] & 0o111) === 0) throw uvError("EACCES", "access", name);
  if (mode & constants.W_OK) {
    // Writable is what a function may write: /tmp. A file is tried by opening it for
    // writing (no create, no truncate: nothing changes); a folder by where it lives.
    if (kind === constants.S_IFDIR) {
      const real = realpathSync(name);
      if (real !== "/tmp" && !real.startsWith("/tmp/")) throw uvError("EACCES", "access", name);
    } else {
      const rid = fsCall("access", name, host.ops.fs_open, name, false, true, false, false, false, false, undefined);
      host.ops.fs_fd_close(rid);
    }
  }
}

// The entries of folder `name`: [name, kind] pairs, kind 0 file, 1 folder, 2 symlink.
function entriesOf(name) {
  const flat = fsCall("scandir", name, host.ops.fs_read_dir, name);
  const out = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

const direntType = [constants.UV_DIRENT_FILE, constants.UV_DIRENT_DIR, constants.UV_DIRENT_LINK];

export function readdirSync(path, options = undefined) {
  const root = pathArg(path);
  const encoding = encodingOf(options, "utf8");
  const withFileTypes = !!options?.withFileTypes;
  const recursive = !!options?.recursive;
  const out = [];
  const walk = (folder, prefix) => {
    for (const [name, kind] of entriesOf(folder)) {
      const relative = prefix === "" ? name : `${prefix}/${name}`;
      if (withFileTypes) out.push(new Dirent(name, direntType[kind] ?? constants.UV_DIRENT_UNKNOWN, folder));
      else out.push(encoding === "buffer" ? Buffer().from(relative) : relative);
      if (recursive && kind === 1) walk(`${folder}/${name}`, relative);
    }
  };
  walk(root, "");
  if (!withFileTypes && !recursive) out.sort();
  return out;
}

export function mkdirSync(path, options = undefined) {
  const name = pathArg(path);
  const recursive = typeof options === "object" && options !== null && !!options.recursive;
  const mode = typeof options === "number" || typeof options === "string" ? options : options?.mode;
  let first;
  if (recursive) {
    // Node returns the first folder it had to make (undefined when all existed).
    const parts = resolvePath(name).split("/");
    for (let i = 2; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join("/") || "/";
      if (!existsSync(prefix)) {
        first = prefix;
        break;
      }
    }
  }
  fsCall("mkdir", name, host.ops.fs_mkdir, name, recursive, typeof mode === "string" ? parseInt(mode, 8) : mode);
  return first;
}

export function mkdtempSync(prefix, options = undefined) {
  if (typeof prefix !== "string") throw invalidArgType("prefix", "string", prefix);
  const slash = prefix.lastIndexOf("/");
  const dir = slash < 0 ? "." : prefix.slice(0, slash) || "/";
  const made = fsCall("mkdtemp", `${prefix}XXXXXX`, host.ops.fs_make_temp, dir, prefix.slice(slash + 1), undefined, true);
  return encodingOf(options) === "buffer" ? Buffer().from(made) : made;
}

function kindOf(name, syscall) {
  return fsCall(syscall, name, host.ops.fs_stat, name, true)[0] & constants.S_IFMT;
}

export function unlinkSync(path) {
  const name = pathArg(path);
  if (kindOf(name, "unlink") === constants.S_IFDIR) throw uvError("EISDIR", "unlink", name);
  fsCall("unlink", name, host.ops.fs_remove, name, false);
}

export function rmdirSync(path, options = undefined) {
  const name = pathArg(path);
  if (kindOf(name, "rmdir") !== constants.S_IFDIR) throw uvError("ENOTDIR", "rmdir", name);
  fsCall("rmdir", name, host.ops.fs_remove, name, !!options?.recursive);
}

export function rmSync(path, options = undefined) {
  const name = pathArg(path);
  let kind;
  try {
    kind = kindOf(name, "rm");
  } catch (error) {
    if (options?.force && error.code === "ENOENT") return;
    throw error;
  }
  if (kind === constants.S_IFDIR && !options?.recursive) {
    const error = makeError(Error, "ERR_FS_EISDIR", `Path is a directory: rm returned EISDIR (is a directory) ${name}`);
    Object.assign(error, { errno: 21, syscall: "rm", path: name });
    throw error;
  }
  fsCall("rm", name, host.ops.fs_remove, name, !!options?.recursive);
}

export function renameSync(oldPath, newPath) {
  const from = pathArg(oldPath, "oldPath");
  const to = pathArg(newPath, "newPath");
  try {
    host.ops.fs_rename(from, to);
  } catch (error) {
    throw toNodeError(error, "rename", from, to);
  }
}

// An absolute, normalized form of `name` (relative to the worker's cwd).
function resolvePath(name) {
  const absolute = name.startsWith("/") ? name : `${host.ops.cwd()}/${name}`;
  const parts = [];
  for (const part of absolute.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}

// The path, absolute and normalized, once it is known to exist. Symbolic links are not
// resolved in the name: a function cannot make them (no symlink op), and the ops follow
// those its own folder holds when it reads through them.
export function realpathSync(path, options = undefined) {
  const name = pathArg(path);
  fsCall("realpath", name, host.ops.fs_stat, name, false);
  const real = resolvePath(name);
  return encodingOf(options) === "buffer" ? Buffer().from(real) : real;
}
realpathSync.native = realpathSync;

// fs.Dir: a folder's entries, read one at a time (read at opendir: the ops list a folder whole).
export class Dir {
  #entries;
  #closed = false;
  constructor(path, entries) {
    this.path = path;
    this.#entries = entries;
  }
  #check() {
    if (this.#closed) throw makeError(Error, "ERR_DIR_CLOSED", "Directory handle was closed");
  }
  readSync() {
    this.#check();
    return this.#entries.shift() ?? null;
  }
  read(callback = undefined) {
    if (typeof callback === "function") {
      let entry;
      let failure = null;
      try {
        entry = this.readSync();
      } catch (error) {
        failure = error;
      }
      queueMicrotask(() => (failure ? callback(failure) : callback(null, entry)));
      return undefined;
    }
    return new Promise((resolve) => resolve(this.readSync()));
  }
  closeSync() {
    this.#check();
    this.#closed = true;
  }
  close(callback = undefined) {
    const result = new Promise((resolve) => resolve(this.closeSync()));
    if (typeof callback === "function") result.then(() => callback(null), callback);
    else return result;
  }
  async *entries() {
    try {
      for (let entry = this.readSync(); entry !== null; entry = this.readSync()) yield entry;
    } finally {
      if (!this.#closed) this.closeSync();
    }
  }
  [Symbol.asyncIterator]() {
    return this.entries();
  }
}

export function opendirSync(path, options = undefined) {
  const name = pathArg(path);
  try {
    return new Dir(name, readdirSync(name, { withFileTypes: true, recursive: !!options?.recursive }));
  } catch (error) {
    throw error?.syscall === "scandir" ? uvError(error.code, "opendir", name) : error;
  }
}

// cpSync(src, dest, {recursive, force, errorOnExist, filter}): files and folders, copied
// with copyFile and mkdir (so by the same rules).
export function cpSync(src, dest, options = undefined) {
  const from = pathArg(src, "src");
  const to = pathArg(dest, "dest");
  const { recursive = false, force = true, errorOnExist = false, filter } = options ?? {};
  if (typeof filter === "function" && !filter(from, to)) return;
  const stats = lstatSync(from);
  if (stats.isDirectory()) {
    if (!recursive) {
      const error = makeError(Error, "ERR_FS_EISDIR", `Recursive option is required to copy a directory: ${from}`);
      Object.assign(error, { errno: 21, syscall: "cp", path: from });
      throw error;
    }
    mkdirSync(to, { recursive: true });
    for (const [name] of entriesOf(from)) cpSync(`${from}/${name}`, `${to}/${name}`, options);
    return;
  }
  if (existsSync(to) && !force) {
    if (errorOnExist) {
      const error = makeError(Error, "ERR_FS_CP_EEXIST", `Target already exists: cp returned EEXIST (${to} already exists)`);
      Object.assign(error, { errno: 17, syscall: "cp", path: to });
      throw error;
    }
    return;
  }
  copyFileSync(from, to);
}

// Modes and times can be changed in /tmp (the ops refuse them elsewhere).
function modeArg(mode) {
  if (typeof mode === "string" && /^[0-7]+$/.test(mode)) return parseInt(mode, 8);
  if (typeof mode !== "number" || !Number.isInteger(mode)) throw invalidArgType("mode", ["number", "string"], mode);
  return mode;
}

export function chmodSync(path, mode) {
  const name = pathArg(path);
  fsCall("chmod", name, host.ops.fs_chmod, name, modeArg(mode));
}

export function fchmodSync(fd, mode) {
  const file = fileOf(fd, "fchmod");
  if (file.bytes !== undefined) throw uvError("EPERM", "fchmod");
  fsCall("fchmod", undefined, host.ops.fs_chmod, file.path, modeArg(mode));
}

// Seconds, as Node takes times: a number, a numeric string or a Date.
function timeArg(time, name) {
  if (time instanceof Date) return time.getTime() / 1000;
  if (typeof time === "number") return time;
  if (typeof time === "string" && time.trim() !== "" && Number.isFinite(Number(time))) return Number(time);
  throw invalidArgType(name, ["Date", "number", "string"], time);
}

export function utimesSync(path, atime, mtime) {
  const name = pathArg(path);
  fsCall("utime", name, host.ops.fs_utime, name, timeArg(atime, "atime"), timeArg(mtime, "mtime"));
}

export function futimesSync(fd, atime, mtime) {
  const file = fileOf(fd, "futime");
  if (file.bytes !== undefined) throw uvError("EPERM", "futime");
  fsCall("futime", undefined, host.ops.fs_utime, file.path, timeArg(atime, "atime"), timeArg(mtime, "mtime"));
}

// No symbolic link can be made (see realpathSync): lutimes sets the times of the file.
export const lutimesSync = utimesSync;

// --- what a function may not do -----------------------------------------------------

// chown, links, watch: the ops give functions no way to do them (Supabase's
// user workers cannot either); each throws this when called.
export function refused(name) {
  return function notSupported() {
    throw makeError(Error, "ERR_NOT_SUPPORTED", `fs.${name} is not supported in Supabase Edge Functions`);
  };
}

export { validateFunction };
