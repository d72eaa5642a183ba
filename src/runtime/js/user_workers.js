// EdgeRuntime.userWorkers in a main service (`sbfn serve --main-service`), with
// edge-runtime's contract (ext/workers/user_workers.js there): create() boots or reuses a
// user worker for a servicePath, worker.fetch(request, { signal }) hands it a request and
// streams both bodies; failures reject with edge-runtime's error classes, which main
// services test with `instanceof Deno.errors.X`. The server side is
// server/main_service.cpp; the transport worker_user_workers.cpp.
import { ops } from "./web/ops.js";
import { InnerBody } from "./web/body.js";
import { RequestBodyReader, ResponseBodyPump } from "./web/body_pump.js";
import { responseInternals } from "./web/response.js";
import { relayedUpgradeResponse } from "./websocket.js";

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

const pending = new Map(); // id -> handlers for its events (creations and transfers)

// The userWorkerEvent hook (worker_user_workers.cpp).
export function userWorkerEvent(id, kind, payload, status, statusText) {
  const handlers = pending.get(id);
  if (handlers === undefined) return;
  if (kind === "end" || kind === "error" || kind === "whole" || kind === "upgrade" ||
      kind === "created" || kind === "create_failed") {
    pending.delete(id);
  }
  try {
    handlers[kind]?.(payload, status, statusText);
  } catch {
    // A stream the main service already closed or errored: the news is moot.
  }
}

// A relayed WebSocket whose 101 response the main service dropped without returning it:
// the user worker's socket is closed rather than left waiting. Made on first use: the
// startup snapshot holds no FinalizationRegistry.
let unreturned = null;
function unreturnedUpgrades() {
  unreturned ??= new FinalizationRegistry((id) => ops.user_worker_abort(id));
  return unreturned;
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
      let answered = false;
      const pump = new ResponseBodyPump({
        pause: (paused) => ops.user_worker_pause(id, paused),
        abort: () => ops.user_worker_abort(id),
        forget: () => pending.delete(id),
      });
      const bodyReader = streamed
        ? new RequestBodyReader(body, {
          write: (bytes) => ops.user_worker_write(id, bytes, false),
          fail: () => ops.user_worker_write(id, null, true),
          isDone: () => pump.done,
        })
        : null;
      pump.abortOn(signal, bodyReader, (reason) => {
        if (answered) pump.error(reason);
        else reject(reason);
      });
      const nullBodyFor = (status) =>
        nullBodyStatus(status) || redirectStatus(status) || method === "HEAD" || method === "CONNECT";
      pending.set(id, {
        head(flat, status, statusText) {
          answered = true;
          const nullBody = nullBodyFor(status);
          if (nullBody) pump.giveUp();
          resolve(responseInternals.create(status, statusText, flat,
            nullBody ? null : new InnerBody(null, pump.stream), []));
        },
        whole([flat, bytes], status, statusText) {
          answered = true;
          pump.done = true;
          resolve(responseInternals.create(status, statusText, flat,
            nullBodyFor(status) ? null : new InnerBody(bytes, null), []));
        },
        upgrade() {
          answered = true;
          pump.done = true;
          const token = {};
          const response = relayedUpgradeResponse((requestId) => {
            unreturnedUpgrades().unregister(token);
            ops.user_worker_upgrade(requestId, id);
          });
          unreturnedUpgrades().register(response, id, token);
          resolve(response);
        },
        data(chunk) {
          pump.push(chunk);
        },
        end() {
          pump.close();
        },
        error(kind) {
          const error = failureError(kind);
          if (answered) {
            pump.error(error);
          } else {
            pump.done = true;
            reject(error);
          }
        },
        need_body() {
          bodyReader.next();
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
