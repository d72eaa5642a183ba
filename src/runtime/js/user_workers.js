// EdgeRuntime.userWorkers in a main service (`sbfn serve --main-service`), with
// edge-runtime's contract (ext/workers/user_workers.js there): create() boots or reuses a
// user worker for a servicePath, worker.fetch(request, { signal }) hands it a request and
// streams both bodies; failures reject with edge-runtime's error classes, which main
// services test with `instanceof Deno.errors.X`. The server side is
// server/main_service.cpp; the transport worker_user_workers.cpp.
import { ops } from "./web/ops.js";
import { addAlgorithm } from "./web/abort.js";
import { InnerBody } from "./web/body.js";
import { headersInternals } from "./web/headers.js";
import { responseInternals } from "./web/response.js";
import { ReadableStream } from "./web/streams.js";

function errorClass(name) {
  const cls = class extends Error {
    constructor(message, options) {
      super(message, options);
      this.name = name;
    }
  };
  Object.defineProperty(cls, "name", { value: name });
  return cls;
}

// edge-runtime's runtime error classes (its ext/runtime/js/errors.js), in Deno.errors.
export const userWorkerErrors = {
  InvalidWorkerCreation: errorClass("InvalidWorkerCreation"),
  InvalidWorkerResponse: errorClass("InvalidWorkerResponse"),
  WorkerRequestCancelled: errorClass("WorkerRequestCancelled"),
  WorkerAlreadyRetired: errorClass("WorkerAlreadyRetired"),
  WorkerRequestIdleTimeout: errorClass("WorkerRequestIdleTimeout"),
};

// A failure the user worker's side reported (runtime::Failure), as edge-runtime words it.
function failureError(kind) {
  switch (kind) {
    case "limit":
      return new userWorkerErrors.WorkerRequestCancelled("request has been cancelled by supervisor");
    case "timeout":
      return new userWorkerErrors.WorkerRequestIdleTimeout("request timed out");
    case "boot_error":
      return new userWorkerErrors.InvalidWorkerCreation("worker boot error: failed to bootstrap runtime");
    default:
      return new userWorkerErrors.InvalidWorkerResponse("user worker failed to respond");
  }
}

// Response bytes buffered in JavaScript before the user worker is asked to wait.
const HIGH_WATER = 64 * 1024;

const pending = new Map(); // id -> handlers for its events (creations and transfers)

// The userWorkerEvent hook (worker_user_workers.cpp).
export function userWorkerEvent(id, kind, payload, status, statusText) {
  const handlers = pending.get(id);
  if (handlers === undefined) return;
  if (kind === "end" || kind === "error" || kind === "whole" || kind === "created" ||
      kind === "create_failed") {
    pending.delete(id);
  }
  try {
    handlers[kind]?.(payload, status, statusText);
  } catch {
    // A stream the main service already closed or errored: the news is moot.
  }
}

function nullBodyStatus(status) {
  return status === 101 || status === 204 || status === 205 || status === 304;
}

