// node:fs's synchronous functions, over the same ops as Deno.readFile and friends
// (deno_fs.js): a function reads its own folder and /tmp, and writes only in /tmp
// (tmp_fs.hpp); what the ops refuse is refused here too, as a Node error (fs_errors.js).
// Whole files and metadata here; file descriptors in fs_fd.js, folders in fs_folders.js.
// The callback and promise forms (fs.js, fs_promises.js) call these.
import { host } from "./runtime.js";
import { invalidArgType, makeError } from "./errors.js";
import { fsCall, toNodeError, uvError } from "./fs_errors.js";
import { constants } from "./fs_constants.js";
import { Buffer, bytesOf, decodeAs, encodingOf, openFlags, pathArg } from "./fs_args.js";
import { makeStats } from "./fs_stats.js";
import { closeSync, fileOf, ftruncateSync, openSync, writeAll, writeSync } from "./fs_fd.js";
import { kindOf } from "./fs_folders.js";

export { constants } from "./fs_constants.js";
export { pathArg, bytesOf, openFlags } from "./fs_args.js";
export { Stats, BigIntStats, Dirent } from "./fs_stats.js";
export * from "./fs_fd.js";
export * from "./fs_folders.js";

// --- whole files --------------------------------------------------------------------

export function readPath(path, syscall = "open") {
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

export function truncatePath(name, len = 0, syscall = "open") {
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
export function unlinkSync(path) {
  const name = pathArg(path);
  if (kindOf(name, "unlink") === constants.S_IFDIR) throw uvError("EISDIR", "unlink", name);
  fsCall("unlink", name, host.ops.fs_remove, name, false);
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
export function resolvePath(name) {
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

// Modes and times can be changed in /tmp (the ops refuse them elsewhere).
export function modeArg(mode) {
  if (typeof mode === "string" && /^[0-7]+$/.test(mode)) return parseInt(mode, 8);
  if (typeof mode !== "number" || !Number.isInteger(mode)) throw invalidArgType("mode", ["number", "string"], mode);
  return mode;
}

export function chmodSync(path, mode) {
  const name = pathArg(path);
  fsCall("chmod", name, host.ops.fs_chmod, name, modeArg(mode));
}

// Seconds, as Node takes times: a number, a numeric string or a Date.
export function timeArg(time, name) {
  if (time instanceof Date) return time.getTime() / 1000;
  if (typeof time === "number") return time;
  if (typeof time === "string" && time.trim() !== "" && Number.isFinite(Number(time))) return Number(time);
  throw invalidArgType(name, ["Date", "number", "string"], time);
}

export function utimesSync(path, atime, mtime) {
  const name = pathArg(path);
  fsCall("utime", name, host.ops.fs_utime, name, timeArg(atime, "atime"), timeArg(mtime, "mtime"));
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
