// The built-ins a function cannot use: subprocesses, threads, other V8 contexts, the
// inspector, raw UDP. Importing one succeeds (packages import them at the top and use them
// lazily, if ever); what cannot work throws ERR_NOT_SUPPORTED naming the module and the
// function when called. The harmless parts (constants, `isMainThread`, `isatty`, heap
// statistics, vm's own-context compilation) work.
import { host } from "./runtime.js";
import { invalidArgType, makeError } from "./errors.js";
import { loadBuiltin } from "./registry.js";

export function notSupported(module, name) {
  return makeError(Error, "ERR_NOT_SUPPORTED", `${module}.${name} is not supported in Supabase Edge Functions`);
}

function refusedFunction(module, name) {
  const fn = {
    [name]() {
      throw notSupported(module, `${name}()`);
    },
  }[name];
  return fn;
}

function refusedClass(module, name) {
  return {
    [name]: class {
      constructor() {
        throw notSupported(module, name);
      }
    },
  }[name];
}

function refusing(module, functions = [], classes = []) {
  const out = {};
  for (const name of functions) out[name] = refusedFunction(module, name);
  for (const name of classes) out[name] = refusedClass(module, name);
  return out;
}

export function createChildProcess() {
  return refusing("child_process", ["exec", "execFile", "execFileSync", "execSync", "fork", "spawn", "spawnSync"], ["ChildProcess"]);
}

export function createCluster() {
  const EventEmitter = loadBuiltin("events");
  // This worker is the primary of no cluster: there are no workers, and none can be forked.
  return Object.assign(new EventEmitter(), {
    isMaster: true,
    isPrimary: true,
    isWorker: false,
    workers: {},
    settings: {},
    SCHED_NONE: 1,
    SCHED_RR: 2,
    schedulingPolicy: 2,
    ...refusing("cluster", ["fork", "setupPrimary", "setupMaster", "disconnect"], ["Worker"]),
  });
}

export function createWorkerThreads() {
  const environmentData = new Map();
  return {
    // The function is the main (and only) thread.
    isMainThread: true,
    parentPort: null,
    workerData: null,
    threadId: 0,
    resourceLimits: {},
    SHARE_ENV: Symbol.for("nodejs.worker_threads.SHARE_ENV"),
    MessageChannel: globalThis.MessageChannel,
    MessagePort: globalThis.MessagePort,
    BroadcastChannel: globalThis.BroadcastChannel,
    markAsUntransferable() {},
    isMarkedAsUntransferable: () => false,
    markAsUncloneable() {},
    moveMessagePortToContext: refusedFunction("worker_threads", "moveMessagePortToContext"),
    receiveMessageOnPort: refusedFunction("worker_threads", "receiveMessageOnPort"),
    getEnvironmentData: (key) => environmentData.get(key),
    setEnvironmentData: (key, value) => {
      if (value === undefined) environmentData.delete(key);
      else environmentData.set(key, value);
    },
    ...refusing("worker_threads", [], ["Worker"]),
  };
}

