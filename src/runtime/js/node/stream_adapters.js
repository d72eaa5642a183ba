// Readable/Writable/Duplex .toWeb and .fromWeb: Node streams as WHATWG streams and back.
// readable-stream leaves these to Node's internal adapters, which it does not ship; these
// follow Node's documented behaviour: back-pressure carried both ways (a Node readable is
// paused while the web queue is full; a web write waits for 'drain'), errors and
// cancellation passed across, and a Node side destroyed when its web side is cancelled
// or aborted.

// Chunks a web stream sees from a byte-mode Node stream: a Uint8Array of their own.
function toBytes(chunk) {
  return typeof chunk === "string" ? new TextEncoder().encode(chunk) : new Uint8Array(chunk);
}

function byteStrategy(highWaterMark) {
  return { highWaterMark, size: (chunk) => chunk.byteLength };
}

export function installWebAdapters(stream) {
  const { Readable, Writable, Duplex, finished } = stream;

  function readableToWeb(readable, options = {}) {
    const objectMode = readable.readableObjectMode;
    const strategy = options.strategy ??
      (objectMode
        ? new CountQueuingStrategy({ highWaterMark: readable.readableHighWaterMark })
        : byteStrategy(readable.readableHighWaterMark));
    let controller;
    const onData = (chunk) => {
      controller.enqueue(objectMode ? chunk : toBytes(chunk));
      if (controller.desiredSize <= 0) readable.pause();
    };
    const stop = finished(readable, (error) => {
      stop();
      readable.off("data", onData);
      readable.on("error", () => {}); // reported to the web side, not twice
      if (error && error.code !== "ERR_STREAM_PREMATURE_CLOSE") controller.error(error);
      else if (error) controller.error(new DOMException("The operation was aborted", "AbortError"));
      else controller.close();
    });
    readable.pause();
    readable.on("data", onData);
    return new ReadableStream({
      start(c) {
        controller = c;
      },
      pull() {
        readable.resume();
      },
      cancel(reason) {
        readable.destroy(reason);
      },
    }, strategy);
  }

  function readableFromWeb(readableStream, options = {}) {
    const { highWaterMark, encoding, objectMode = false, signal } = options;
    const reader = readableStream.getReader();
    let closed = false;
    const readable = new Readable({
      objectMode,
      highWaterMark,
      encoding,
      signal,
      read() {
        reader.read().then(
          ({ done, value }) => readable.push(done ? null : value),
          (error) => readable.destroy(error),
        );
      },
      destroy(error, callback) {
        if (closed) return callback(error);
        reader.cancel(error ?? undefined).then(() => callback(error), () => callback(error));
      },
    });
    reader.closed.then(() => {
      closed = true;
    }, (error) => {
      closed = true;
      readable.destroy(error);
    });
    return readable;
  }

  function writableToWeb(writable) {
    let controller;
    let drained; // resolvers of the write waiting for 'drain'
    let ended; // resolvers of close() waiting for 'finish'
    const onDrain = () => drained?.resolve();
    const stop = finished(writable, (error) => {
      stop();
      writable.off("drain", onDrain);
      writable.on("error", () => {});
      if (error) {
        drained?.reject(error);
        ended?.reject(error);
        if (!ended) controller.error(error);
      } else {
        drained?.resolve();
        ended?.resolve();
      }
    });
    writable.on("drain", onDrain);
    return new WritableStream({
      start(c) {
        controller = c;
      },
      write(chunk) {
        if (writable.writableNeedDrain || !writable.write(chunk)) {
          drained = Promise.withResolvers();
          return drained.promise.finally(() => (drained = undefined));
        }
      },
      abort(reason) {
        writable.destroy(reason);
      },
      close() {
        if (writable.writableFinished) return;
        ended = Promise.withResolvers();
        writable.end();
        return ended.promise;
      },
    }, writable.writableObjectMode
      ? new CountQueuingStrategy({ highWaterMark: writable.writableHighWaterMark })
      : byteStrategy(writable.writableHighWaterMark));
  }

  function writableFromWeb(writableStream, options = {}) {
    const { decodeStrings = true, highWaterMark, objectMode = false, signal } = options;
    const writer = writableStream.getWriter();
    let closed = false;
    const send = (chunk, callback) => {
      writer.ready.then(() => writer.write(chunk)).then(() => callback(), callback);
    };
    const writable = new Writable({
      highWaterMark,
      objectMode,
      decodeStrings,
      signal,
      write(chunk, encoding, callback) {
        send(typeof chunk === "string" && !objectMode ? toBytes(chunk) : chunk, callback);
      },
      final(callback) {
        if (closed) return callback();
        writer.close().then(() => callback(), callback);
      },
      destroy(error, callback) {
        if (closed) return callback(error);
        const done = () => callback(error);
        (error ? writer.abort(error) : writer.close()).then(done, done);
      },
    });
    writer.closed.then(() => {
      closed = true;
    }, (error) => {
      closed = true;
      writable.destroy(error);
    });
    return writable;
  }

  function duplexToWeb(duplex) {
    return { readable: readableToWeb(duplex), writable: writableToWeb(duplex) };
  }

  function duplexFromWeb(pair, options = {}) {
    const readable = readableFromWeb(pair.readable, options);
    const writable = writableFromWeb(pair.writable, options);
    const duplex = new Duplex({
      objectMode: options.objectMode,
      read() {
        readable.resume();
      },
      write(chunk, encoding, callback) {
        writable.write(chunk, encoding, callback);
      },
      final(callback) {
        writable.end(callback);
      },
      destroy(error, callback) {
        readable.destroy(error);
        writable.destroy(error);
        callback(error);
      },
    });
    readable.on("data", (chunk) => {
      if (!duplex.push(chunk)) readable.pause();
    });
    readable.on("end", () => duplex.push(null));
    readable.on("error", (error) => duplex.destroy(error));
    writable.on("error", (error) => duplex.destroy(error));
    return duplex;
  }

  Readable.toWeb = readableToWeb;
  Readable.fromWeb = readableFromWeb;
  Writable.toWeb = writableToWeb;
  Writable.fromWeb = writableFromWeb;
  Duplex.toWeb = duplexToWeb;
  Duplex.fromWeb = duplexFromWeb;
}
