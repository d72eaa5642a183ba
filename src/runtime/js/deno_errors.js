// Deno.errors: the classes functions test with `instanceof`.
const names = [
  "NotFound", "PermissionDenied", "ConnectionRefused", "ConnectionReset", "ConnectionAborted",
  "NotConnected", "AddrInUse", "AddrNotAvailable", "BrokenPipe", "AlreadyExists", "InvalidData",
  "TimedOut", "Interrupted", "WriteZero", "UnexpectedEof", "BadResource", "Http", "Busy",
  "NotSupported", "IsADirectory", "NotADirectory", "NotCapable",
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

// An op error carrying `code` becomes the Deno.errors class of that name.
export function fromOpError(error) {
  if (error && typeof error.code === "string" && errors[error.code]) {
    return new errors[error.code](error.message);
  }
  return error;
}
