// Error.stack formatting, V8's format with positions mapped back through the source
// maps of transpiled modules, so a TypeScript error names its own line and column. The
// frames are also kept in structured form (framesOf), for `sbfn test`'s reports.
import { ops } from "./web/ops.js";
import { SafeWeakMap, WeakMapPrototypeGet, WeakMapPrototypeSet } from "./primordials.js";

// error object -> its frames, as formatStack saw them.
const structured = new SafeWeakMap();

function header(error) {
  try {
    if (error === null || (typeof error !== "object" && typeof error !== "function")) {
      return String(error);
    }
    const name = error.name === undefined ? "Error" : String(error.name);
    const message = error.message === undefined ? "" : String(error.message);
    if (!name) return message;
    if (!message) return name;
    return `${name}: ${message}`;
  } catch {
    return "<error>";
  }
}

// One call site as Deno's JsStackFrame has it: `name` is the function part ("Type.fn [as
// m]", null at the top level), then where (file, line, column: 1-based, mapped), or
// `where` for what has no file ("native", "<anonymous>", "eval at ...").
function frameOf(site) {
  const frame = { async: site.isAsync(), name: null, file: null, line: null, column: null, where: null };
  if (site.isPromiseAll()) {
    frame.name = `Promise.all (index ${site.getPromiseIndex()})`;
    frame.promiseAll = true;
    return frame;
  }
  if (site.isNative()) {
    frame.where = "native";
  } else {
    const file = site.getScriptNameOrSourceURL() || site.getFileName();
    let line = site.getLineNumber();
    let column = site.getColumnNumber();
    if (!file) {
      frame.where = site.isEval() ? `eval at ${site.getEvalOrigin()}` : "<anonymous>";
    } else {
      frame.file = file;
      if (line !== null && column !== null) {
        const mapped = ops.map_position(file, line, column);
        if (mapped !== undefined) [line, column] = mapped;
        frame.line = line;
        frame.column = column;
      }
    }
  }
  const fn = site.getFunctionName();
  if (site.isConstructor()) {
    frame.name = `new ${fn || "<anonymous>"}`;
  } else if (!site.isToplevel()) {
    const type = site.getTypeName();
    const method = site.getMethodName();
    if (fn) {
      let name = type && !fn.startsWith(type) ? `${type}.${fn}` : fn;
      if (method && !fn.endsWith(method)) name += ` [as ${method}]`;
      frame.name = name;
    } else {
      frame.name = `${type || "<anonymous>"}.${method || "<anonymous>"}`;
    }
  } else if (fn) {
    frame.name = fn;
  }
  return frame;
}

// "file:line:column", or what stands for it.
export function frameLocation(frame) {
  if (frame.where !== null) return frame.where;
  return frame.line === null ? frame.file : `${frame.file}:${frame.line}:${frame.column}`;
}

function describe(frame) {
  let text;
  if (frame.promiseAll) text = frame.name;
  else text = frame.name === null ? frameLocation(frame) : `${frame.name} (${frameLocation(frame)})`;
  return frame.async ? `async ${text}` : text;
}

export function formatStack(error, sites) {
  // A program's own Error.prepareStackTrace wins, as in V8 without an embedder's hook
  // (depd, which express uses, reads call sites through it).
  const prepare = Error.prepareStackTrace;
  if (typeof prepare === "function") return prepare(error, sites);
  const frames = [];
  for (const site of sites) frames.push(frameOf(site));
  if (error !== null && typeof error === "object") WeakMapPrototypeSet(structured, error, frames);
  let out = header(error);
  for (const frame of frames) {
    out += `\n    at ${describe(frame)}`;
  }
  return out;
}

// The structured frames of `error` (its stack formatted here), or undefined.
export function framesOf(error) {
  if (error === null || typeof error !== "object") return undefined;
  try {
    void error.stack; // V8 formats it on first access
  } catch {
    return undefined;
  }
  return WeakMapPrototypeGet(structured, error);
}

// The runtime's own code (the snapshot's bundles, node: built-ins): what Deno calls
// "ext:" frames, left out of user-facing locations.
export function isInternalFrame(frame) {
  const file = frame.file;
  return file === null || file.startsWith("sbfn:") || file.startsWith("node:");
}

// Where the code that called into the runtime is: the first frame outside it (Deno's
// core.currentUserCallSite), as { fileName, lineNumber, columnNumber }.
export function callerLocation() {
  const frames = framesOf(new Error()) ?? [];
  for (const frame of frames) {
    if (!isInternalFrame(frame) && frame.line !== null) {
      return { fileName: frame.file, lineNumber: frame.line, columnNumber: frame.column };
    }
  }
  return { fileName: "", lineNumber: 0, columnNumber: 0 };
}
