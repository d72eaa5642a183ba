// CommonJS: `require`, its cache and Node's `module` object, for .cjs files, CommonJS npm
// packages and `createRequire`. Resolution and sources go through the worker's module seam
// (ops.cjs_resolve with kind "require", ops.cjs_load), so the bundler's Node resolution
// plugs in unchanged; the C++ loader compiles each module wrapper with the module's URL as
// its script name, so stack traces name the file and line as written.
import { host } from "./runtime.js";
import { loadBuiltin } from "./registry.js";
import { invalidArgType, invalidArgValue, makeError } from "./errors.js";

const kUrl = Symbol("url");
const cache = Object.create(null); // require.cache: filename -> Module, as Node keys it
const extensions = Object.create(null);
extensions[".js"] = extensions[".json"] = extensions[".node"] = () => {
  throw makeError(Error, "ERR_NOT_SUPPORTED", "require.extensions hooks are not supported");
};

// "file:///a/b.cjs" -> "/a/b.cjs"; any other URL stays a URL (Deno does the same).
export function filenameOf(url) {
  if (!url.startsWith("file://")) return url;
  return decodeURIComponent(url.slice(7).replace(/[?#].*$/, ""));
}

function dirnameOf(filename) {
  const slash = filename.lastIndexOf("/");
  if (slash < 0) return ".";
  if (slash === 0) return "/";
  if (filename.includes("://") && slash < filename.indexOf("://") + 3) return filename;
  return filename.slice(0, slash);
}

function urlOf(filename) {
  if (filename.includes("://")) return filename;
  return "file://" + filename.split("/").map((part) => encodeURIComponent(part)).join("/");
}

// The node_modules folders Node would search from `dir` up (module.paths).
function nodeModulePaths(dir) {
  if (!dir.startsWith("/")) return [];
  const out = [];
  const parts = dir.split("/").filter(Boolean);
  for (let i = parts.length; i >= 0; i--) {
    if (parts[i - 1] === "node_modules") continue;
    out.push("/" + parts.slice(0, i).concat("node_modules").join("/"));
  }
  return out;
}

export class Module {
  constructor(id = "", parent = undefined) {
    this.id = id;
    this.path = dirnameOf(id);
    this.exports = {};
    this.filename = null;
    this.loaded = false;
    this.children = [];
    this.paths = nodeModulePaths(this.path);
    Object.defineProperty(this, "parent", { value: parent, writable: true, enumerable: false, configurable: true });
    if (parent) parent.children.push(this);
  }

  require(id) {
    return requireFrom(this, id);
  }
}

// `node:x` and bare built-in names; undefined for anything else. Built-ins win over
// node_modules, as in Node ("events/" with a slash is a package path).
function builtinRequest(specifier) {
  if (specifier.startsWith("node:")) return specifier.slice(5);
  return host.ops.node_is_builtin(specifier) ? specifier : undefined;
}

function requireBuiltin(name, specifier) {
  const exports = loadBuiltin(name);
  if (exports !== undefined) return exports;
  if (host.ops.node_is_builtin(name)) {
    throw makeError(Error, "ERR_UNKNOWN_BUILTIN_MODULE", `Node built-in module "node:${name}" is not available in sbfn yet`);
  }
  throw makeError(Error, "ERR_UNKNOWN_BUILTIN_MODULE", `No such built-in module: ${specifier}`);
}

function requireStack(parent) {
  const stack = [];
  for (let m = parent; m && stack.length < 32; m = m.parent) {
    if (m.filename) stack.push(m.filename);
  }
  return stack;
}

function notFound(specifier, parent) {
  const stack = requireStack(parent);
  let message = `Cannot find module '${specifier}'`;
  if (stack.length > 0) message += `\nRequire stack:\n- ${stack.join("\n- ")}`;
  const error = new Error(message);
  error.code = "MODULE_NOT_FOUND";
  error.requireStack = stack;
  return error;
}

function validateRequest(specifier) {
  if (typeof specifier !== "string") throw invalidArgType("id", "string", specifier);
  if (specifier === "") throw invalidArgValue("id", specifier, "must be a non-empty string");
}

function parentUrl(parent) {
  if (parent?.[kUrl]) return parent[kUrl];
  return urlOf(parent?.filename ?? "/");
}

// The URL `specifier` names for `parent`, through the worker's resolver.
function resolveUrl(parent, specifier) {
  try {
    return host.ops.cjs_resolve(specifier, parentUrl(parent));
  } catch {
    throw notFound(specifier, parent);
  }
}

function requireFrom(parent, specifier) {
  validateRequest(specifier);
  const builtin = builtinRequest(specifier);
  if (builtin !== undefined) return requireBuiltin(builtin, specifier);
  const url = resolveUrl(parent, specifier);
  if (url.startsWith("node:")) return requireBuiltin(url.slice(5), url);
  return loadUrl(url, parent, specifier);
}

function loadUrl(url, parent, specifier) {
  const filename = filenameOf(url);
  const cached = cache[filename];
  if (cached !== undefined) {
    if (parent && !parent.children.includes(cached)) parent.children.push(cached);
    return cached.exports;
  }
  const module = new Module(filename, parent);
  module.filename = filename;
  module[kUrl] = url;
  cache[filename] = module;
  let ok = false;
  try {
    run(module, url, specifier);
    ok = true;
  } finally {
    if (!ok) {
      // Node forgets a module that threw, so that requiring it again retries.
      delete cache[filename];
      if (parent) parent.children.splice(parent.children.indexOf(module), 1);
    }
  }
  module.loaded = true;
  return module.exports;
}

function run(module, url, specifier) {
  let loaded;
  try {
    loaded = host.ops.cjs_load(url);
  } catch (error) {
    if (error?.code === "MODULE_NOT_FOUND") throw notFound(specifier, module.parent);
    throw error;
  }
  const filename = module.filename;
  if (loaded.format === "json") {
    try {
      module.exports = JSON.parse(loaded.text.charCodeAt(0) === 0xfeff ? loaded.text.slice(1) : loaded.text);
    } catch (error) {
      error.message = `${filename}: ${error.message}`;
      throw error;
    }
  } else if (loaded.format === "esm") {
    module.exports = host.ops.cjs_require_esm(url, module.parent?.filename ?? filename);
  } else {
    const require = makeRequire(module);
    Reflect.apply(loaded.fn, module.exports, [module.exports, require, module, filename, dirnameOf(filename)]);
  }
}

function makeRequire(module) {
  const require = function require(id) {
    return requireFrom(module, id);
  };
  function resolve(request, options = undefined) {
    validateRequest(request);
    if (options?.paths !== undefined) {
      throw makeError(Error, "ERR_NOT_SUPPORTED", "require.resolve's `paths` option is not supported");
    }
    const builtin = builtinRequest(request);
    if (builtin !== undefined) {
      requireBuiltin(builtin, request);
      return request;
    }
    const url = resolveUrl(module, request);
    return url.startsWith("node:") ? url : filenameOf(url);
  }
  resolve.paths = (request) => (builtinRequest(request) !== undefined ? null : module.paths.slice());
  require.resolve = resolve;
  require.main = undefined; // the entry point is an ES module
  require.extensions = extensions;
  require.cache = cache;
  return require;
}

// The hook the C++ loader calls when an ES module imports a CommonJS one: its exports.
export function requireUrl(url) {
  return loadUrl(url, undefined, url);
}

// module.createRequire(filename | URL)
export function createRequire(from) {
  let filename;
  if (typeof from === "string" && from.startsWith("file:")) filename = filenameOf(from);
  else if (from instanceof URL) filename = filenameOf(from.href);
  else if (typeof from === "string" && from.startsWith("/")) filename = from;
  else throw invalidArgValue("filename", from, "must be a file URL object, file URL string, or absolute path string");
  const module = new Module(filename);
  module.filename = filename;
  module[kUrl] = urlOf(filename);
  module.loaded = true;
  return makeRequire(module);
}

// Built-ins Node knows only by their node: name (a bare "sqlite" or "test" is a package).
const prefixOnly = new Set(["sea", "sqlite", "test", "test/reporters"]);

// node:module
let moduleObject;
export function createModule() {
  if (moduleObject) return moduleObject;
  const builtinModules = host.ops.node_builtins();
  moduleObject = Module;
  Object.assign(Module, {
    Module,
    builtinModules,
    createRequire,
    isBuiltin: (name) =>
      typeof name === "string" &&
      (name.startsWith("node:") ? host.ops.node_is_builtin(name.slice(5)) || prefixOnly.has(name.slice(5)) : host.ops.node_is_builtin(name)),
    _cache: cache,
    _extensions: extensions,
    _load: (request, parent) => requireFrom(parent, request),
    _resolveFilename: (request, parent) => makeRequire(parent ?? new Module("/")).resolve(request),
    wrap: (script) => `(function (exports, require, module, __filename, __dirname) { ${script}\n});`,
    syncBuiltinESMExports() {},
    register() {
      throw makeError(Error, "ERR_NOT_SUPPORTED", "module.register() is not supported");
    },
  });
  return moduleObject;
}
