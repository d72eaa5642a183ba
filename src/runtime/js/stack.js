// Error.stack formatting, V8's format with positions mapped back through the source
// maps of transpiled modules, so a TypeScript error names its own line and column.
import { ops } from "./web/ops.js";

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

function location(site) {
  if (site.isNative()) return "native";
  const file = site.getScriptNameOrSourceURL() || site.getFileName();
  let line = site.getLineNumber();
  let column = site.getColumnNumber();
  if (!file) {
    return site.isEval() ? `eval at ${site.getEvalOrigin()}` : "<anonymous>";
  }
  if (line !== null && column !== null) {
    const mapped = ops.map_position(file, line, column);
    if (mapped !== undefined) [line, column] = mapped;
    return `${file}:${line}:${column}`;
  }
  return file;
}

function describe(site) {
  if (site.isPromiseAll()) return `Promise.all (index ${site.getPromiseIndex()})`;
  const where = location(site);
  const fn = site.getFunctionName();
  let name;
  if (site.isConstructor()) {
    name = `new ${fn || "<anonymous>"}`;
  } else if (!site.isToplevel()) {
    const type = site.getTypeName();
    const method = site.getMethodName();
    if (fn) {
      name = type && !fn.startsWith(type) ? `${type}.${fn}` : fn;
      if (method && !fn.endsWith(method)) name += ` [as ${method}]`;
    } else {
      name = `${type || "<anonymous>"}.${method || "<anonymous>"}`;
    }
  } else {
    name = fn;
  }
  const text = name ? `${name} (${where})` : where;
  return site.isAsync() ? `async ${text}` : text;
}

export function formatStack(error, sites) {
  let out = header(error);
  for (const site of sites) {
    out += `\n    at ${describe(site)}`;
  }
  return out;
}
