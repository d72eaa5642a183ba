// node:util. Formatting comes from the runtime's own inspect (js/web/inspect.js, the one
// console.log uses); util.types checks brands the way V8 does (natively, through
// ops.node_types, for what JavaScript cannot tell: proxies, boxed primitives, ...).
import { host } from "./runtime.js";
import { invalidArgType, makeError, validateFunction } from "./errors.js";
import { loadBuiltin } from "./registry.js";
import { format, formatWithOptions, inspect, inspectColors, inspectDefaults, inspectStyles } from "./util_format.js";
import { createMimeClasses, getSystemErrorMap, getSystemErrorMessage, getSystemErrorName, parseArgs, parseEnv, styleText } from "./util_extras.js";

// --- types --------------------------------------------------------------------------

export function createUtil() {
  function brand(fn) {
    return (value) => {
      try {
        fn(value);
        return true;
      } catch {
        return false;
      }
    };
  }
  const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;
  const isTypedArrayOf = (name) => (value) => typedArrayTag.call(value) === name;
  const arrayBufferLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get;
  const sharedLength = globalThis.SharedArrayBuffer
    ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, "byteLength").get
    : undefined;

  const types = {
    isDate: brand((v) => Date.prototype.getTime.call(v)),
    isRegExp: brand((v) => Object.getOwnPropertyDescriptor(RegExp.prototype, "source").get.call(v) !== undefined && RegExp.prototype.exec.call(v, "")),
    isMap: brand((v) => Map.prototype.has.call(v)),
    isSet: brand((v) => Set.prototype.has.call(v)),
    isWeakMap: brand((v) => WeakMap.prototype.has.call(v, {})),
    isWeakSet: brand((v) => WeakSet.prototype.has.call(v, {})),
    isArrayBuffer: brand((v) => arrayBufferLength.call(v)),
    isSharedArrayBuffer: (v) => sharedLength !== undefined && brand((x) => sharedLength.call(x))(v),
    isDataView: brand((v) => Object.getOwnPropertyDescriptor(DataView.prototype, "byteLength").get.call(v)),
    isTypedArray: (v) => typedArrayTag.call(v) !== undefined,
    isArrayBufferView: (v) => ArrayBuffer.isView(v),
    isNativeError: (v) => v instanceof Error || Object.prototype.toString.call(v) === "[object Error]",
    isKeyObject: (v) => v?.[Symbol.toStringTag] === "KeyObject",
    isCryptoKey: (v) => v instanceof CryptoKey,
  };
  types.isPromise = (v) => {
    if (!(v !== null && (typeof v === "object" || typeof v === "function"))) return false;
    // A real promise, not a thenable: Promise.resolve returns it unchanged.
    try {
      return Promise.resolve(v) === v && Object.prototype.toString.call(v) === "[object Promise]";
    } catch {
      return false;
    }
  };
  types.isAnyArrayBuffer = (v) => types.isArrayBuffer(v) || types.isSharedArrayBuffer(v);
  for (const name of ["Uint8Array", "Uint8ClampedArray", "Uint16Array", "Uint32Array", "Int8Array", "Int16Array", "Int32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"]) {
    types[`is${name}`] = isTypedArrayOf(name);
  }
  const nativeNames = host.ops.node_type_names();
  nativeNames.forEach((name, bit) => {
    types[name] = (value) => (host.ops.node_types(value) & (1 << bit)) !== 0;
  });
  types.isBoxedPrimitive = (v) =>
    types.isNumberObject(v) || types.isStringObject(v) || types.isBooleanObject(v) || types.isBigIntObject(v) || types.isSymbolObject(v);
  types.isWeakRef = brand((v) => WeakRef.prototype.deref.call(v));

  // --- inspect and format: util_format.js ----------------------------------------------

  inspect.custom = Symbol.for("nodejs.util.inspect.custom");
  inspect.defaultOptions = inspectDefaults;
  inspect.colors = inspectColors;
  inspect.styles = inspectStyles;

  // --- functions ----------------------------------------------------------------------

  const kCustomPromisify = Symbol.for("nodejs.util.promisify.custom");
  function promisify(original) {
    validateFunction(original, "original");
    if (original[kCustomPromisify]) {
      const fn = original[kCustomPromisify];
      validateFunction(fn, "util.promisify.custom");
      return Object.defineProperty(fn, kCustomPromisify, { value: fn, enumerable: false, writable: false, configurable: true });
    }
    function fn(...args) {
      return new Promise((resolve, reject) => {
        Reflect.apply(original, this, [
          ...args,
          (error, ...values) => {
            if (error) reject(error);
            else resolve(values[0]);
          },
        ]);
      });
    }
    Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
    Object.defineProperty(fn, kCustomPromisify, { value: fn, enumerable: false, writable: false, configurable: true });
    return Object.defineProperties(fn, Object.getOwnPropertyDescriptors(original));
  }
  promisify.custom = kCustomPromisify;

  function callbackify(original) {
    validateFunction(original, "original");
    function callbackified(...args) {
      const callback = args.pop();
      validateFunction(callback, "last argument");
      const onRejected = (reason) => {
        if (!reason) {
          const error = makeError(Error, "ERR_FALSY_VALUE_REJECTION", "Promise was rejected with falsy value");
          error.reason = reason;
          reason = error;
        }
        callback(reason);
      };
      Reflect.apply(original, this, args).then(
        (value) => queueMicrotask(() => callback(null, value)),
        (reason) => queueMicrotask(() => onRejected(reason)),
      );
    }
    Object.setPrototypeOf(callbackified, Object.getPrototypeOf(original));
    Object.defineProperties(callbackified, Object.getOwnPropertyDescriptors(original));
    return callbackified;
  }

  function inherits(ctor, superCtor) {
    if (ctor === undefined || ctor === null) throw invalidArgType("ctor", "Function", ctor);
    if (superCtor === undefined || superCtor === null) throw invalidArgType("superCtor", "Function", superCtor);
    if (superCtor.prototype === undefined) throw invalidArgType("superCtor.prototype", "Object", superCtor.prototype);
    Object.defineProperty(ctor, "super_", { value: superCtor, writable: true, configurable: true });
    Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
  }

  const warnedCodes = new Set();
  function deprecate(fn, message, code = undefined) {
    validateFunction(fn, "fn");
    let warned = false;
    function deprecated(...args) {
      const process = globalThis.process;
      if (!process?.noDeprecation && !warned && !(code !== undefined && warnedCodes.has(code))) {
        warned = true;
        if (code !== undefined) warnedCodes.add(code);
        if (process?.throwDeprecation) {
          const error = new Error(message);
          error.name = "DeprecationWarning";
          if (code !== undefined) error.code = code;
          throw error;
        }
        process?.emitWarning(message, "DeprecationWarning", code);
      }
      return new.target ? Reflect.construct(fn, args, new.target) : Reflect.apply(fn, this, args);
    }
    Object.setPrototypeOf(deprecated, fn);
    if (fn.prototype) deprecated.prototype = fn.prototype;
    return deprecated;
  }

  // NODE_DEBUG=name,other enables util.debuglog("name").
  function debuglog(section, callback = undefined) {
    let enabled;
    const logger = (...args) => {
      if (enabled === undefined) {
        const names = (host.envApi.get("NODE_DEBUG") ?? "").split(",").map((s) => s.trim().toUpperCase());
        enabled = names.includes(section.toUpperCase()) || names.includes("*");
        if (enabled && callback) callback(logger);
      }
      if (enabled) host.ops.print(`${section.toUpperCase()} ${globalThis.process?.pid ?? 0}: ${format(...args)}\n`, 2);
    };
    Object.defineProperty(logger, "enabled", {
      get() {
        if (enabled === undefined) logger.call(undefined);
        return enabled;
      },
    });
    return logger;
  }

  // Node's own comparison (lib/internal/util/comparisons.js, as the `assert` package ports
  // it); required on first use, because it reads util.types from this module.
  function isDeepStrictEqual(a, b) {
    // eslint-disable-next-line no-undef -- esbuild's require, resolved at bundle time
    return require("assert/build/internal/util/comparisons.js").isDeepStrictEqual(a, b);
  }

  function stripVTControlCharacters(str) {
    if (typeof str !== "string") throw invalidArgType("str", "string", str);
    // eslint-disable-next-line no-control-regex
    return str.replace(/[\u001B\u009B][[\]()#;?]*(?:(?:(?:(?:;[-a-zA-Z\d/#&.:=?%@~_]+)*|[a-zA-Z\d]+(?:;[-a-zA-Z\d/#&.:=?%@~_]*)*)?\u0007)|(?:(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PR-TZcf-ntqry=><~]))/g, "");
  }

  function toUSVString(string) {
    return String(string).toWellFormed?.() ?? String(string).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
  }

  function aborted(signal, resource) {
    if (resource === undefined || resource === null || typeof resource !== "object") {
      throw invalidArgType("resource", "object", resource);
    }
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  }

  const isArray = Array.isArray;

  // The type checks Node 22 still exports (deprecated since Node 4, removed in 23): old
  // packages (the `path` port among them) call them.
  const legacyChecks = {
    isBoolean: (v) => typeof v === "boolean",
    isBuffer: (v) => loadBuiltin("buffer").Buffer.isBuffer(v),
    isDate: (v) => types.isDate(v),
    isError: (v) => types.isNativeError(v),
    isFunction: (v) => typeof v === "function",
    isNull: (v) => v === null,
    isNullOrUndefined: (v) => v === null || v === undefined,
    isNumber: (v) => typeof v === "number",
    isObject: (v) => v !== null && typeof v === "object",
    isPrimitive: (v) => v === null || (typeof v !== "object" && typeof v !== "function"),
    isRegExp: (v) => types.isRegExp(v),
    isString: (v) => typeof v === "string",
    isSymbol: (v) => typeof v === "symbol",
    isUndefined: (v) => v === undefined,
  };

  // util._extend(target, source): Object.assign of own enumerable keys (deprecated, used).
  function _extend(target, source) {
    if (source === null || typeof source !== "object") return target;
    for (const key of Object.keys(source)) target[key] = source[key];
    return target;
  }

  // util.log: a timestamped console.log ("2 Dec 13:58:01 - message").
  function log(...args) {
    const d = new Date();
    const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const time = [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
    console.log("%s - %s", `${d.getDate()} ${months[d.getMonth()]} ${time}`, format(...args));
  }

  // An AbortSignal is already transferable here: the functions return what they are given.
  const transferableAbortSignal = (signal) => signal;
  const transferableAbortController = () => new AbortController();

  let mime;
  const mimeClasses = () => (mime ??= createMimeClasses());

  return {
    ...legacyChecks,
    get MIMEType() {
      return mimeClasses().MIMEType;
    },
    get MIMEParams() {
      return mimeClasses().MIMEParams;
    },
    _extend,
    getSystemErrorMap,
    getSystemErrorMessage,
    getSystemErrorName,
    log,
    parseArgs,
    parseEnv,
    styleText,
    transferableAbortController,
    transferableAbortSignal,
    aborted,
    callbackify,
    debug: debuglog,
    debuglog,
    deprecate,
    format,
    formatWithOptions,
    inherits,
    inspect,
    isArray,
    isDeepStrictEqual,
    promisify,
    stripVTControlCharacters,
    toUSVString,
    types,
    TextDecoder: host.TextDecoder,
    TextEncoder: host.TextEncoder,
  };
}
