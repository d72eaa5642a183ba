// node:path (POSIX, as on Linux) and node:path/posix: the `path-browserify` npm package,
// which is Node's own lib/path.js POSIX half, pinned.
import pkg from "path-browserify";

const posix = { ...pkg };
// Node's POSIX toNamespacedPath returns its argument.
posix.toNamespacedPath = (path) => path;
posix.posix = posix;
delete posix.win32;

export default posix;
