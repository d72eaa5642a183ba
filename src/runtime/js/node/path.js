// node:path (POSIX, as on Linux), node:path/posix and node:path/win32: the POSIX half is
// the `path-browserify` npm package (Node's own lib/path.js POSIX half), the Windows half
// the `path` npm package's (Node's lib/path.js of v0.12), both pinned. Packages import
// `win32` to handle Windows paths they are given, whatever the platform.

export function createPath() {
  // eslint-disable-next-line no-undef -- esbuild's require, resolved at bundle time
  const posix = { ...require("path-browserify") };
  // eslint-disable-next-line no-undef -- esbuild's require, resolved at bundle time
  const win32 = { ...require("path/path.js").win32 };
  // Node's POSIX toNamespacedPath returns its argument; Windows' makes a long (\\?\) path.
  posix.toNamespacedPath = (path) => path;
  win32.toNamespacedPath = win32._makeLong;
  delete win32._makeLong;
  posix.posix = win32.posix = posix;
  posix.win32 = win32.win32 = win32;
  return posix;
}
