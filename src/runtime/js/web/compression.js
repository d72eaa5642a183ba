// CompressionStream / DecompressionStream (Compression Streams): gzip, deflate and
// deflate-raw on zlib (op_compression.cpp). Each stream owns one native zlib stream,
// released when it ends, errors or is cancelled (or when the handle is collected).
import { ops } from "./ops.js";
import { TransformStream } from "./streams.js";
import { enumerable, setToStringTag } from "./util.js";

const FORMATS = { gzip: 0, deflate: 1, "deflate-raw": 2 };

function formatOf(className, args) {
  if (args.length < 1) {
    throw new TypeError(`Failed to construct '${className}': 1 argument required, but only 0 present`);
  }
  const format = String(args[0]);
  if (!Object.prototype.hasOwnProperty.call(FORMATS, format)) {
    throw new TypeError(
      `Failed to construct '${className}': The provided value '${format}' is not a valid enum value of type CompressionFormat`,
    );
  }
  return FORMATS[format];
}

function zlibTransform(format, decompress) {
  const handle = ops.zlib_new(format, decompress);
  const guard = (fn) => {
    try {
      return fn();
    } catch (e) {
      ops.zlib_close(handle);
      throw e;
    }
  };
  return new TransformStream({
    transform(chunk, controller) {
      if (!ArrayBuffer.isView(chunk) && !(chunk instanceof ArrayBuffer)) {
        ops.zlib_close(handle);
        throw new TypeError("chunk is not of type '(ArrayBuffer or ArrayBufferView)'");
      }
      const out = guard(() => ops.zlib_push(handle, chunk));
      if (out.byteLength) controller.enqueue(out);
    },
    flush(controller) {
      const out = guard(() => ops.zlib_finish(handle));
      if (out.byteLength) controller.enqueue(out);
    },
    cancel() {
      ops.zlib_close(handle);
    },
  });
}

export class CompressionStream {
  #transform;
  constructor(format) {
    this.#transform = zlibTransform(formatOf("CompressionStream", arguments), false);
  }
  get readable() {
    return this.#transform.readable;
  }
  get writable() {
    return this.#transform.writable;
  }
}
setToStringTag(CompressionStream, "CompressionStream");
enumerable(CompressionStream, ["readable", "writable"]);

export class DecompressionStream {
  #transform;
  constructor(format) {
    this.#transform = zlibTransform(formatOf("DecompressionStream", arguments), true);
  }
  get readable() {
    return this.#transform.readable;
  }
  get writable() {
    return this.#transform.writable;
  }
}
setToStringTag(DecompressionStream, "DecompressionStream");
enumerable(DecompressionStream, ["readable", "writable"]);
