// util.inspect and util.format as Node prints them: the runtime's inspect (the one behind
// console.log) with Node's quoting ('single' first), and Node's format placeholders
// (%s %d %i %f %j %o %O %c %%), which differ from console.log's in Deno.
import { host } from "./runtime.js";

export const inspectDefaults = { depth: 2, maxArrayLength: 100, maxStringLength: 10000, breakLength: 80, compact: 3, showHidden: false, sorted: false, getters: false, colors: false, customInspect: true, showProxy: false, numericSeparator: false };

// Node's util.inspect.colors and .styles (packages read them to colour their own output).
export const inspectColors = Object.assign(Object.create(null), {
  reset: [0, 0], bold: [1, 22], dim: [2, 22], italic: [3, 23], underline: [4, 24], blink: [5, 25],
  inverse: [7, 27], hidden: [8, 28], strikethrough: [9, 29], doubleunderline: [21, 24],
  black: [30, 39], red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39],
  magenta: [35, 39], cyan: [36, 39], white: [37, 39], bgBlack: [40, 49], bgRed: [41, 49],
  bgGreen: [42, 49], bgYellow: [43, 49], bgBlue: [44, 49], bgMagenta: [45, 49], bgCyan: [46, 49],
  bgWhite: [47, 49], framed: [51, 54], overlined: [53, 55], gray: [90, 39], redBright: [91, 39],
  greenBright: [92, 39], yellowBright: [93, 39], blueBright: [94, 39], magentaBright: [95, 39],
  cyanBright: [96, 39], whiteBright: [97, 39], bgGray: [100, 49], bgRedBright: [101, 49],
  bgGreenBright: [102, 49], bgYellowBright: [103, 49], bgBlueBright: [104, 49],
  bgMagentaBright: [105, 49], bgCyanBright: [106, 49], bgWhiteBright: [107, 49],
});
for (const [alias, name] of [["grey", "gray"], ["blackBright", "gray"], ["bgGrey", "bgGray"], ["bgBlackBright", "bgGray"], ["dim", "dim"], ["faint", "dim"], ["crossedout", "strikethrough"], ["strikeThrough", "strikethrough"], ["crossedOut", "strikethrough"], ["conceal", "hidden"], ["swapColors", "inverse"], ["swapcolors", "inverse"], ["doubleUnderline", "doubleunderline"]]) {
  inspectColors[alias] = inspectColors[name];
}
export const inspectStyles = Object.assign(Object.create(null), {
  special: "cyan", number: "yellow", bigint: "yellow", boolean: "yellow", undefined: "grey",
  null: "bold", string: "green", symbol: "green", date: "magenta", regexp: "red", module: "underline",
});

// util.inspect(value, options) or the legacy (value, showHidden, depth, colors).
export function inspect(value, options = undefined, ...legacy) {
  if (typeof options !== "object" || options === null) {
    options = options === undefined ? {} : { showHidden: options, depth: legacy[0], colors: legacy[1] };
  }
  const o = { ...inspectDefaults, ...options };
  // Colours are not drawn: a function's output is a log, never a terminal.
  return host.inspect(value, {
    depth: o.depth === null ? Infinity : o.depth,
    iterableLimit: o.maxArrayLength === null ? Infinity : o.maxArrayLength,
    strAbbreviateSize: o.maxStringLength === null ? Infinity : o.maxStringLength,
    breakLength: o.breakLength,
    compact: o.compact,
    showHidden: o.showHidden,
    sorted: o.sorted,
    getters: o.getters,
    singleQuotes: true,
  });
}

function formatNumber(n) {
  return Object.is(n, -0) ? "-0" : `${n}`;
}

const builtinPrototypes = new Set([
  Object.prototype, Error.prototype, Array.prototype, Date.prototype, RegExp.prototype,
  Function.prototype, Map.prototype, Set.prototype, Promise.prototype,
]);

// Whether %s should inspect `value` (its toString is the built-in one) rather than call
// the toString a class or object defines.
function hasBuiltInToString(value) {
  for (let proto = value; proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (Object.hasOwn(proto, "toString")) return builtinPrototypes.has(proto);
  }
  return true;
}

function tryStringify(value) {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (error instanceof TypeError && /circular/i.test(error.message)) return "[Circular]";
    throw error;
  }
}

export function formatWithOptions(inspectOptions, ...args) {
  const first = args[0];
  let a = 0;
  let str = "";
  let join = "";
  if (typeof first === "string") {
    if (args.length === 1) return first;
    let lastPos = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 37) continue; // "%"
      const next = first[++i];
      if (a + 1 === args.length) {
        if (next === "%") {
          str += first.slice(lastPos, i);
          lastPos = i + 1;
        }
        continue;
      }
      let piece;
      switch (next) {
        case "s": {
          const arg = args[++a];
          if (typeof arg === "number") piece = formatNumber(arg);
          else if (typeof arg === "bigint") piece = `${arg}n`;
          else if (typeof arg !== "object" || arg === null || !hasBuiltInToString(arg)) piece = String(arg);
          else piece = inspect(arg, { ...inspectOptions, depth: 0, colors: false, compact: 3 });
          break;
        }
        case "j":
          piece = tryStringify(args[++a]);
          break;
        case "d": {
          const arg = args[++a];
          if (typeof arg === "bigint") piece = `${arg}n`;
          else if (typeof arg === "symbol") piece = "NaN";
          else piece = formatNumber(Number(arg));
          break;
        }
        case "O":
          piece = inspect(args[++a], inspectOptions);
          break;
        case "o":
          piece = inspect(args[++a], { ...inspectOptions, showHidden: true, showProxy: true, depth: 4 });
          break;
        case "i": {
          const arg = args[++a];
          if (typeof arg === "bigint") piece = `${arg}n`;
          else if (typeof arg === "symbol") piece = "NaN";
          else piece = formatNumber(Number.parseInt(arg));
          break;
        }
        case "f": {
          const arg = args[++a];
          piece = typeof arg === "symbol" ? "NaN" : formatNumber(Number.parseFloat(arg));
          break;
        }
        case "c": // CSS, for browsers: consumed and dropped
          a += 1;
          piece = "";
          break;
        case "%":
          str += first.slice(lastPos, i);
          lastPos = i + 1;
          continue;
        default:
          continue;
      }
      if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
      str += piece;
      lastPos = i + 1;
    }
    if (lastPos !== 0) {
      a++;
      join = " ";
      if (lastPos < first.length) str += first.slice(lastPos);
    }
  }
  while (a < args.length) {
    const value = args[a];
    str += join;
    str += typeof value !== "string" ? inspect(value, inspectOptions) : value;
    join = " ";
    a++;
  }
  return str;
}

export function format(...args) {
  return formatWithOptions(undefined, ...args);
}
