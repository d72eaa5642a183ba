// console (WHATWG Console), Deno-style output through ops.print.
import { inspect } from "./inspect.js";
import { ops } from "./ops.js";
import { setToStringTag } from "./util.js";

function formatNumberArg(n) {
  return Object.is(n, -0) ? "-0" : `${n}`;
}

function formatArg(arg) {
  return typeof arg === "string" ? arg : inspect(arg);
}

// Formats console arguments (printf-style when the first one is a string).
export function formatArgs(args) {
  if (args.length === 0) return "";
  const first = args[0];
  let out = "";
  let a = 1;
  if (typeof first === "string" && args.length > 1) {
    let last = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 37) continue; // '%'
      const c = first[i + 1];
      if (c === "%") {
        out += first.slice(last, i) + "%";
        last = i + 2;
        i++;
        continue;
      }
      if (a >= args.length) continue;
      let rep;
      const arg = args[a];
      switch (c) {
        case "s":
          rep =
            typeof arg === "string" ? arg
            : typeof arg === "bigint" ? `${arg}n`
            : typeof arg === "number" ? formatNumberArg(arg)
            : typeof arg === "symbol" ? String(arg)
            : stringOrInspect(arg);
          break;
        case "d":
          rep =
            typeof arg === "bigint" ? `${arg}n`
            : typeof arg === "symbol" ? "NaN"
            : formatNumberArg(Math.trunc(Number(arg)));
          break;
        case "i":
          rep =
            typeof arg === "bigint" ? `${arg}`
            : typeof arg === "symbol" ? "NaN"
            : formatNumberArg(parseInt(arg));
          break;
        case "f":
          rep = typeof arg === "symbol" ? "NaN" : formatNumberArg(parseFloat(arg));
          break;
        case "j":
          try {
            rep = JSON.stringify(arg);
          } catch (e) {
            rep = "[Circular]";
          }
          break;
        case "o":
        case "O":
          rep = inspect(arg);
          break;
        case "c":
          rep = "";
          break;
        default:
          continue;
      }
      out += first.slice(last, i) + rep;
      last = i + 2;
      i++;
      a++;
    }
    out += first.slice(last);
  } else {
    out = formatArg(first);
  }
  for (; a < args.length; a++) out += " " + formatArg(args[a]);
  return out;
}

function stringOrInspect(arg) {
  try {
    return String(arg);
  } catch {
    return inspect(arg, { depth: 0 });
  }
}

const kState = Symbol("consoleState");

