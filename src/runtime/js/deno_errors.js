// Deno.errors: the classes functions test with `instanceof`, in Deno's order.
const names = [
  "NotFound", "PermissionDenied", "ConnectionRefused", "ConnectionReset", "ConnectionAborted",
  "NotConnected", "AddrInUse", "AddrNotAvailable", "BrokenPipe", "AlreadyExists", "InvalidData",
  "TimedOut", "Interrupted", "WriteZero", "WouldBlock", "UnexpectedEof", "BadResource", "Http",
  "Busy", "NotSupported", "FilesystemLoop", "IsADirectory", "NetworkUnreachable", "NotADirectory",
  "NotCapable",
];

export const errors = {};
for (const name of names) {
  const cls = class extends Error {
    constructor(message, options) {
      super(message, options);
      this.name = name;
    }
  };
  Object.defineProperty(cls, "name", { value: name });
  errors[name] = cls;
}

// An op error naming a Deno.errors class (its `name`; older ops put it in `code`)
// becomes an instance of that class; an errno name in `code` ("ENOENT") stays on it, as
// Deno's errors carry it.
export function fromOpError(error) {
  if (error === null || typeof error !== "object") return error;
  const cls = errors[error.name] ?? errors[error.code];
  if (cls) {
    const out = new cls(error.message);
    if (typeof error.code === "string" && error.code !== out.name) out.code = error.code;
    return out;
  }
  if (error.name === "Error" && error.constructor === Error) return error;
  return error;
}

// Runs an op, turning what it throws into Deno's classes.
export function call(fn, ...args) {
  try {
    return fn(...args);
  } catch (error) {
    throw fromOpError(error);
  }
}

// Awaits an op's promise, turning its rejection into Deno's classes.
export async function callAsync(fn, ...args) {
  try {
    return await fn(...args);
  } catch (error) {
    throw fromOpError(error);
  }
}

const refused = "is not allowed in functions: Supabase Edge Functions cannot spawn subprocesses, load native libraries (FFI) or handle signals.";

// What functions may not do (Supabase's user-worker rules): each throws NotSupported.
export function notSupported(what) {
  return () => {
    throw new errors.NotSupported(`${what} ${refused}`);
  };
}
