// Native operations installed by the C++ side before the bundle runs.
// Captured at module evaluation time: main.js deletes globalThis.__ops later.
export const ops = globalThis.__ops;
