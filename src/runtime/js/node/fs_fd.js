// node:fs's file descriptors: small numbers standing for the ops' resource ids (or for a
// function's own file, held in memory), read and written at the file's offset or at a
// position, as pread/pwrite do.
import { host } from "./runtime.js";
import { invalidArgType, makeError } from "./errors.js";
import { fsCall, toNodeError, uvError } from "./fs_errors.js";
import { Buffer, bytesOf, openFlags, pathArg } from "./fs_args.js";
import { makeStats } from "./fs_stats.js";
import { modeArg, readPath, statSync, timeArg, truncatePath } from "./fs_sync.js";

// Node's fds are small numbers; behind each is the ops' resource id. 0-2 are the worker's
// standard streams: writes to 1 and 2 reach its log, as process.stdout/stderr's do.
const files = new Map();
let nextFd = 3;

export function fileOf(fd, syscall) {
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

export function writeAll(file, bytes) {
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

export function fchmodSync(fd, mode) {
  const file = fileOf(fd, "fchmod");
  if (file.bytes !== undefined) throw uvError("EPERM", "fchmod");
  fsCall("fchmod", undefined, host.ops.fs_chmod, file.path, modeArg(mode));
}

export function futimesSync(fd, atime, mtime) {
  const file = fileOf(fd, "futime");
  if (file.bytes !== undefined) throw uvError("EPERM", "futime");
  fsCall("futime", undefined, host.ops.fs_utime, file.path, timeArg(atime, "atime"), timeArg(mtime, "mtime"));
}
