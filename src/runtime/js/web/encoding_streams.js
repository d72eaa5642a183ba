// TextEncoderStream / TextDecoderStream (Encoding).
import { TextDecoder } from "./encoding.js";
import { ops } from "./ops.js";
import { TransformStream } from "./streams.js";
import { enumerable, setToStringTag } from "./util.js";

export class TextEncoderStream {
  #transform;
  constructor() {
    let pendingHigh = "";
    this.#transform = new TransformStream({
      transform(chunk, controller) {
        let s = pendingHigh + String(chunk);
        pendingHigh = "";
        if (s.length === 0) return;
        const last = s.charCodeAt(s.length - 1);
        if (last >= 0xd800 && last <= 0xdbff) {
          pendingHigh = s[s.length - 1];
          s = s.slice(0, -1);
          if (s.length === 0) return;
        }
        controller.enqueue(ops.encode_utf8(s));
      },
      flush(controller) {
        if (pendingHigh) controller.enqueue(new Uint8Array([0xef, 0xbf, 0xbd]));
      },
    });
  }
  get encoding() {
    return "utf-8";
  }
  get readable() {
    return this.#transform.readable;
  }
  get writable() {
    return this.#transform.writable;
  }
}
setToStringTag(TextEncoderStream, "TextEncoderStream");
enumerable(TextEncoderStream, ["encoding", "readable", "writable"]);

export class TextDecoderStream {
  #decoder;
  #transform;
  constructor(label = "utf-8", options = undefined) {
    const decoder = (this.#decoder = new TextDecoder(label, options));
    this.#transform = new TransformStream({
      transform(chunk, controller) {
        const s = decoder.decode(chunk, { stream: true });
        if (s) controller.enqueue(s);
      },
      flush(controller) {
        const s = decoder.decode();
        if (s) controller.enqueue(s);
      },
    });
  }
  get encoding() {
    return this.#decoder.encoding;
  }
  get fatal() {
    return this.#decoder.fatal;
  }
  get ignoreBOM() {
    return this.#decoder.ignoreBOM;
  }
  get readable() {
    return this.#transform.readable;
  }
  get writable() {
    return this.#transform.writable;
  }
}
setToStringTag(TextDecoderStream, "TextDecoderStream");
enumerable(TextDecoderStream, ["encoding", "fatal", "ignoreBOM", "readable", "writable"]);
