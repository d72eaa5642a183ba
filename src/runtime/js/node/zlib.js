// node:zlib over native zlib, brotli and zstd engines (api/op_node_zlib.cpp, ops.node_zlib_*).
// The stream classes are Transforms of this layer's node:stream; the one-shot functions
// drive an engine directly: the *Sync forms in one go, the callback forms in slices
// (IN_SLICE bytes of input or OUT_SLICE of output per native call) with the event loop
// turning between them, so a large input does not hold the worker's loop.
import { host } from "./runtime.js";
import { invalidArgType, makeError, outOfRange, validateFunction } from "./errors.js";
import { loadBuiltin } from "./registry.js";
import { codes, constants } from "./zlib_constants.js";

const IN_SLICE = 256 * 1024;
const OUT_SLICE = 1024 * 1024;

const {
  Z_NO_FLUSH, Z_BLOCK, Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_FINISH,
  Z_MIN_CHUNK, Z_DEFAULT_CHUNK, Z_DEFAULT_COMPRESSION, Z_DEFAULT_MEMLEVEL, Z_DEFAULT_WINDOWBITS,
  Z_DEFAULT_STRATEGY, DEFLATE, INFLATE, GZIP, GUNZIP, DEFLATERAW, INFLATERAW, UNZIP,
  BROTLI_DECODE, BROTLI_ENCODE, BROTLI_OPERATION_PROCESS, BROTLI_OPERATION_FLUSH,
  BROTLI_OPERATION_FINISH, BROTLI_OPERATION_EMIT_METADATA,
  ZSTD_COMPRESS, ZSTD_DECOMPRESS, ZSTD_e_continue, ZSTD_e_flush, ZSTD_e_end,
} = constants;

