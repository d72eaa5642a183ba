// Deno-compatible value formatting (Deno.inspect / console.log), colourless.
// Layout rules follow Deno's output: entries of the innermost 3 levels are put on
// one line when they fit in 80 columns, long arrays of short items are grouped in
// columns, nesting stops at depth 4.

export const customInspect = Symbol.for("Deno.customInspect");
const privateCustomInspect = Symbol.for("Deno.privateCustomInspect");
const nodeCustomInspect = Symbol.for("nodejs.util.inspect.custom");

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag).get;
const fnToString = Function.prototype.toString;
const objToString = Object.prototype.toString;
const errorToString = Error.prototype.toString;
const dateToISOString = Date.prototype.toISOString;
const regexpToString = RegExp.prototype.toString;
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, "size").get;
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, "size").get;

const IDENT = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

let promiseState = null; // optional native hook: (p) => [state(0 pending,1 fulfilled,2 rejected), value]
export function setPromiseStateHook(fn) {
  promiseState = fn;
}

export function inspect(value, options = undefined) {
  const ctx = {
    depth: options?.depth ?? 4,
    breakLength: options?.breakLength ?? 80,
    compact: options?.compact ?? 3,
    maxArrayLength: options?.iterableLimit ?? 100,
    maxStringLength: options?.strAbbreviateSize ?? Infinity,
    showHidden: !!options?.showHidden,
    sorted: !!options?.sorted,
    getters: !!options?.getters,
    trailingComma: !!options?.trailingComma,
    singleQuotes: !!options?.singleQuotes, // node:util's inspect
    indentationLvl: 0,
    currentDepth: 0,
    seen: [],
    circular: undefined,
  };
  return formatValue(ctx, value, 0, false);
}

// ---------------------------------------------------------------- primitives

const META = [];
for (let i = 0; i < 0x20; i++) META[i] = `\\x${i.toString(16).padStart(2, "0")}`;
META[8] = "\\b";
META[9] = "\\t";
META[10] = "\\n";
META[11] = "\\v";
META[12] = "\\f";
META[13] = "\\r";

