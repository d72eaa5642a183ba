// How the npm ports of Node modules bundled here (assert, readable-stream, url) reach the
// runtime's own node: built-ins: registry.js sets `load` when the bundle is evaluated.
// CommonJS on purpose: esbuild keeps a required CommonJS module lazy without turning the
// ES modules it imports into lazy ones too (which costs every worker's boot).
exports.load = null;
