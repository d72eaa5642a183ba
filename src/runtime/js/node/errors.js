// Node's error codes (lib/internal/errors.js): packages test `err.code`, and the messages
// are the ones Node and Deno print. Only what the built-ins here throw.

function describeReceived(value) {
  if (value == null) return ` Received ${value}`;
  if (typeof value === "function") return ` Received function ${value.name}`;
  if (typeof value === "object") {
    if (value.constructor?.name) return ` Received an instance of ${value.constructor.name}`;
    return " Received [object Object]";
  }
  let shown = String(value).slice(0, 25);
  if (String(value).length > 25) shown += "...";
  if (typeof value === "string") shown = `'${shown}'`;
  if (typeof value === "bigint") shown += "n";
  return ` Received type ${typeof value} (${shown})`;
}

export function makeError(Base, code, message) {
  const error = new Base(message);
  Object.defineProperty(error, "code", { value: code, writable: true, enumerable: true, configurable: true });
  // "TypeError [ERR_X]: message" in stacks, as Node's errors read.
  const stack = error.stack;
  if (typeof stack === "string" && stack.startsWith(`${error.name}: `)) {
    Object.defineProperty(error, "stack", {
      value: `${error.name} [${code}]: ${stack.slice(error.name.length + 2)}`,
      writable: true,
      configurable: true,
    });
  }
  return error;
}

const TYPES = new Set(["string", "number", "bigint", "boolean", "symbol", "undefined", "object", "function"]);

// 'The "name" argument must be of type string. Received type number (1)'
export function invalidArgType(name, expected, actual) {
  const list = Array.isArray(expected) ? expected : [expected];
  const types = list.filter((t) => TYPES.has(t));
  const classes = list.filter((t) => !TYPES.has(t));
  const kind = name.includes(".") ? "property" : "argument";
  let message = `The "${name}" ${kind} must be `;
  const parts = [];
  if (types.length > 0) {
    parts.push(`${types.length > 1 ? "one of type" : "of type"} ${joinOr(types)}`);
  }
  if (classes.length > 0) {
    parts.push(`${classes.length > 1 ? "an instance of" : "an instance of"} ${joinOr(classes)}`);
  }
  message += parts.join(" or ") + "." + describeReceived(actual);
  return makeError(TypeError, "ERR_INVALID_ARG_TYPE", message);
}

function joinOr(items) {
  if (items.length <= 2) return items.join(" or ");
  return `${items.slice(0, -1).join(", ")}, or ${items[items.length - 1]}`;
}

export function invalidArgValue(name, value, reason = "is invalid") {
  let shown;
  try {
    shown = typeof value === "string" ? `'${value}'` : String(value);
  } catch {
    shown = typeof value;
  }
  const kind = name.includes(".") ? "property" : "argument";
  return makeError(TypeError, "ERR_INVALID_ARG_VALUE", `The ${kind} '${name}' ${reason}. Received ${shown}`);
}

export function outOfRange(name, range, received) {
  return makeError(
    RangeError,
    "ERR_OUT_OF_RANGE",
    `The value of "${name}" is out of range. It must be ${range}. Received ${received}`,
  );
}

export function validateString(value, name) {
  if (typeof value !== "string") throw invalidArgType(name, "string", value);
}

export function validateFunction(value, name) {
  if (typeof value !== "function") throw invalidArgType(name, "Function", value);
}

export function validateObject(value, name) {
  if (value === null || typeof value !== "object") throw invalidArgType(name, "Object", value);
}

export function validateNumber(value, name) {
  if (typeof value !== "number") throw invalidArgType(name, "number", value);
}

export function validateBoolean(value, name) {
  if (typeof value !== "boolean") throw invalidArgType(name, "boolean", value);
}

export function validateAbortSignal(signal, name) {
  if (signal !== undefined && (signal === null || typeof signal !== "object" || !("aborted" in signal))) {
    throw invalidArgType(name, "AbortSignal", signal);
  }
}

// The error a cancelled operation rejects with (Node's AbortError).
export class AbortError extends Error {
  constructor(message = "The operation was aborted", options = undefined) {
    super(message, options);
    this.code = "ABORT_ERR";
    this.name = "AbortError";
  }
}