export function createZlib() {
  const { Buffer, kMaxLength } = loadBuiltin("buffer");
  const { Transform, finished } = loadBuiltin("stream");
  const { setImmediate } = loadBuiltin("timers");
  const { nextTick } = loadBuiltin("process");
  const maxLength = kMaxLength ?? 2 ** 32;

  // Node's error for an engine failure: message from zlib/brotli, `errno` and `code`.
  function engineError(failure) {
    if (failure.code === "ERR_BUFFER_TOO_LARGE") {
      return makeError(RangeError, failure.code, failure.message);
    }
    const error = new Error(failure.message);
    error.errno = failure.errno;
    error.code = failure.code;
    return error;
  }

  function checkRange(value, name, lower, upper, fallback) {
    if (value === undefined || Number.isNaN(value)) return fallback;
    if (typeof value !== "number") throw invalidArgType(name, "number", value);
    if (!Number.isFinite(value)) {
      throw outOfRange(name, "a finite number", value);
    }
    if (value < lower || value > upper) throw outOfRange(name, `>= ${lower} and <= ${upper}`, value);
    return value;
  }

  function inputBytes(buffer, name = "buffer") {
    if (typeof buffer === "string") return Buffer.from(buffer);
    if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
    throw invalidArgType(name, ["string", "Buffer", "TypedArray", "DataView", "ArrayBuffer"], buffer);
  }

  const isBrotli = (mode) => mode === BROTLI_DECODE || mode === BROTLI_ENCODE;
  const isZstd = (mode) => mode === ZSTD_COMPRESS || mode === ZSTD_DECOMPRESS;
  // Engines configured by a `params` object rather than zlib's options, and their flush
  // flags: [none, full, finish, highest].
  const paramFlushes = (mode) =>
    isBrotli(mode)
      ? [BROTLI_OPERATION_PROCESS, BROTLI_OPERATION_FLUSH, BROTLI_OPERATION_FINISH, BROTLI_OPERATION_EMIT_METADATA]
      : isZstd(mode)
        ? [ZSTD_e_continue, ZSTD_e_flush, ZSTD_e_end, ZSTD_e_end]
        : null;
  const isInflate = (mode) => mode === INFLATE || mode === GUNZIP || mode === INFLATERAW || mode === UNZIP;

  // A native engine for `mode` with `options` checked as Node checks them, and the flush
  // flags that go with it.
  function newEngine(mode, options) {
    if (options !== undefined && options !== null && typeof options !== "object") {
      throw invalidArgType("options", "Object", options);
    }
    const opts = options ?? {};
    const brotli = paramFlushes(mode) !== null; // brotli or zstd: a `params` object
    const [noFlush, fullFlush, finishFlush, maxFlush] = paramFlushes(mode) ?? [Z_NO_FLUSH, Z_FULL_FLUSH, Z_FINISH, Z_BLOCK];
    const engine = {
      mode,
      flush: checkRange(opts.flush, "options.flush", noFlush, maxFlush, noFlush),
      finishFlush: checkRange(opts.finishFlush, "options.finishFlush", noFlush, maxFlush, finishFlush),
      fullFlush,
      chunkSize: checkRange(opts.chunkSize, "options.chunkSize", Z_MIN_CHUNK, Infinity, Z_DEFAULT_CHUNK),
      maxOutputLength: checkRange(opts.maxOutputLength, "options.maxOutputLength", 1, maxLength, maxLength),
      handle: null,
    };
    let level = Z_DEFAULT_COMPRESSION;
    let windowBits = Z_DEFAULT_WINDOWBITS;
    let memLevel = Z_DEFAULT_MEMLEVEL;
    let strategy = Z_DEFAULT_STRATEGY;
    let dictionary;
    const params = [];
    if (brotli) {
      if (opts.params !== undefined) {
        if (opts.params === null || typeof opts.params !== "object") throw invalidArgType("options.params", "Object", opts.params);
        for (const key of Object.keys(opts.params)) {
          const id = Number(key);
          const value = opts.params[key];
          if (isZstd(mode) && !Number.isInteger(id)) {
            throw makeError(RangeError, "ERR_ZSTD_INVALID_PARAM", `${key} is not a valid zstd parameter`);
          }
          if (!isZstd(mode) && (!Number.isInteger(id) || id < 0 || id > 8)) {
            throw makeError(RangeError, "ERR_BROTLI_INVALID_PARAM", `${key} is not a valid Brotli parameter`);
          }
          if (typeof value !== "number" && typeof value !== "boolean") throw invalidArgType("options.params[key]", "number", value);
          params.push(id, Number(value));
        }
      }
    } else {
      windowBits = checkRange(opts.windowBits, "options.windowBits", isInflate(mode) && opts.windowBits === 0 ? 0 : 8, 15, Z_DEFAULT_WINDOWBITS);
      level = checkRange(opts.level, "options.level", -1, 9, Z_DEFAULT_COMPRESSION);
      memLevel = checkRange(opts.memLevel, "options.memLevel", 1, 9, Z_DEFAULT_MEMLEVEL);
      strategy = checkRange(opts.strategy, "options.strategy", 0, 4, Z_DEFAULT_STRATEGY);
      if (opts.dictionary !== undefined) {
        if (!ArrayBuffer.isView(opts.dictionary) && !(opts.dictionary instanceof ArrayBuffer)) {
          throw invalidArgType("options.dictionary", ["Buffer", "TypedArray", "DataView", "ArrayBuffer"], opts.dictionary);
        }
        dictionary = opts.dictionary;
      }
    }
    const made = host.ops.node_zlib_new(mode, level, windowBits, memLevel, strategy, Math.min(engine.chunkSize, 2 ** 30), dictionary, params);
    if (!(made instanceof ArrayBuffer)) {
      if (brotli) throw makeError(Error, "ERR_ZLIB_INITIALIZATION_FAILED", "Initialization failed");
      throw engineError(made);
    }
    engine.handle = made;
    engine.remake = () => host.ops.node_zlib_new(mode, level, windowBits, memLevel, strategy, Math.min(engine.chunkSize, 2 ** 30), dictionary, params);
    return engine;
  }

  // One native call: [output, more] or a thrown Node error. `budget`: output still allowed.
  function write(engine, input, flush, budget) {
    const result = host.ops.node_zlib_write(engine.handle, input, flush, OUT_SLICE, budget);
    if (!Array.isArray(result)) throw engineError(result);
    return result;
  }

  function concat(pieces, total) {
    return pieces.length === 1 ? Buffer.from(pieces[0].buffer, pieces[0].byteOffset, pieces[0].byteLength) : Buffer.concat(pieces, total);
  }

  function processSync(engine, bytes) {
    const pieces = [];
    let total = 0;
    let input = bytes;
    try {
      for (;;) {
        const [out, more] = write(engine, input, engine.finishFlush, engine.maxOutputLength - total);
        input = undefined;
        if (out.byteLength) {
          pieces.push(out);
          total += out.byteLength;
        }
        if (!more) break;
      }
    } finally {
      host.ops.node_zlib_close(engine.handle);
    }
    return concat(pieces, total);
  }

  // The callback form: input in slices, the loop turning between native calls.
  function processAsync(engine, bytes, callback) {
    const pieces = [];
    let total = 0;
    let offset = 0;
    const step = () => {
      let more;
      try {
        const last = offset + IN_SLICE >= bytes.byteLength;
        const input = offset < bytes.byteLength ? bytes.subarray(offset, offset + IN_SLICE) : undefined;
        offset += IN_SLICE;
        let out;
        [out, more] = write(engine, input, last ? engine.finishFlush : engine.flush, engine.maxOutputLength - total);
        if (out.byteLength) {
          pieces.push(out);
          total += out.byteLength;
        }
        more ||= !last;
      } catch (error) {
        host.ops.node_zlib_close(engine.handle);
        callback(error);
        return;
      }
      if (more) {
        setImmediate(step);
        return;
      }
      host.ops.node_zlib_close(engine.handle);
      callback(null, concat(pieces, total));
    };
    setImmediate(step);
  }

  function syncFunction(mode) {
    return function (buffer, options = undefined) {
      return processSync(newEngine(mode, options), inputBytes(buffer));
    };
  }

  function callbackFunction(mode) {
    return function (buffer, options, callback) {
      if (typeof options === "function") [options, callback] = [{}, options];
      validateFunction(callback, "callback");
      const bytes = inputBytes(buffer);
      processAsync(newEngine(mode, options), bytes, callback);
    };
  }

  const kFlushFlag = new WeakMap(); // the empty chunks flush() writes, and their flag

  // What every zlib and brotli stream is: a Transform over one engine.
  class ZlibBase extends Transform {
    constructor(mode, options) {
      const engine = newEngine(mode, options);
      super({ autoDestroy: true, ...(options ?? {}) });
      this._engine = engine;
      this._handle = engine.handle;
      this._defaultFlushFlag = engine.flush;
      this._finishFlushFlag = engine.finishFlush;
      this._defaultFullFlushFlag = engine.fullFlush;
      this._chunkSize = engine.chunkSize;
      this._maxOutputLength = engine.maxOutputLength;
      this.bytesWritten = 0;
    }

    get _closed() {
      return this._handle === null;
    }

    // Runs `input` through the engine with `flag`, pushing output slice by slice.
    _run(input, flag, callback) {
      if (this._handle === null) {
        callback(makeError(Error, "ERR_ZLIB_BINDING_CLOSED", "zlib binding closed"));
        return;
      }
      if (input !== undefined) this.bytesWritten += input.byteLength;
      const step = (bytes) => {
        let out;
        let more;
        try {
          // maxOutputLength limits the one-shot forms only, as in Node; a stream's output is
          // bounded by the worker's memory budget (checked natively).
          [out, more] = write(this._engine, bytes, flag, maxLength);
        } catch (error) {
          this._close();
          callback(error);
          return;
        }
        if (out.byteLength) {
          this.push(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
        }
        if (more) setImmediate(step, undefined);
        else callback();
      };
      step(input);
    }

    _transform(chunk, encoding, callback) {
      const flag = kFlushFlag.get(chunk) ?? this._defaultFlushFlag;
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, encoding) : inputBytes(chunk, "chunk");
      this._run(bytes.byteLength ? bytes : undefined, flag, callback);
    }

    _flush(callback) {
      this._run(undefined, this._finishFlushFlag, callback);
    }

    _destroy(error, callback) {
      this._close();
      callback(error);
    }

    _close() {
      if (this._handle !== null) host.ops.node_zlib_close(this._handle);
      this._handle = null;
    }

    close(callback = undefined) {
      if (callback) finished(this, callback);
      this.destroy();
    }

    flush(kind = undefined, callback = undefined) {
      if (typeof kind === "function" || (kind === undefined && callback === undefined)) {
        [kind, callback] = [this._defaultFullFlushFlag, kind];
      }
      if (this.writableFinished) {
        if (callback) nextTick(callback);
      } else if (this.writableEnded) {
        if (callback) this.once("end", callback);
      } else {
        const marker = Buffer.alloc(0);
        kFlushFlag.set(marker, kind);
        this.write(marker, callback);
      }
    }

    reset() {
      if (this._handle === null) return;
      if (paramFlushes(this._engine.mode) !== null) {
        host.ops.node_zlib_close(this._handle);
        this._handle = this._engine.handle = this._engine.remake();
      } else {
        host.ops.node_zlib_reset(this._handle);
      }
    }
  }

  class Zlib extends ZlibBase {
    params(level, strategy, callback) {
      checkRange(level, "level", -1, 9, Z_DEFAULT_COMPRESSION);
      checkRange(strategy, "strategy", 0, 4, Z_DEFAULT_STRATEGY);
      this.flush(Z_SYNC_FLUSH, () => {
        if (this._handle !== null) host.ops.node_zlib_params(this._handle, level, strategy);
        if (callback) callback();
      });
    }
  }

  class Deflate extends Zlib {
    constructor(options) {
      super(DEFLATE, options);
    }
  }
  class Inflate extends Zlib {
    constructor(options) {
      super(INFLATE, options);
    }
  }
  class Gzip extends Zlib {
    constructor(options) {
      super(GZIP, options);
    }
  }
  class Gunzip extends Zlib {
    constructor(options) {
      super(GUNZIP, options);
    }
  }
  class DeflateRaw extends Zlib {
    constructor(options) {
      super(DEFLATERAW, options);
    }
  }
  class InflateRaw extends Zlib {
    constructor(options) {
      super(INFLATERAW, options);
    }
  }
  class Unzip extends Zlib {
    constructor(options) {
      super(UNZIP, options);
    }
  }
  class BrotliCompress extends ZlibBase {
    constructor(options) {
      super(BROTLI_ENCODE, options);
    }
  }
  class BrotliDecompress extends ZlibBase {
    constructor(options) {
      super(BROTLI_DECODE, options);
    }
  }
  class ZstdCompress extends ZlibBase {
    constructor(options) {
      super(ZSTD_COMPRESS, options);
    }
  }
  class ZstdDecompress extends ZlibBase {
    constructor(options) {
      super(ZSTD_DECOMPRESS, options);
    }
  }

  // crc32(data[, value]): zlib's CRC-32, continued from `value` (Node 22).
  function crc32(data, value = 0) {
    const bytes = typeof data === "string" ? Buffer.from(data) : ArrayBuffer.isView(data) ? data : null;
    if (bytes === null) throw invalidArgType("data", ["Buffer", "TypedArray", "DataView", "string"], data);
    if (typeof value !== "number") throw invalidArgType("value", "number", value);
    if (!Number.isInteger(value) || value < 0 || value > 2 ** 32 - 1) throw outOfRange("value", `>= 0 && <= ${2 ** 32 - 1}`, value);
    return host.ops.node_zlib_crc32(bytes, value);
  }

  const modes = {
    deflate: [DEFLATE, Deflate],
    inflate: [INFLATE, Inflate],
    gzip: [GZIP, Gzip],
    gunzip: [GUNZIP, Gunzip],
    deflateRaw: [DEFLATERAW, DeflateRaw],
    inflateRaw: [INFLATERAW, InflateRaw],
    unzip: [UNZIP, Unzip],
    brotliCompress: [BROTLI_ENCODE, BrotliCompress],
    brotliDecompress: [BROTLI_DECODE, BrotliDecompress],
    zstdCompress: [ZSTD_COMPRESS, ZstdCompress],
    zstdDecompress: [ZSTD_DECOMPRESS, ZstdDecompress],
  };
  const zlib = {
    constants,
    codes,
    crc32,
    Deflate, Inflate, Gzip, Gunzip, DeflateRaw, InflateRaw, Unzip, BrotliCompress, BrotliDecompress,
    ZstdCompress, ZstdDecompress,
  };
  for (const [name, [mode, Class]] of Object.entries(modes)) {
    const className = name[0].toUpperCase() + name.slice(1);
    zlib[name] = callbackFunction(mode);
    zlib[`${name}Sync`] = syncFunction(mode);
    zlib[`create${className}`] = (options) => new Class(options);
  }
  // The legacy top-level copies of the constants (zlib.Z_NO_FLUSH, ...), as Node has them.
  for (const [name, value] of Object.entries(constants)) {
    if (name.startsWith("Z_") && !(name in zlib)) {
      Object.defineProperty(zlib, name, { value, enumerable: false, writable: false });
    }
  }
  return zlib;
}
