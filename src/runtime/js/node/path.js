// node:path (POSIX, as on Linux) and node:path/posix: the `path-browserify` npm package,
// which is Node's own lib/path.js POSIX half, pinned.

export function createPath() {
  // eslint-disable-next-line no-undef -- esbuild's require, resolved at bundle time
  const posix = { ...require("path-browserify") };
  // Node's POSIX toNamespacedPath returns its argument.
  posix.toNamespacedPath = (path) => path;
  posix.posix = posix;
  delete posix.win32;
  return posix;
}
