// node:readline and node:readline/promises: line reading over any Readable (a file
// stream, a request body turned into a Node stream, ...). A function has no terminal, so
// the terminal parts (cursor moves, keypress decoding, history) are no-ops, as they are in
// Node when `terminal` is false.
import { loadBuiltin } from "./registry.js";
import { validateFunction } from "./errors.js";

const kLineBreak = /\r\n|\n|\r/;

export function createReadline() {
  const EventEmitter = loadBuiltin("events");
  const { StringDecoder } = loadBuiltin("string_decoder");

  class Interface extends EventEmitter {
    #decoder = new StringDecoder("utf8");
    #partial = "";
    #prompt = "> ";
    #questions = [];
    #lastWasCR = false;

    constructor(input, output = undefined, completer = undefined, terminal = undefined) {
      super();
      let options = input;
      if (!(input !== null && typeof input === "object" && "input" in input)) {
        options = { input, output, completer, terminal };
      }
      this.input = options.input;
      this.output = options.output;
      this.terminal = !!options.terminal;
      this.line = "";
      this.cursor = 0;
      this.history = [];
      this.closed = false;
      this.paused = false;
      this.crlfDelay = Math.max(100, options.crlfDelay ?? 100);
      if (options.prompt !== undefined) this.#prompt = options.prompt;
      if (this.input) {
        this.onData = (chunk) => this.#feed(typeof chunk === "string" ? chunk : this.#decoder.write(chunk));
        this.onEnd = () => {
          const rest = this.#decoder.end();
          if (rest) this.#feed(rest);
          if (this.#partial.length > 0) this.#emitLine(this.#partial);
          this.#partial = "";
          this.close();
        };
        this.input.on("data", this.onData);
        this.input.on("end", this.onEnd);
      }
      if (options.signal) {
        if (options.signal.aborted) queueMicrotask(() => this.close());
        else options.signal.addEventListener("abort", () => this.close(), { once: true });
      }
    }

    #feed(text) {
      if (this.#lastWasCR && text.startsWith("\n")) text = text.slice(1); // "\r" then "\n": one break
      this.#lastWasCR = text.endsWith("\r");
      const parts = (this.#partial + text).split(kLineBreak);
      this.#partial = parts.pop();
      for (const line of parts) {
        if (this.closed) return;
        this.#emitLine(line);
      }
    }

    #emitLine(line) {
      const question = this.#questions.shift();
      if (question) question(line);
      else this.emit("line", line);
    }

    getPrompt() {
      return this.#prompt;
    }

    setPrompt(prompt) {
      this.#prompt = prompt;
    }

    prompt() {
      if (this.closed) throw closedError();
      this.output?.write?.(this.#prompt);
    }

    question(query, options, callback) {
      if (typeof options === "function") callback = options;
      validateFunction(callback, "callback");
      if (this.closed) throw closedError();
      this.output?.write?.(query);
      this.#questions.push(callback);
    }

    // Text written here is read as if it came from the input.
    write(data) {
      if (this.closed) throw closedError();
      if (typeof data === "string") this.#feed(data);
    }

    pause() {
      if (this.paused) return this;
      this.input?.pause?.();
      this.paused = true;
      this.emit("pause");
      return this;
    }

    resume() {
      if (!this.paused) return this;
      this.input?.resume?.();
      this.paused = false;
      this.emit("resume");
      return this;
    }

    close() {
      if (this.closed) return;
      this.closed = true;
      if (this.input) {
        this.input.removeListener("data", this.onData);
        this.input.removeListener("end", this.onEnd);
      }
      this.pause();
      this.emit("close");
    }

    getCursorPos() {
      return { rows: 0, cols: this.cursor };
    }

    [Symbol.asyncIterator]() {
      // Lines are queued from the first call on; the iteration ends at "close".
      const queue = [];
      const waiting = [];
      let done = this.closed;
      const onLine = (line) => {
        const next = waiting.shift();
        if (next) next({ value: line, done: false });
        else queue.push(line);
      };
      const onClose = () => {
        done = true;
        for (const next of waiting.splice(0)) next({ value: undefined, done: true });
      };
      this.on("line", onLine);
      this.once("close", onClose);
      const cleanup = () => {
        this.removeListener("line", onLine);
        this.removeListener("close", onClose);
      };
      if (this.paused) this.resume();
      return {
        next: () => {
          if (queue.length > 0) return Promise.resolve({ value: queue.shift(), done: false });
          if (done) {
            cleanup();
            return Promise.resolve({ value: undefined, done: true });
          }
          return new Promise((resolve) => waiting.push(resolve));
        },
        return: () => {
          cleanup();
          this.close();
          return Promise.resolve({ value: undefined, done: true });
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    }
  }

  function closedError() {
    const error = new Error("readline was closed");
    error.code = "ERR_USE_AFTER_CLOSE";
    return error;
  }

  // Cursor control writes nothing: there is no terminal to move on.
  const done = (callback) => {
    if (typeof callback === "function") queueMicrotask(callback);
    return true;
  };

  const readline = {
    Interface,
    createInterface: (...args) => new Interface(...args),
    clearLine: (stream, dir, callback) => done(callback),
    clearScreenDown: (stream, callback) => done(callback),
    cursorTo: (stream, x, y, callback) => done(typeof y === "function" ? y : callback),
    moveCursor: (stream, dx, dy, callback) => done(callback),
    emitKeypressEvents() {},
  };

  class PromisesInterface extends Interface {
    question(query, options = undefined) {
      return new Promise((resolve, reject) => {
        const signal = options?.signal;
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        super.question(query, resolve);
      });
    }
  }

  // readline/promises' Readline: cursor actions queued and committed; nothing to draw.
  class Readline {
    constructor(stream) {
      this.stream = stream;
    }
    clearLine() {
      return this;
    }
    clearScreenDown() {
      return this;
    }
    cursorTo() {
      return this;
    }
    moveCursor() {
      return this;
    }
    commit() {
      return Promise.resolve();
    }
    rollback() {
      return this;
    }
  }

  readline.promises = {
    Interface: PromisesInterface,
    Readline,
    createInterface: (...args) => new PromisesInterface(...args),
  };
  return readline;
}
