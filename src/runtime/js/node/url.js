// node:url: WHATWG URL (the runtime's), Node's file URL helpers, and the legacy
// url.parse/format/resolve API from the `url` npm package (Node's legacy parser, pinned;
// its query strings parsed by node:querystring, as Node's are).
import { host } from "./runtime.js";
import { invalidArgType, makeError } from "./errors.js";
import { loadBuiltin } from "./registry.js";

export function createUrl() {
  // eslint-disable-next-line no-undef -- esbuild's require, resolved at bundle time
  const legacy = require("url/url.js");
  const path = loadBuiltin("path");
  function fileURLToPath(input) {
    let url = input;
    if (typeof input === "string") url = new host.URL(input);
    else if (!(input instanceof host.URL)) throw invalidArgType("path", ["string", "URL"], input);
    if (url.protocol !== "file:") throw makeError(TypeError, "ERR_INVALID_URL_SCHEME", "The URL must be of scheme file");
    if (url.hostname !== "") {
      throw makeError(TypeError, "ERR_INVALID_FILE_URL_HOST", 'File URL host must be "localhost" or empty on linux');
    }
    const pathname = url.pathname;
    if (/%2f/i.test(pathname)) {
      throw makeError(TypeError, "ERR_INVALID_FILE_URL_PATH", "File URL path must not include encoded / characters");
    }
    return decodeURIComponent(pathname);
  }

  function pathToFileURL(filepath) {
    if (typeof filepath !== "string") throw invalidArgType("path", "string", filepath);
    let resolved = path.resolve(filepath);
    if (filepath.endsWith("/") && !resolved.endsWith("/")) resolved += "/";
    resolved = resolved
      .replace(/%/g, "%25")
      .replace(/\\/g, "%5C")
      .replace(/\n/g, "%0A")
      .replace(/\r/g, "%0D")
      .replace(/\t/g, "%09")
      .replace(/\?/g, "%3F")
      .replace(/#/g, "%23");
    return new host.URL(`file://${resolved}`);
  }

  function urlToHttpOptions(url) {
    const options = {
      protocol: url.protocol,
      hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
      hash: url.hash,
      search: url.search,
      pathname: url.pathname,
      path: `${url.pathname || ""}${url.search || ""}`,
      href: url.href,
    };
    if (url.port !== "") options.port = Number(url.port);
    if (url.username || url.password) {
      options.auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    }
    return options;
  }

  function domainToASCII(domain) {
    try {
      return new host.URL(`ws://${domain}`).hostname;
    } catch {
      return "";
    }
  }

  function domainToUnicode(domain) {
    const punycode = loadBuiltin("punycode");
    try {
      return punycode.toUnicode(new host.URL(`ws://${domain}`).hostname);
    } catch {
      return "";
    }
  }

  return {
    URL: host.URL,
    URLSearchParams: host.URLSearchParams,
    Url: legacy.Url,
    parse: legacy.parse,
    format(urlObject, options = undefined) {
      if (urlObject instanceof host.URL) {
        const url = new host.URL(urlObject.href);
        if (options?.auth === false) url.username = url.password = "";
        if (options?.fragment === false) url.hash = "";
        if (options?.search === false) url.search = "";
        return url.href;
      }
      return legacy.format(urlObject);
    },
    resolve: legacy.resolve,
    resolveObject: legacy.resolveObject,
    fileURLToPath,
    pathToFileURL,
    urlToHttpOptions,
    domainToASCII,
    domainToUnicode,
  };
}
