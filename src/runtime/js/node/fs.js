// node:fs: the synchronous functions (fs_sync.js), their callback forms, file streams and
// fs.promises. The ops are synchronous (local files, as Deno.readFile's are here), so a
// callback form runs the operation and calls back on a later microtask, as Node calls back
// on a later turn.
import * as sync from "./fs_sync.js";
import { validateFunction } from "./errors.js";
import { loadBuiltin } from "./registry.js";
import { createFsPromises } from "./fs_promises.js";

// fn(...args, callback) running `syncFn(...args)`; callback(error, result).
function callbackForm(syncFn) {
  return function (...args) {
    const callback = args.pop();
    validateFunction(callback, "cb");
    let result;
    let failure = null;
    try {
      result = syncFn(...args);
    } catch (error) {
      failure = error;
    }
    queueMicrotask(() => (failure ? callback(failure) : callback(null, result)));
  };
}

// Only what may be refused is refused: the names Node has that the ops cannot do.
const refusedNames = [
  "lchmod", "chown", "fchown", "lchown", "link", "symlink", "readlink", "statfs",
];

function createStreams() {
  const { Readable, Writable } = loadBuiltin("stream");
  const { Buffer } = loadBuiltin("buffer");

  // A file stream's descriptor, closed with the stream unless the stream was told not to.
  function closeStreamFd(stream) {
    if (stream.fd === null || !stream.autoClose) return;
    try {
      sync.closeSync(stream.fd);
    } catch {
      // already closed by its owner
    }
    stream.fd = null;
  }

  // fs.ReadStream: reads `path` (or `fd`) from `start` to `end` (inclusive) in chunks of
  // highWaterMark bytes.
  class ReadStream extends Readable {
    constructor(path, options = undefined) {
      if (typeof options === "string") options = { encoding: options };
      options = { ...options };
      super({ highWaterMark: options.highWaterMark ?? 64 * 1024, encoding: options.encoding, signal: options.signal, emitClose: options.emitClose ?? true, autoDestroy: options.autoDestroy ?? true });
      this.path = typeof path === "string" || path == null ? path : sync.pathArg(path);
      this.fd = options.fd ?? null;
      this.flags = options.flags ?? "r";
      this.mode = options.mode ?? 0o666;
      this.start = options.start;
      this.end = options.end ?? Infinity;
      this.pos = this.start;
      this.bytesRead = 0;
      this.autoClose = options.autoClose ?? true;
      this.pending = this.fd === null;
      if (this.fd === null) {
        this.#open();
      }
    }
    #open() {
      try {
        this.fd = sync.openSync(this.path, this.flags, this.mode);
        this.pending = false;
        queueMicrotask(() => {
          this.emit("open", this.fd);
          this.emit("ready");
        });
      } catch (error) {
        queueMicrotask(() => this.destroy(error));
      }
    }
    _read(size) {
      if (this.fd === null) return;
      const remaining = this.end === Infinity ? size : Math.min(size, this.end - (this.pos ?? this.bytesRead) + 1);
      if (remaining <= 0) {
        this.push(null);
        return;
      }
      let n;
      const buffer = Buffer.allocUnsafe(remaining);
      try {
        n = sync.readSync(this.fd, buffer, 0, remaining, this.pos ?? null);
      } catch (error) {
        this.destroy(error);
        return;
      }
      if (this.pos !== undefined) this.pos += n;
      this.bytesRead += n;
      this.push(n > 0 ? buffer.subarray(0, n) : null);
    }
    _destroy(error, callback) {
      closeStreamFd(this);
      callback(error);
    }
    close(callback) {
      if (typeof callback === "function") this.once("close", () => callback());
      this.destroy();
    }
  }

  // fs.WriteStream: writes to `path` (or `fd`), from `start` when given.
  class WriteStream extends Writable {
    constructor(path, options = undefined) {
      if (typeof options === "string") options = { encoding: options };
      options = { ...options };
      super({ highWaterMark: options.highWaterMark, decodeStrings: true, defaultEncoding: options.encoding ?? "utf8", signal: options.signal, emitClose: options.emitClose ?? true, autoDestroy: options.autoDestroy ?? true });
      this.path = typeof path === "string" || path == null ? path : sync.pathArg(path);
      this.fd = options.fd ?? null;
      this.flags = options.flags ?? "w";
      this.mode = options.mode ?? 0o666;
      this.start = options.start;
      this.pos = this.start;
      this.bytesWritten = 0;
      this.autoClose = options.autoClose ?? true;
      this.pending = this.fd === null;
      if (this.fd === null) {
        try {
          this.fd = sync.openSync(this.path, this.flags, this.mode);
          this.pending = false;
          queueMicrotask(() => {
            this.emit("open", this.fd);
            this.emit("ready");
          });
        } catch (error) {
          queueMicrotask(() => this.destroy(error));
        }
      }
    }
    _write(chunk, _encoding, callback) {
      try {
        const n = sync.writeSync(this.fd, chunk, 0, chunk.length, this.pos ?? null);
        if (this.pos !== undefined) this.pos += n;
        this.bytesWritten += n;
        callback();
      } catch (error) {
        callback(error);
      }
    }
    _destroy(error, callback) {
      closeStreamFd(this);
      callback(error);
    }
    close(callback) {
      if (typeof callback === "function") this.once("close", () => callback());
      if (this.writableEnded || this.destroyed) this.destroy();
      else this.end();
    }
    destroySoon() {
      this.end();
    }
  }

  return { ReadStream, WriteStream };
}