export function createVm() {
  // Code compiled in the function's own context is what eval does; a new context (a second
  // global) is refused.
  class Script {
    #code;
    constructor(code, options = undefined) {
      this.#code = String(code);
      this.filename = typeof options === "string" ? options : options?.filename ?? "evalmachine.<anonymous>";
      new Function(this.#code); // a syntax error throws now, as Node's constructor does
    }
    runInThisContext() {
      return (0, eval)(this.#code);
    }
    runInContext() {
      throw notSupported("vm", "Script.runInContext()");
    }
    runInNewContext() {
      throw notSupported("vm", "Script.runInNewContext()");
    }
    createCachedData() {
      return new Uint8Array(0);
    }
  }
  return {
    Script,
    runInThisContext: (code, options) => new Script(code, options).runInThisContext(),
    compileFunction: (code, params = [], options = undefined) => {
      if (options?.parsingContext !== undefined || options?.contextExtensions?.length) {
        throw notSupported("vm", "compileFunction() with a context");
      }
      return new Function(...params, String(code));
    },
    isContext: () => false,
    constants: Object.freeze({ USE_MAIN_CONTEXT_DEFAULT_LOADER: Symbol("vm_dynamic_import_main_context_default"), DONT_CONTEXTIFY: Symbol("vm_context_no_contextify") }),
    ...refusing("vm", ["createContext", "runInContext", "runInNewContext", "measureMemory"], ["Module", "SourceTextModule", "SyntheticModule"]),
  };
}

export function createInspector() {
  return {
    console: globalThis.console,
    url: () => undefined, // no inspector is listening
    ...refusing("inspector", ["open", "close", "waitForDebugger"], ["Session"]),
    Network: refusing("inspector.Network", ["requestWillBeSent", "responseReceived", "loadingFinished", "loadingFailed"]),
  };
}

export function createRepl() {
  return {
    builtinModules: loadBuiltin("module").builtinModules.filter((name) => !name.startsWith("_")),
    ...refusing("repl", ["start"], ["REPLServer", "Recoverable"]),
  };
}

export function createV8() {
  // Heap figures are the worker's own (Deno.memoryUsage): packages log them or size caches.
  function getHeapStatistics() {
    const usage = host.denoMemoryUsage();
    return {
      total_heap_size: usage.heapTotal,
      total_heap_size_executable: 0,
      total_physical_size: usage.heapTotal,
      total_available_size: Math.max(0, 512 * 1024 * 1024 - usage.heapUsed),
      used_heap_size: usage.heapUsed,
      heap_size_limit: 512 * 1024 * 1024,
      malloced_memory: 0,
      peak_malloced_memory: 0,
      does_zap_garbage: 0,
      number_of_native_contexts: 1,
      number_of_detached_contexts: 0,
      total_global_handles_size: 0,
      used_global_handles_size: 0,
      external_memory: usage.external,
    };
  }
  return {
    getHeapStatistics,
    getHeapSpaceStatistics: () => [],
    getHeapCodeStatistics: () => ({ code_and_metadata_size: 0, bytecode_and_metadata_size: 0, external_script_source_size: 0, cpu_profiler_metadata_size: 0 }),
    cachedDataVersionTag: () => 0,
    isStringOneByteRepresentation: (string) => !/[^\x00-\xff]/.test(string),
    // V8's wire format (op_node_v8.cpp): plain values, typed arrays, Maps, Sets, Dates, ...
    serialize: (value) => {
      const bytes = host.ops.v8_serialize(value);
      return loadBuiltin("buffer").Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    deserialize: (buffer) => {
      if (!ArrayBuffer.isView(buffer)) throw invalidArgType("buffer", ["Buffer", "TypedArray", "DataView"], buffer);
      return host.ops.v8_deserialize(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
    },
    ...refusing("v8", ["setFlagsFromString", "writeHeapSnapshot", "getHeapSnapshot", "takeCoverage", "stopCoverage", "setHeapSnapshotNearHeapLimit"], ["Serializer", "Deserializer", "DefaultSerializer", "DefaultDeserializer", "GCProfiler"]),
  };
}

export function createTraceEvents() {
  return {
    getEnabledCategories: () => undefined, // nothing is traced
    ...refusing("trace_events", ["createTracing"]),
  };
}

export function createTty() {
  // A function's standard streams go to its log, never to a terminal.
  return {
    isatty: () => false,
    ...refusing("tty", [], ["ReadStream", "WriteStream"]),
  };
}

export function createWasi() {
  return refusing("wasi", [], ["WASI"]);
}

// node:sqlite (only under its node: name): no database file can be opened by a function's
// runtime (Supabase functions reach Postgres over the network instead).
export function createSqlite() {
  return {
    constants: Object.freeze({ SQLITE_CHANGESET_OMIT: 0, SQLITE_CHANGESET_REPLACE: 1, SQLITE_CHANGESET_ABORT: 2 }),
    ...refusing("sqlite", ["backup"], ["DatabaseSync", "StatementSync", "Session"]),
  };
}

export function createDgram() {
  return refusing("dgram", ["createSocket"], ["Socket"]);
}

export function createDomain() {
  return { active: null, ...refusing("domain", ["create", "createDomain"], ["Domain"]) };
}

// node:constants: os.constants' errno, signals and priority, dlopen, and fs.constants in
// one object, as Node's deprecated module has them.
export function createConstants() {
  const os = loadBuiltin("os").constants;
  return { ...os.dlopen, ...os.errno, ...os.signals, ...os.priority, ...loadBuiltin("fs").constants };
}

// node:_stream_wrap: Node's JSStreamSocket, a socket over any Duplex for its TLS layer.
export function createStreamWrap() {
  return refusing("_stream_wrap", [], ["JSStreamSocket"]);
}
