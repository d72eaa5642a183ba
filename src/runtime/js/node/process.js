// node:process, and the `process` global. An EventEmitter, as in Node; everything it
// tells is this worker's: `env` is the worker's environment (Deno.env), `exit()` ends the
// worker, never the host process.
import { host } from "./runtime.js";
import { makeError, validateFunction } from "./errors.js";
import { filenameOf } from "./module.js";
import { loadBuiltin } from "./registry.js";

// The Node API level the node: layer follows.

export function createProcess() {
  const EventEmitter = loadBuiltin("events");
  const nodeVersion = "22.11.0";
  const execPath = "/usr/local/bin/sbfn";

  // process.env: the worker's environment through Deno.env (values become strings).
  const env = new Proxy(Object.create(null), {
    get(_, key) {
      return typeof key === "string" ? host.envApi.get(key) : undefined;
    },
    set(_, key, value) {
      if (typeof key === "string") host.envApi.set(key, String(value));
      return true;
    },
    has(_, key) {
      return typeof key === "string" && host.envApi.get(key) !== undefined;
    },
    deleteProperty(_, key) {
      if (typeof key === "string") host.envApi.delete(key);
      return true;
    },
    ownKeys() {
      return Object.keys(host.envApi.toObject());
    },
    getOwnPropertyDescriptor(_, key) {
      const value = typeof key === "string" ? host.envApi.get(key) : undefined;
      return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
    },
    defineProperty(_, key, descriptor) {
      if (typeof key === "string") host.envApi.set(key, String(descriptor.value));
      return true;
    },
  });

  // nextTick: one microtask drains every queued tick, so ticks run before promise reactions
  // queued after the first of them, as Node runs its tick queue first.
  const ticks = [];
  let draining = false;
  function drainTicks() {
    draining = true;
    try {
      while (ticks.length > 0) {
        const [fn, args, context] = ticks.shift();
        // Each tick runs in the AsyncLocalStorage context it was queued in (async_hooks.js).
        if (host.asyncContext.active()) host.asyncContext.run(context, fn, undefined, args);
        else Reflect.apply(fn, undefined, args);
      }
    } finally {
      draining = false;
      if (ticks.length > 0) queueMicrotask(drainTicks); // one threw: the rest still run
    }
  }
  function nextTick(callback, ...args) {
    validateFunction(callback, "callback");
    ticks.push([callback, args, host.asyncContext.capture()]);
    if (!draining && ticks.length === 1) queueMicrotask(drainTicks);
  }

  const startedAt = performance.now();
  function hrtime(previous = undefined) {
    const now = performance.timeOrigin + performance.now();
    let seconds = Math.floor(now / 1e3);
    let nanos = Math.floor((now % 1e3) * 1e6);
    if (previous !== undefined) {
      if (!Array.isArray(previous) || previous.length !== 2) {
        throw makeError(TypeError, "ERR_INVALID_ARG_TYPE", 'The "time" argument must be an instance of Array.');
      }
      seconds -= previous[0];
      nanos -= previous[1];
      if (nanos < 0) {
        seconds -= 1;
        nanos += 1e9;
      }
    }
    return [seconds, nanos];
  }
  hrtime.bigint = () => {
    const [seconds, nanos] = hrtime();
    return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
  };

  function memoryUsage() {
    const usage = host.denoMemoryUsage();
    return { ...usage, arrayBuffers: usage.external };
  }
  memoryUsage.rss = () => host.denoMemoryUsage().rss;

  function notSupported(name) {
    return () => {
      throw makeError(Error, "ERR_NOT_SUPPORTED", `process.${name}() is not supported in Supabase Edge Functions`);
    };
  }

  function emitWarning(warning, type = undefined, code = undefined) {
    if (typeof type === "object" && type !== null) ({ type, code } = type);
    const error = typeof warning === "string" ? new Error(warning) : warning;
    if (typeof warning === "string") error.name = typeof type === "string" ? type : "Warning";
    if (code !== undefined) error.code = code;
    if (error.name === "DeprecationWarning" && process.noDeprecation) return;
    if (process.listenerCount("warning") > 0) {
      nextTick(() => process.emit("warning", error));
      return;
    }
    const prefix = code !== undefined ? `[${code}] ` : "";
    host.ops.print(`(node:${process.pid}) ${prefix}${error.name}: ${error.message}\n`, 2);
  }

  // stdout/stderr: what packages use of Node's (write, end, events, isTTY, the writable
  // flags), writing to the worker's log. An EventEmitter rather than a full node:stream
  // Writable, which would load the streams package (~14 ms) on first touch of
  // process.stdout; pipe() and pipeline() only need write, end and the events.
  function outputStream(fd) {
    const stream = new EventEmitter();
    const finish = (callback) => {
      queueMicrotask(() => {
        stream.emit("finish");
        if (typeof callback === "function") callback();
      });
    };
    return Object.assign(stream, {
      fd,
      isTTY: false,
      columns: undefined,
      rows: undefined,
      writable: true,
      writableEnded: false,
      writableFinished: false,
      writableLength: 0,
      writableHighWaterMark: 16384,
      writableObjectMode: false,
      writableCorked: 0,
      destroyed: false,
      _isStdio: true,
      write(chunk, encoding, callback) {
        if (typeof encoding === "function") callback = encoding;
        let text;
        if (typeof chunk === "string") text = chunk;
        else if (ArrayBuffer.isView(chunk)) text = new TextDecoder().decode(chunk);
        else throw makeError(TypeError, "ERR_INVALID_ARG_TYPE", 'The "chunk" argument must be of type string or an instance of Buffer, TypedArray, or DataView.');
        host.ops.print(text, fd);
        if (typeof callback === "function") queueMicrotask(() => callback(null));
        return true;
      },
      end(chunk, encoding, callback) {
        if (chunk !== undefined && chunk !== null && typeof chunk !== "function") this.write(chunk, encoding);
        // Node never closes the process's stdio: end() finishes without closing.
        finish([chunk, encoding, callback].find((x) => typeof x === "function"));
        return this;
      },
      cork() {},
      uncork() {},
      setDefaultEncoding() {
        return this;
      },
      destroy() {
        return this;
      },
      hasColors: () => false,
      getColorDepth: () => 1,
      getWindowSize: () => [80, 24],
    });
  }

  // stdin: a function reads its input from requests, never from a terminal; the stream
  // is empty and ends as soon as someone reads it.
  function inputStream() {
    const stream = new EventEmitter();
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      queueMicrotask(() => {
        stream.emit("end");
        stream.emit("close");
      });
    };
    stream.on("newListener", (event) => {
      if (event === "data" || event === "end" || event === "readable") end();
    });
    return Object.assign(stream, {
      fd: 0,
      isTTY: false,
      readable: true,
      read: () => null,
      setEncoding() {
        return this;
      },
      resume() {
        end();
        return this;
      },
      pause() {
        return this;
      },
      setRawMode() {
        return this;
      },
      unref() {
        return this;
      },
      ref() {
        return this;
      },
      async *[Symbol.asyncIterator]() {},
    });
  }

  const process = new EventEmitter();
  Object.assign(process, {
    title: "sbfn",
    version: `v${nodeVersion}`,
    versions: { node: nodeVersion, v8: host.ops.v8_version(), sbfn: host.versions.sbfn, deno: host.versions.deno },
    release: { name: "node" },
    platform: "linux",
    arch: "x64",
    execPath,
    execArgv: [],
    argv0: "sbfn",
    env,
    pid: host.ops.node_pid(),
    ppid: host.ops.node_ppid(),
    exitCode: undefined,
    noDeprecation: false,
    throwDeprecation: false,
    traceDeprecation: false,
    features: { inspector: false, debug: false, uv: true, ipv6: true, tls_alpn: true, tls_sni: true, tls_ocsp: true, tls: true, cached_builtins: true, require_module: true, typescript: "transform" },
    // No Node flags can be given to a function's runtime.
    allowedNodeEnvironmentFlags: new Set(),
    config: { target_defaults: {}, variables: {} },
    // The worker's memory limit (os.totalmem's 512 MiB), and what of it is left.
    constrainedMemory: () => 512 * 1024 * 1024,
    availableMemory: () => Math.max(0, 512 * 1024 * 1024 - host.denoMemoryUsage().heapUsed),
    nextTick,
    hrtime,
    memoryUsage,
    emitWarning,
    cwd: () => host.call(host.ops.cwd),
    chdir: notSupported("chdir"),
    uptime: () => (performance.now() - startedAt) / 1000,
    kill: notSupported("kill"),
    abort: notSupported("abort"),
    dlopen: notSupported("dlopen"),
    binding: notSupported("binding"),
    exit(code = undefined) {
      if (code !== undefined) process.exitCode = code;
      const final = Number(process.exitCode ?? 0) | 0;
      process.emit("exit", final);
      host.exitWorker(final);
    },
    reallyExit: (code) => host.exitWorker(code),
    getBuiltinModule(id) {
      return loadBuiltin(id.startsWith("node:") ? id.slice(5) : id);
    },
  });
  Object.defineProperty(process, "argv", {
    get() {
      const main = host.workerInfo.mainModule;
      return [execPath, main ? filenameOf(main) : ""];
    },
    enumerable: true,
    configurable: true,
  });
  let stdout;
  let stderr;
  let stdin;
  Object.defineProperty(process, "stdin", { get: () => (stdin ??= inputStream()), enumerable: true, configurable: true });
  Object.defineProperty(process, "stdout", { get: () => (stdout ??= outputStream(1)), enumerable: true, configurable: true });
  Object.defineProperty(process, "stderr", { get: () => (stderr ??= outputStream(2)), enumerable: true, configurable: true });
  Object.defineProperty(process, Symbol.toStringTag, { value: "process", enumerable: false, configurable: true });

  // "unhandledRejection" and "uncaughtException" listeners see what the global events see,
  // and handle it (the worker goes on), as in Node and Deno.
  globalThis.addEventListener("unhandledrejection", (event) => {
    if (process.listenerCount("unhandledRejection") > 0) {
      event.preventDefault();
      process.emit("unhandledRejection", event.reason, event.promise);
    }
  });
  globalThis.addEventListener("error", (event) => {
    if (process.listenerCount("uncaughtException") > 0) {
      event.preventDefault();
      process.emit("uncaughtException", event.error, "uncaughtException");
    }
  });

  return process;
}