export function createFs() {
  const fs = {
    constants: sync.constants,
    F_OK: sync.constants.F_OK,
    R_OK: sync.constants.R_OK,
    W_OK: sync.constants.W_OK,
    X_OK: sync.constants.X_OK,
    Stats: sync.Stats,
    BigIntStats: sync.BigIntStats,
    Dirent: sync.Dirent,
    Dir: sync.Dir,
  };
  const syncNames = [
    "access", "appendFile", "close", "copyFile", "fstat", "fsync", "ftruncate", "lstat", "mkdir",
    "mkdtemp", "open", "readdir", "readFile", "realpath", "rename", "rm", "rmdir", "stat",
    "truncate", "unlink", "writeFile", "opendir", "cp", "chmod", "fchmod", "utimes", "futimes",
    "lutimes",
  ];
  for (const name of syncNames) {
    const syncFn = sync[`${name}Sync`];
    fs[`${name}Sync`] = syncFn;
    fs[name] = callbackForm(syncFn);
  }
  // close(fd[, callback]): the one whose callback Node lets callers leave out.
  const closeWithCallback = fs.close;
  fs.close = (fd, callback = () => {}) => closeWithCallback(fd, callback);
  fs.fdatasyncSync = sync.fsyncSync;
  fs.fdatasync = fs.fsync;
  fs.realpath.native = fs.realpath;
  fs.existsSync = sync.existsSync;
  // exists(path, callback(exists)): the one callback without an error first.
  fs.exists = (path, callback) => {
    validateFunction(callback, "cb");
    const exists = sync.existsSync(path);
    queueMicrotask(() => callback(exists));
  };
  fs.readSync = sync.readSync;
  fs.writeSync = sync.writeSync;
  // The callback form of a descriptor call: callback(error) or callback(null, count, bytes).
  const onDescriptor = (syncCall) => (fd, bytes, ...rest) => {
    const callback = rest.pop();
    validateFunction(callback, "cb");
    let result;
    let failure = null;
    try {
      result = syncCall(fd, bytes, ...rest);
    } catch (error) {
      failure = error;
    }
    queueMicrotask(() => (failure ? callback(failure) : callback(null, result, bytes)));
  };
  // read(fd, buffer, offset, length, position, callback(error, bytesRead, buffer))
  fs.read = onDescriptor(sync.readSync);
  // write(fd, data, ..., callback(error, written, data))
  fs.write = onDescriptor(sync.writeSync);
  // What util.promisify makes of the functions whose callbacks take several values.
  const kCustomPromisify = Symbol.for("nodejs.util.promisify.custom");
  fs.exists[kCustomPromisify] = (path) => new Promise((resolve) => fs.exists(path, resolve));
  fs.read[kCustomPromisify] = (fd, buffer, ...rest) =>
    new Promise((resolve, reject) => fs.read(fd, buffer, ...rest, (error, bytesRead, data) => (error ? reject(error) : resolve({ bytesRead, buffer: data }))));
  fs.write[kCustomPromisify] = (fd, data, ...rest) =>
    new Promise((resolve, reject) => fs.write(fd, data, ...rest, (error, bytesWritten, written) => (error ? reject(error) : resolve({ bytesWritten, buffer: written }))));
  for (const name of refusedNames) {
    fs[name] = sync.refused(name);
    fs[`${name}Sync`] = sync.refused(`${name}Sync`);
  }
  fs.watch = sync.refused("watch");
  fs.watchFile = sync.refused("watchFile");
  fs.unwatchFile = sync.refused("unwatchFile");

  // ReadStream and WriteStream stand in for the stream classes until one is made: the
  // streams package loads then (~10 ms), not when node:fs is imported (an import reads
  // every export). Their prototypes chain to the real classes', so `instanceof` and
  // subclasses work.
  let streams;
  const streamClasses = () => {
    if (streams === undefined) {
      streams = createStreams();
      for (const name of ["ReadStream", "WriteStream"]) {
        Object.setPrototypeOf(fs[name].prototype, streams[name].prototype);
        Object.setPrototypeOf(fs[name], streams[name]);
      }
    }
    return streams;
  };
  for (const name of ["ReadStream", "WriteStream"]) {
    const StandIn = {
      [name]: function (...args) {
        return Reflect.construct(streamClasses()[name], args, new.target ?? StandIn);
      },
    }[name];
    fs[name] = StandIn;
  }
  fs.createReadStream = (path, options) => new fs.ReadStream(path, options);
  fs.createWriteStream = (path, options) => new fs.WriteStream(path, options);

  let promises;
  Object.defineProperty(fs, "promises", { get: () => (promises ??= createFsPromises(fs)), enumerable: true, configurable: true });
  return fs;
}