function redirectStatus(status) {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

class UserWorker {
  constructor(key) {
    this.key = key;
  }

  async fetch(request, options = {}) {
    const signal = options?.signal ?? null;
    signal?.throwIfAborted();
    const { method, url, headers, body, bodyUsed } = request;
    const headerList = [];
    for (const [name, value] of headers) headerList.push(name, value);
    const streamed = !bodyUsed && body !== null;
    const id = ops.user_worker_fetch(this.key, method, url, headerList, streamed);
    if (id === -1) {
      throw new userWorkerErrors.WorkerAlreadyRetired(
        "request cannot be handled because the worker has already retired",
      );
    }
    if (id < 0) throw new userWorkerErrors.InvalidWorkerResponse("user worker failed to respond");
    return await new Promise((resolve, reject) => {
      let controller = null;
      let reader = null;
      let paused = false;
      let done = false;
      let answered = false;
      const finish = () => {
        done = true;
        pending.delete(id);
      };
      if (signal !== null) {
        addAlgorithm(signal, () => {
          if (done) return;
          finish();
          ops.user_worker_abort(id);
          reader?.cancel(signal.reason).catch(() => {});
          if (answered) {
            try {
              controller.error(signal.reason);
            } catch {
              // already closed
            }
          } else {
            reject(signal.reason);
          }
        });
      }
      const stream = new ReadableStream(
        {
          start(c) {
            controller = c;
          },
          pull() {
            if (paused && !done) {
              paused = false;
              ops.user_worker_pause(id, false);
            }
          },
          cancel() {
            if (done) return;
            finish();
            ops.user_worker_abort(id);
          },
        },
        { highWaterMark: HIGH_WATER, size: (chunk) => chunk.byteLength },
      );
      pending.set(id, {
        head(flat, status, statusText) {
          answered = true;
          const nullBody = nullBodyStatus(status) || redirectStatus(status) || method === "HEAD" ||
            method === "CONNECT";
          if (nullBody) {
            finish();
            ops.user_worker_abort(id);
          }
          resolve(responseInternals.create(status, statusText, flat,
            nullBody ? null : new InnerBody(null, stream), []));
        },
        whole([flat, bytes], status, statusText) {
          answered = true;
          done = true;
          const nullBody = nullBodyStatus(status) || redirectStatus(status) || method === "HEAD" ||
            method === "CONNECT";
          resolve(responseInternals.create(status, statusText, flat,
            nullBody ? null : new InnerBody(bytes, null), []));
        },
        data(chunk) {
          controller.enqueue(chunk);
          if (controller.desiredSize <= 0 && !paused) {
            paused = true;
            ops.user_worker_pause(id, true);
          }
        },
        end() {
          done = true;
          controller.close();
        },
        error(kind) {
          done = true;
          const error = failureError(kind);
          if (answered) controller.error(error);
          else reject(error);
        },
        need_body() {
          if (reader === null) reader = body.getReader();
          reader.read().then(
            ({ value, done: end }) => {
              if (done) return;
              if (end) ops.user_worker_write(id, null, false);
              else if (value instanceof Uint8Array) ops.user_worker_write(id, value, false);
              else ops.user_worker_write(id, null, true);
            },
            () => {
              if (!done) ops.user_worker_write(id, null, true);
            },
          );
        },
      });
    });
  }

  static async create(opts) {
    const options = {
      noModuleCache: false,
      envVars: [],
      forceCreate: false,
      allowRemoteModules: true,
      customModuleRoot: "",
      maybeEszip: null,
      maybeEntrypoint: null,
      maybeModuleCode: null,
      ...opts,
    };
    const { servicePath, maybeEszip } = options;
    if (!maybeEszip && (!servicePath || servicePath === "")) {
      throw new TypeError("service path must be defined");
    }
    let artifact;
    if (maybeEszip !== null && maybeEszip !== undefined) {
      if (!ArrayBuffer.isView(maybeEszip) && !(maybeEszip instanceof ArrayBuffer)) {
        throw new TypeError("maybeEszip must be a Uint8Array");
      }
      artifact = maybeEszip;
    }
    const envVars = options.envVars;
    const plain = {
      ...options,
      maybeEszip: null,
      envVars: Array.isArray(envVars) ? envVars.map(([k, v]) => [String(k), String(v)]) : [],
    };
    const id = ops.user_worker_create(JSON.stringify(plain), artifact);
    const key = await new Promise((resolve, reject) => {
      pending.set(id, {
        created: resolve,
        create_failed([name, message]) {
          reject(new (userWorkerErrors[name] ?? TypeError)(message));
        },
      });
    });
    return new UserWorker(key);
  }

  static async tryCleanupIdleWorkers(timeoutMs) {
    return ops.user_worker_cleanup(Number(timeoutMs) || 0);
  }
}

// What boot() adds to EdgeRuntime and Deno.errors when the worker is a main service.
export function installMainService(edgeRuntime, denoErrors) {
  Object.assign(denoErrors, userWorkerErrors);
  Object.defineProperty(edgeRuntime, "userWorkers", {
    value: UserWorker, writable: true, configurable: true, enumerable: true,
  });
  edgeRuntime.getRuntimeMetrics = function getRuntimeMetrics() {
    const [rss, heapTotal, heapUsed, external] = ops.memory_usage();
    return {
      mainWorkerHeapStats: { totalHeapSize: heapTotal, usedHeapSize: heapUsed, externalMemory: external, rss },
      ...JSON.parse(ops.user_worker_metrics()),
    };
  };
}
