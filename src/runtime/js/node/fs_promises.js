// node:fs/promises (and fs.promises): the synchronous functions (fs_sync.js) as promises,
// and FileHandle over a file descriptor.
import * as sync from "./fs_sync.js";
import { loadBuiltin } from "./registry.js";
import { AbortError } from "./errors.js";

const promised = (fn) => async (...args) => fn(...args);

// A file opened by fs.promises.open: the fd, and promise forms of what can be done with it.
export class FileHandle {
  #fd;
  #fs;
  constructor(fd, fs) {
    this.#fd = fd;
    this.#fs = fs;
  }
  get fd() {
    return this.#fd;
  }
  async read(bufferOrOptions = undefined, offset = undefined, length = undefined, position = null) {
    let buffer = bufferOrOptions;
    if (!ArrayBuffer.isView(buffer)) {
      const options = bufferOrOptions ?? {};
      buffer = options.buffer ?? loadBuiltin("buffer").Buffer.alloc(16384);
      ({ offset = 0, length = buffer.byteLength - offset, position = null } = options);
    } else if (offset !== null && typeof offset === "object") {
      ({ offset = 0, length = buffer.byteLength - offset, position = null } = offset);
    }
    const bytesRead = sync.readSync(this.#fd, buffer, offset ?? 0, length ?? buffer.byteLength - (offset ?? 0), position);
    return { bytesRead, buffer };
  }
  async write(data, ...rest) {
    const bytesWritten = sync.writeSync(this.#fd, data, ...rest);
    return { bytesWritten, buffer: data };
  }
  async readFile(options = undefined) {
    return sync.readFileSync(this.#fd, options);
  }
  async writeFile(data, options = undefined) {
    return sync.writeFileSync(this.#fd, data, options);
  }
  async appendFile(data, options = undefined) {
    return sync.appendFileSync(this.#fd, data, options);
  }
  async stat(options = undefined) {
    return sync.fstatSync(this.#fd, options);
  }
  async chmod(mode) {
    return sync.fchmodSync(this.#fd, mode);
  }
  async utimes(atime, mtime) {
    return sync.futimesSync(this.#fd, atime, mtime);
  }
  async truncate(len = 0) {
    return sync.ftruncateSync(this.#fd, len);
  }
  async sync() {
    return sync.fsyncSync(this.#fd);
  }
  async datasync() {
    return sync.fsyncSync(this.#fd);
  }
  async close() {
    if (this.#fd === -1) return;
    const fd = this.#fd;
    this.#fd = -1;
    sync.closeSync(fd);
  }
  async *readLines(options = undefined) {
    const lines = loadBuiltin("readline").createInterface({ input: this.createReadStream(options), crlfDelay: Infinity });
    yield* lines;
  }
  createReadStream(options = undefined) {
    return this.#fs.createReadStream(null, { ...options, fd: this.#fd });
  }
  createWriteStream(options = undefined) {
    return this.#fs.createWriteStream(null, { ...options, fd: this.#fd });
  }
  readableWebStream() {
    return loadBuiltin("stream").Readable.toWeb(this.createReadStream({ autoClose: false }));
  }
  async [Symbol.asyncDispose ?? Symbol.for("nodejs.asyncDispose")]() {
    await this.close();
  }
}

export function createFsPromises(fs) {
  const promises = { constants: sync.constants };
  const names = [
    "access", "appendFile", "copyFile", "lstat", "mkdir", "mkdtemp", "readdir", "readFile",
    "realpath", "rename", "rm", "rmdir", "stat", "truncate", "unlink", "writeFile", "opendir",
    "cp", "chmod", "utimes", "lutimes",
  ];
  for (const name of names) promises[name] = promised(sync[`${name}Sync`]);
  // readFile/writeFile/appendFile take an AbortSignal: aborted before the (synchronous)
  // operation, they reject with an AbortError, as Node's do.
  for (const name of ["readFile", "writeFile", "appendFile"]) {
    const run = promises[name];
    promises[name] = async (...args) => {
      const options = args[name === "readFile" ? 1 : 2];
      const signal = typeof options === "object" && options !== null ? options.signal : undefined;
      if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
      return run(...args);
    };
  }
  // writeFile/appendFile also take a FileHandle.
  for (const name of ["readFile", "writeFile", "appendFile"]) {
    const byPath = promises[name];
    promises[name] = (target, ...args) => (target instanceof FileHandle ? target[name](...args) : byPath(target, ...args));
  }
  promises.open = async (path, flags = "r", mode = 0o666) => new FileHandle(sync.openSync(path, flags, mode), fs);
  for (const name of ["lchmod", "chown", "lchown", "link", "symlink", "readlink", "statfs"]) {
    const refuse = sync.refused(`promises.${name}`);
    promises[name] = async (...args) => refuse(...args);
  }
  promises.watch = sync.refused("promises.watch");
  promises.FileHandle = FileHandle;
  return promises;
}
