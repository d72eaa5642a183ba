// node:fs's folders: readdir, mkdir, mkdtemp, rmdir, rm, opendir (fs.Dir) and cp, over
// the ops' folder listing, mkdir and remove.
import { host } from "./runtime.js";
import { invalidArgType, makeError } from "./errors.js";
import { fsCall, uvError } from "./fs_errors.js";
import { constants } from "./fs_constants.js";
import { Buffer, encodingOf, pathArg } from "./fs_args.js";
import { Dirent } from "./fs_stats.js";
import { copyFileSync, existsSync, lstatSync, resolvePath } from "./fs_sync.js";

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
export function kindOf(name, syscall) {
  return fsCall(syscall, name, host.ops.fs_stat, name, true)[0] & constants.S_IFMT;
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