function escapeChar(c, quote) {
  const code = c.charCodeAt(0);
  if (c === quote || c === "\\") return `\\${c}`;
  if (code < 0x20) return META[code];
  if (code >= 0x7f && code <= 0x9f) return `\\x${code.toString(16)}`;
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

// Deno quotes with " first, Node's util.inspect with ' first (`singleQuotes`); either
// falls back to the other, then to `, when the string holds its quote.
export function quoteString(s, singleQuotes = false) {
  const [first, second] = singleQuotes ? ["'", '"'] : ['"', "'"];
  let quote = first;
  if (s.includes(first)) {
    if (!s.includes(second)) quote = second;
    else if (!s.includes("`") && !s.includes("${")) quote = "`";
  }
  const re = quote === '"' ? /["\\\x00-\x1f\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
    : quote === "'" ? /['\\\x00-\x1f\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
    : /[`\\\x00-\x1f\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  return quote + s.replace(re, (c) => escapeChar(c, quote)) + quote;
}

function formatNumber(n) {
  return Object.is(n, -0) ? "-0" : `${n}`;
}

function formatPrimitive(ctx, v) {
  switch (typeof v) {
    case "string": {
      let s = v;
      let trailer = "";
      if (s.length > ctx.maxStringLength) {
        const rest = s.length - ctx.maxStringLength;
        s = s.slice(0, ctx.maxStringLength);
        trailer = `... ${rest} more character${rest > 1 ? "s" : ""}`;
      }
      return quoteString(s, ctx.singleQuotes) + trailer;
    }
    case "number":
      return formatNumber(v);
    case "bigint":
      return `${v}n`;
    case "boolean":
      return `${v}`;
    case "undefined":
      return "undefined";
    case "symbol":
      return symbolToString(v);
  }
  return String(v);
}

function symbolToString(sym) {
  const d = sym.description;
  if (d === undefined) return "Symbol()";
  return `Symbol(${d})`;
}

// ---------------------------------------------------------------- objects

function formatValue(ctx, value, level, typedArray) {
  if (value === null) return "null";
  if (typeof value !== "object" && typeof value !== "function") return formatPrimitive(ctx, value);

  // Custom inspection.
  const custom = safeGet(value, customInspect) ?? safeGet(value, privateCustomInspect);
  if (typeof custom === "function" && !isProxy(value)) {
    const inspectFn = (v, o) => inspect(v, { singleQuotes: ctx.singleQuotes, ...o, depth: o?.depth ?? ctx.depth - level });
    const r = custom.call(value, inspectFn, { depth: ctx.depth - level, indentationLvl: ctx.indentationLvl });
    if (r !== value) return typeof r === "string" ? r : formatValue(ctx, r, level, false);
  } else if (!isProxy(value)) {
    // Node's protocol, which Deno honours too (Buffer's `<Buffer 68 69>` comes this way):
    // [util.inspect.custom](depth, options, inspect).
    const nodeCustom = safeGet(value, nodeCustomInspect);
    if (typeof nodeCustom === "function") {
      const inspectFn = (v, o) => inspect(v, { singleQuotes: ctx.singleQuotes, ...o, depth: o?.depth ?? ctx.depth - level });
      const options = { depth: ctx.depth - level, indentationLvl: ctx.indentationLvl, stylize: (text) => text };
      const r = nodeCustom.call(value, ctx.depth - level, options, inspectFn);
      if (r !== value) return typeof r === "string" ? r : formatValue(ctx, r, level, false);
    }
  }

  if (ctx.seen.includes(value)) {
    if (ctx.circular === undefined) ctx.circular = new Map();
    let idx = ctx.circular.get(value);
    if (idx === undefined) {
      idx = ctx.circular.size + 1;
      ctx.circular.set(value, idx);
    }
    return `[Circular *${idx}]`;
  }
  return formatRaw(ctx, value, level, typedArray);
}

function isProxy(_v) {
  return false;
}

function safeGet(obj, key) {
  try {
    return obj[key];
  } catch {
    return undefined;
  }
}

function getConstructorName(obj) {
  let o = obj;
  let first = true;
  while (o !== null && o !== undefined) {
    const d = Object.getOwnPropertyDescriptor(o, "constructor");
    if (d !== undefined && typeof d.value === "function" && d.value.name !== "") {
      return first || o !== obj ? d.value.name : d.value.name;
    }
    o = Object.getPrototypeOf(o);
    first = false;
  }
  return null;
}

function getKeys(ctx, value) {
  let keys = Object.keys(value);
  const symbols = Object.getOwnPropertySymbols(value);
  if (ctx.showHidden) {
    keys = Object.getOwnPropertyNames(value);
    if (symbols.length) keys.push(...symbols);
  } else {
    for (const s of symbols) {
      if (Object.prototype.propertyIsEnumerable.call(value, s)) keys.push(s);
    }
  }
  if (ctx.sorted) keys.sort();
  return keys;
}

function prefixFor(constructor, tag, fallback, size = "") {
  if (constructor === null) {
    if (tag !== "" && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
    return `[${fallback}${size}: null prototype] `;
  }
  if (tag !== "" && constructor !== tag) return `${constructor}${size} [${tag}] `;
  return `${constructor}${size} `;
}

function isError(v) {
  return v instanceof Error || objToString.call(v) === "[object Error]";
}

function formatRaw(ctx, value, level, typedArray) {
  let keys;
  const constructor = getConstructorName(value);
  let tag = safeGet(value, Symbol.toStringTag);
  if (typeof tag !== "string" || (tag !== "" && (ctx.showHidden ? Object.prototype.hasOwnProperty : Object.prototype.propertyIsEnumerable).call(value, Symbol.toStringTag) === false && tag === constructor)) {
    tag = typeof tag === "string" && tag !== constructor ? tag : "";
  }
  if (typeof tag === "string" && tag === constructor) tag = "";

  let base = "";
  let formatter = formatNoEntries;
  let braces;
  let noIterator = true;
  let extrasType = "object";
  let i = 0;

  // Iterable/array-like built-ins first.
  if (Symbol.iterator in value || constructor === null) {
    noIterator = false;
    if (Array.isArray(value)) {
      const prefix =
        constructor !== "Array" || tag !== "" ? prefixFor(constructor, tag, "Array", `(${value.length})`) : "";
      keys = getOwnNonIndexProperties(value, ctx);
      braces = [`${prefix}[`, "]"];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      extrasType = "array";
      formatter = formatArray;
    } else if (value instanceof Set) {
      const size = setSize.call(value);
      const prefix = prefixFor(constructor, tag, "Set", `(${size})`);
      keys = getKeys(ctx, value);
      formatter = formatSet;
      if (size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, "}"];
    } else if (value instanceof Map) {
      const size = mapSize.call(value);
      const prefix = prefixFor(constructor, tag, "Map", `(${size})`);
      keys = getKeys(ctx, value);
      formatter = formatMap;
      if (size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, "}"];
    } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      keys = getOwnNonIndexProperties(value, ctx);
      const fallback = typedArrayTag.call(value);
      const size = value.length;
      const prefix = prefixFor(constructor, tag, fallback, `(${size})`);
      braces = [`${prefix}[`, "]"];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      formatter = formatTypedArray;
      extrasType = "array";
    } else {
      noIterator = true;
    }
  }
  if (noIterator) {
    keys = getKeys(ctx, value);
    braces = ["{", "}"];
    if (constructor === "Object") {
      if (isArgumentsObject(value)) {
        braces[0] = "[Arguments] {";
      } else if (tag !== "") {
        braces[0] = `${prefixFor(constructor, tag, "Object")}{`;
      }
      if (keys.length === 0) return `${braces[0]}}`;
    } else if (typeof value === "function") {
      base = formatFunctionBase(value, constructor, tag);
      if (keys.length === 0) return base;
    } else if (value instanceof RegExp) {
      base = regexpToString.call(constructor !== null ? value : new RegExp(value));
      const prefix = prefixFor(constructor, tag, "RegExp");
      if (prefix !== "RegExp ") base = `${prefix}${base}`;
      if (keys.length === 0) return base;
    } else if (value instanceof Date) {
      base = Number.isNaN(value.getTime()) ? "Invalid Date" : dateToISOString.call(value);
      const prefix = prefixFor(constructor, tag, "Date");
      if (prefix !== "Date ") base = `${prefix}${base}`;
      if (keys.length === 0) return base;
    } else if (isError(value)) {
      base = formatError(ctx, value, keys);
      if (keys.length === 0) return base;
    } else if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer)) {
      const name = value instanceof ArrayBuffer ? "ArrayBuffer" : "SharedArrayBuffer";
      const prefix = prefixFor(constructor, tag, name);
      if (typedArray) return `[${name}: ${value.byteLength}]`;
      formatter = formatArrayBuffer;
      keys.unshift("byteLength");
      braces[0] = `${prefix}{`;
    } else if (value instanceof DataView) {
      braces[0] = `${prefixFor(constructor, tag, "DataView")}{`;
      keys.unshift("byteLength", "byteOffset", "buffer");
    } else if (value instanceof Promise) {
      braces[0] = `${prefixFor(constructor, tag, "Promise")}{`;
      formatter = formatPromise;
    } else if (value instanceof WeakSet) {
      braces[0] = `${prefixFor(constructor, tag, "WeakSet")}{`;
      formatter = formatWeakCollection;
    } else if (value instanceof WeakMap) {
      braces[0] = `${prefixFor(constructor, tag, "WeakMap")}{`;
      formatter = formatWeakCollection;
    } else if (isBoxed(value)) {
      base = formatBoxed(ctx, value, constructor, tag);
      if (value instanceof String) keys = keys.filter((k) => typeof k !== "string" || !/^(0|[1-9][0-9]*)$/.test(k));
      if (keys.length === 0) return base;
    } else {
      if (keys.length === 0) return `${prefixFor(constructor, tag, "Object")}{}`;
      braces[0] = `${prefixFor(constructor, tag, "Object")}{`;
    }
  }

  if (level > ctx.depth && ctx.depth !== null) {
    const name = (constructor || tag || "Object").replace(/ $/, "");
    return `[${Array.isArray(value) ? "Array" : name}]`;
  }

  ctx.seen.push(value);
  ctx.currentDepth = level;
  let output;
  try {
    output = formatter(ctx, value, level);
    for (i = 0; i < keys.length; i++) {
      output.push(formatProperty(ctx, value, level, keys[i], extrasType));
    }
  } finally {
    ctx.seen.pop();
  }

  if (ctx.circular !== undefined) {
    const index = ctx.circular.get(value);
    if (index !== undefined) {
      const ref = `<ref *${index}>`;
      if (base === "") braces[0] = `${ref} ${braces[0]}`;
      else base = `${ref} ${base}`;
    }
  }

  return reduceToSingleString(ctx, output, base, braces, extrasType, level, value);
}

function isArgumentsObject(v) {
  return objToString.call(v) === "[object Arguments]";
}

function getOwnNonIndexProperties(value, ctx) {
  const keys = ctx.showHidden ? Object.getOwnPropertyNames(value) : Object.keys(value);
  const out = [];
  for (const k of keys) {
    if (!/^(0|[1-9][0-9]*)$/.test(k) || Number(k) >= 4294967295) {
      if (ctx.showHidden && k === "length" && Array.isArray(value)) continue;
      out.push(k);
    }
  }
  for (const s of Object.getOwnPropertySymbols(value)) {
    if (ctx.showHidden || Object.prototype.propertyIsEnumerable.call(value, s)) out.push(s);
  }
  return out;
}

function isBoxed(v) {
  return (
    v instanceof Number || v instanceof String || v instanceof Boolean ||
    v instanceof BigInt || v instanceof Symbol
  );
}

function formatBoxed(ctx, value, constructor, tag) {
  let type;
  let inner;
  if (value instanceof Number) {
    type = "Number";
    inner = formatNumber(Number.prototype.valueOf.call(value));
  } else if (value instanceof String) {
    type = "String";
    inner = quoteString(String.prototype.valueOf.call(value), ctx.singleQuotes);
  } else if (value instanceof Boolean) {
    type = "Boolean";
    inner = `${Boolean.prototype.valueOf.call(value)}`;
  } else if (value instanceof BigInt) {
    type = "BigInt";
    inner = `${BigInt.prototype.valueOf.call(value)}n`;
  } else {
    type = "Symbol";
    inner = symbolToString(Symbol.prototype.valueOf.call(value));
  }
  let base = `[${type}`;
  if (type !== constructor) base += constructor === null ? " (null prototype)" : ` (${constructor})`;
  base += `: ${inner}]`;
  if (tag !== "" && tag !== constructor) base += ` [${tag}]`;
  return base;
}

function formatFunctionBase(value, constructor, tag) {
  const src = fnToString.call(value);
  if (src.startsWith("class") && /^class(\s|\{)/.test(src)) {
    let base = `[class ${value.name || "(anonymous)"}`;
    if (constructor !== "Function" && constructor !== null) base += ` [${constructor}]`;
    if (tag !== "" && constructor !== tag) base += ` [${tag}]`;
    const superClass = Object.getPrototypeOf(value);
    if (constructor !== null && superClass && superClass.name) base += ` extends ${superClass.name}`;
    return base + "]";
  }
  let type = "Function";
  const t = objToString.call(value);
  if (t === "[object AsyncFunction]") type = "AsyncFunction";
  else if (t === "[object GeneratorFunction]") type = "GeneratorFunction";
  else if (t === "[object AsyncGeneratorFunction]") type = "AsyncGeneratorFunction";
  let base = `[${type}`;
  if (constructor === null) base += " (null prototype)";
  base += value.name === "" ? " (anonymous)" : `: ${value.name}`;
  base += "]";
  if (constructor !== type && constructor !== null && constructor !== "Function") base += ` ${constructor}`;
  if (tag !== "" && constructor !== tag) base += ` [${tag}]`;
  return base;
}

function formatError(ctx, err, keys) {
  let stack = safeGet(err, "stack");
  if (typeof stack !== "string" || stack === "") stack = errorToString.call(err);
  for (const k of ["message", "stack"]) {
    const i = keys.indexOf(k);
    if (i !== -1) keys.splice(i, 1);
  }
  // A non-enumerable own `cause` is shown as [cause].
  if (Object.prototype.hasOwnProperty.call(err, "cause") && !keys.includes("cause")) {
    keys.push({ cause: true });
  }
  if (ctx.indentationLvl !== 0) {
    stack = stack.replace(/\n/g, `\n${" ".repeat(ctx.indentationLvl)}`);
  }
  return stack;
}

function formatNoEntries() {
  return [];
}

function formatArrayBuffer(ctx, value) {
  let bytes;
  try {
    bytes = new Uint8Array(value);
  } catch {
    return ["(detached)"];
  }
  const n = Math.min(ctx.maxArrayLength, bytes.length);
  let str = "";
  for (let i = 0; i < n; i++) str += (i ? " " : "") + bytes[i].toString(16).padStart(2, "0");
  const remaining = bytes.length - n;
  if (remaining > 0) str += ` ... ${remaining} more byte${remaining > 1 ? "s" : ""}`;
  return [`[Uint8Contents]: <${str}>`];
}

function formatArray(ctx, value, level) {
  const len = value.length;
  const max = Math.min(ctx.maxArrayLength, len);
  const remaining = len - max;
  const output = [];
  let i = 0;
  for (; i < len && output.length < max; i++) {
    if (!Object.prototype.hasOwnProperty.call(value, i)) {
      let j = i + 1;
      while (j < len && !Object.prototype.hasOwnProperty.call(value, j)) j++;
      const holes = j - i;
      output.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`);
      i = j - 1;
      continue;
    }
    output.push(formatArrayEntry(ctx, value, level, i));
  }
  const rest = len - i;
  if (rest > 0 && remaining >= 0) output.push(`... ${rest} more item${rest > 1 ? "s" : ""}`);
  return output;
}

function formatArrayEntry(ctx, value, level, i) {
  const d = Object.getOwnPropertyDescriptor(value, i);
  if (d && d.value === undefined && (d.get || d.set)) {
    return d.get ? (d.set ? "[Getter/Setter]" : "[Getter]") : "[Setter]";
  }
  ctx.indentationLvl += 2;
  const s = formatValue(ctx, d ? d.value : value[i], level + 1, false);
  ctx.indentationLvl -= 2;
  return s;
}

function formatTypedArray(ctx, value) {
  const len = value.length;
  const max = Math.min(ctx.maxArrayLength, len);
  const output = new Array(max);
  const isBig = typeof value[0] === "bigint";
  for (let i = 0; i < max; i++) output[i] = isBig ? `${value[i]}n` : formatNumber(value[i]);
  if (len > max) output.push(`... ${len - max} more item${len - max > 1 ? "s" : ""}`);
  return output;
}

function formatSet(ctx, value, level) {
  const output = [];
  ctx.indentationLvl += 2;
  let n = 0;
  for (const v of value) {
    if (n++ >= ctx.maxArrayLength) break;
    output.push(formatValue(ctx, v, level + 1, false));
  }
  const size = setSize.call(value);
  if (size > ctx.maxArrayLength) output.push(`... ${size - ctx.maxArrayLength} more items`);
  ctx.indentationLvl -= 2;
  return output;
}

function formatMap(ctx, value, level) {
  const output = [];
  ctx.indentationLvl += 2;
  let n = 0;
  for (const [k, v] of value) {
    if (n++ >= ctx.maxArrayLength) break;
    output.push(`${formatValue(ctx, k, level + 1, false)} => ${formatValue(ctx, v, level + 1, false)}`);
  }
  const size = mapSize.call(value);
  if (size > ctx.maxArrayLength) output.push(`... ${size - ctx.maxArrayLength} more items`);
  ctx.indentationLvl -= 2;
  return output;
}

function formatPromise(ctx, value, level) {
  if (promiseState === null) return ["<pending>"];
  const [state, result] = promiseState(value);
  if (state === 0) return ["<pending>"];
  ctx.indentationLvl += 2;
  const s = formatValue(ctx, result, level + 1, false);
  ctx.indentationLvl -= 2;
  return [state === 2 ? `<rejected> ${s}` : s];
}

function formatWeakCollection() {
  return ["<items unknown>"];
}

function formatKey(key, singleQuotes) {
  if (typeof key === "symbol") return symbolToString(key);
  if (IDENT.test(key)) return key;
  return quoteString(key, singleQuotes);
}

function formatProperty(ctx, value, level, key, type) {
  if (typeof key === "object") {
    // the special [cause] entry of errors
    ctx.indentationLvl += 2;
    const s = formatValue(ctx, value.cause, level + 1, false);
    ctx.indentationLvl -= 2;
    return `[cause]: ${s}`;
  }
  let str;
  const desc = Object.getOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: true };
  if (desc.value !== undefined || !("get" in desc || "set" in desc)) {
    ctx.indentationLvl += 2;
    str = formatValue(ctx, desc.value, level + 1, false);
    ctx.indentationLvl -= 2;
  } else if (desc.get !== undefined) {
    str = desc.set !== undefined ? "[Getter/Setter]" : "[Getter]";
  } else if (desc.set !== undefined) {
    str = "[Setter]";
  } else {
    str = "undefined";
  }
  if (type === "arrayEntry") return str;
  return `${formatKey(key, ctx.singleQuotes)}: ${str}`;
}

// Columns for long arrays of short entries (numbers are right-aligned).
function groupArrayElements(ctx, output, value) {
  let total = 0;
  let maxLen = 0;
  let count = output.length;
  if (ctx.maxArrayLength < output.length) count--; // the "... more items" entry
  const sep = 2;
  const lens = new Array(count);
  for (let i = 0; i < count; i++) {
    const len = output[i].length;
    lens[i] = len;
    total += len + sep;
    if (len > maxLen) maxLen = len;
  }
  const colWidth = maxLen + sep;
  if (colWidth * 3 + ctx.indentationLvl < ctx.breakLength && (total / colWidth > 5 || maxLen <= 6)) {
    const bias = Math.sqrt(colWidth - total / output.length);
    const biased = Math.max(colWidth - 3 - bias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biased * count) / biased),
      Math.floor((ctx.breakLength - ctx.indentationLvl) / colWidth),
      ctx.compact * 4,
      15,
    );
    if (columns <= 1) return output;
    const widths = [];
    for (let c = 0; c < columns; c++) {
      let w = 0;
      for (let j = c; j < output.length; j += columns) if (lens[j] > w) w = lens[j];
      widths.push(w + sep);
    }
    let numeric = true;
    if (value !== undefined) {
      for (let i = 0; i < output.length; i++) {
        const t = typeof value[i];
        if (t !== "number" && t !== "bigint") {
          numeric = false;
          break;
        }
      }
    }
    const rows = [];
    for (let i = 0; i < count; i += columns) {
      const end = Math.min(i + columns, count);
      let line = "";
      let j = i;
      for (; j < end - 1; j++) {
        const cell = `${output[j]}, `;
        line += numeric ? cell.padStart(widths[j - i]) : cell.padEnd(widths[j - i]);
      }
      line += numeric ? output[j].padStart(widths[j - i] - sep) : output[j];
      rows.push(line);
    }
    if (ctx.maxArrayLength < output.length) rows.push(output[count]);
    return rows;
  }
  return output;
}

function fitsOnLine(ctx, output, start, base) {
  let total = output.length + start;
  if (total + output.length > ctx.breakLength) return false;
  for (const s of output) {
    total += s.length;
    if (total > ctx.breakLength) return false;
  }
  return base === "" || !base.includes("\n");
}

function reduceToSingleString(ctx, output, base, braces, extrasType, level, value) {
  const entries = output.length;
  if (extrasType === "array" && entries > 6) output = groupArrayElements(ctx, output, value);
  if (ctx.currentDepth - level < ctx.compact && entries === output.length) {
    const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
    if (fitsOnLine(ctx, output, start, base)) {
      const joined = output.join(", ");
      if (!joined.includes("\n")) {
        return `${base ? `${base} ` : ""}${braces[0]} ${joined} ${braces[1]}`;
      }
    }
  }
  const indent = `\n${" ".repeat(ctx.indentationLvl)}`;
  const trailing = ctx.trailingComma ? "," : "";
  return `${base ? `${base} ` : ""}${braces[0]}${indent}  ${output.join(`,${indent}  `)}${trailing}${indent}${braces[1]}`;
}
