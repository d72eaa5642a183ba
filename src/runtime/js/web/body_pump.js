// The two halves of a body that crosses to native code and back, shared by fetch()
// (js/web/fetch.js, the libcurl engine) and worker.fetch (js/user_workers.js, a user
// worker): the response body as a ReadableStream fed by native events with pause/resume
// back-pressure, and the streamed request body read one piece per native request.
import { addAlgorithm } from "./abort.js";
import { ReadableStream } from "./streams.js";

// Response bytes buffered in JavaScript before the native side is asked to wait.
const HIGH_WATER = 64 * 1024;

// A response body fed by native "data" events, for one transfer: `pause(paused)` asks the
// producer to stop or go on, `abort()` ends the transfer natively, `forget()` drops its
// event handlers. `done` turns true once the body ended, failed or was given up: later
// news is moot.
export class ResponseBodyPump {
  #controller = null;
  #paused = false;
  #pause;
  #abort;
  #forget;
  done = false;

  constructor({ pause, abort, forget }) {
    this.#pause = pause;
    this.#abort = abort;
    this.#forget = forget;
    this.stream = new ReadableStream(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => {
          if (this.#paused && !this.done) {
            this.#paused = false;
            this.#pause(false);
          }
        },
        cancel: () => {
          if (!this.done) this.giveUp();
        },
      },
      { highWaterMark: HIGH_WATER, size: (chunk) => chunk.byteLength },
    );
  }

  // This side gives up on the transfer (cancelled, aborted, a null-body status).
  giveUp() {
    this.done = true;
    this.#forget();
    this.#abort();
  }

  // Once `signal` aborts an unfinished transfer: given up, the request body's reader
  // cancelled, then `then(reason)`.
  abortOn(signal, bodyReader, then) {
    if (signal === null) return;
    addAlgorithm(signal, () => {
      if (this.done) return;
      this.giveUp();
      bodyReader?.cancel(signal.reason);
      then(signal.reason);
    });
  }

  push(chunk) {
    this.#controller.enqueue(chunk);
    if (this.#controller.desiredSize <= 0 && !this.#paused) {
      this.#paused = true;
      this.#pause(true);
    }
  }

  close() {
    this.done = true;
    this.#controller.close();
  }

  // Errors the stream; one already closed or errored stays as it is.
  error(reason) {
    this.done = true;
    try {
      this.#controller.error(reason);
    } catch {
      // already closed
    }
  }
}

// A streamed request body, read one piece each time the native side asks (its
// "need_body" event): `write(bytes)` hands a Uint8Array on, `write(null)` ends the body,
// `fail(error)` reports a stream that errored or gave something else than bytes. Nothing
// is handed on once `isDone()` says the transfer is over.
export class RequestBodyReader {
  #body;
  #reader = null;
  #write;
  #fail;
  #isDone;

  constructor(body, { write, fail, isDone }) {
    this.#body = body;
    this.#write = write;
    this.#fail = fail;
    this.#isDone = isDone;
  }

  next() {
    if (this.#reader === null) this.#reader = this.#body.getReader();
    this.#reader.read().then(
      ({ value, done }) => {
        if (this.#isDone()) return;
        if (done) this.#write(null);
        else if (value instanceof Uint8Array) this.#write(value);
        else this.#fail(new TypeError("Request body stream chunk is not a Uint8Array"));
      },
      (error) => {
        if (!this.#isDone()) this.#fail(error);
      },
    );
  }

  // Gives up on the body (abort): a reader already taken is cancelled.
  cancel(reason) {
    this.#reader?.cancel(reason).catch(() => {});
  }
}