function makeConsole(print) {
  const state = { indent: "", counts: new Map(), timers: new Map() };
  const write = (fd, text) => {
    if (state.indent !== "") text = state.indent + text.replace(/\n/g, `\n${state.indent}`);
    print(text, fd);
  };
  const c = Object.create(Console.prototype);
  const methods = {
    log: (...args) => write(1, formatArgs(args)),
    info: (...args) => write(1, formatArgs(args)),
    debug: (...args) => write(1, formatArgs(args)),
    dirxml: (...args) => write(1, formatArgs(args)),
    warn: (...args) => write(2, formatArgs(args)),
    error: (...args) => write(2, formatArgs(args)),
    trace: (...args) => {
      const err = { name: "Trace", message: formatArgs(args) };
      Error.captureStackTrace?.(err, methods.trace);
      write(2, err.stack ?? `Trace: ${err.message}`);
    },
    assert: (condition = false, ...args) => {
      if (condition) return;
      if (args.length === 0) return write(2, "Assertion failed");
      if (typeof args[0] === "string") {
        args[0] = `Assertion failed: ${args[0]}`;
        return write(2, formatArgs(args));
      }
      write(2, formatArgs(["Assertion failed:", ...args]));
    },
    dir: (obj = undefined, options = undefined) => write(1, inspect(obj, options)),
    table: (data, properties = undefined) => {
      if (data === null || typeof data !== "object") return write(1, formatArgs([data]));
      write(1, renderTable(data, properties));
    },
    group: (...label) => {
      if (label.length) write(1, formatArgs(label));
      state.indent += "  ";
    },
    groupCollapsed: (...label) => methods.group(...label),
    groupEnd: () => {
      state.indent = state.indent.slice(0, -2);
    },
    count: (label = "default") => {
      label = String(label);
      const n = (state.counts.get(label) ?? 0) + 1;
      state.counts.set(label, n);
      write(1, `${label}: ${n}`);
    },
    countReset: (label = "default") => {
      label = String(label);
      if (state.counts.has(label)) state.counts.set(label, 0);
      else write(2, `Count for '${label}' does not exist`);
    },
    time: (label = "default") => {
      label = String(label);
      if (state.timers.has(label)) return write(2, `Timer '${label}' already exists`);
      state.timers.set(label, ops.now());
    },
    timeLog: (label = "default", ...data) => {
      label = String(label);
      if (!state.timers.has(label)) return write(2, `Timer '${label}' does not exist`);
      const ms = ops.now() - state.timers.get(label);
      write(1, formatArgs([`${label}: ${formatDuration(ms)}`, ...data]));
    },
    timeEnd: (label = "default") => {
      label = String(label);
      if (!state.timers.has(label)) return write(2, `Timer '${label}' does not exist`);
      const ms = ops.now() - state.timers.get(label);
      state.timers.delete(label);
      write(1, `${label}: ${formatDuration(ms)}`);
    },
    clear: () => {},
    profile: () => {},
    profileEnd: () => {},
    timeStamp: () => {},
  };
  for (const k of Object.keys(methods)) {
    Object.defineProperty(methods[k], "name", { value: k });
    Object.defineProperty(c, k, { value: methods[k], writable: true, enumerable: true, configurable: true });
  }
  Object.defineProperty(c, kState, { value: state });
  return c;
}

function formatDuration(ms) {
  return `${Math.round(ms * 1000) / 1000}ms`;
}

function renderTable(data, properties) {
  const rows = [];
  const cols = [];
  const addCol = (c) => {
    if (!cols.includes(c)) cols.push(c);
  };
  let hasValues = false;
  const entries = data instanceof Map ? [...data.entries()] : data instanceof Set ? [...data].map((v, i) => [i, v]) : Object.entries(data);
  for (const [k, v] of entries) {
    const row = { key: String(k), cells: new Map(), value: undefined };
    if (v !== null && typeof v === "object") {
      for (const [ck, cv] of Object.entries(v)) {
        if (properties && !properties.includes(ck)) continue;
        addCol(ck);
        row.cells.set(ck, inspect(cv, { depth: 1 }));
      }
    } else {
      hasValues = true;
      row.value = inspect(v);
    }
    rows.push(row);
  }
  const header = [data instanceof Set ? "(iter idx)" : "(idx)", ...cols, ...(hasValues ? ["Values"] : [])];
  const body = rows.map((r) => [
    r.key,
    ...cols.map((c) => r.cells.get(c) ?? ""),
    ...(hasValues ? [r.value ?? ""] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)) + 2);
  const center = (s, w) => {
    const left = Math.floor((w - s.length) / 2);
    return " ".repeat(left) + s + " ".repeat(w - s.length - left);
  };
  const line = (l, m, r) => l + widths.map((w) => "─".repeat(w)).join(m) + r;
  const out = [line("┌", "┬", "┐"), "│" + header.map((h, i) => center(h, widths[i])).join("│") + "│", line("├", "┼", "┤")];
  for (const b of body) out.push("│" + b.map((s, i) => center(s, widths[i])).join("│") + "│");
  out.push(line("└", "┴", "┘"));
  return out.join("\n");
}

export class Console {
  constructor() {
    throw new TypeError("Illegal constructor");
  }
}
setToStringTag(Console, "console");

export function createConsole(print = (s, fd) => ops.print(s, fd)) {
  return makeConsole(print);
}
