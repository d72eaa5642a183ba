// Under a debugger (`--inspect`), console calls also go to V8's own console, which the
// inspector turns into Runtime.consoleAPICalled for DevTools and VS Code, as Deno does.
// The terminal output stays ours; without a debugger nothing changes.

// V8's console, as the context was made with it: taken before the runtime's own replaces it.
export const v8Console = globalThis.console;

export function mirrorToV8Console(console) {
  if (v8Console === undefined || v8Console === console) return;
  for (const name of Object.keys(console)) {
    const ours = console[name];
    const theirs = v8Console[name];
    if (typeof ours !== "function" || typeof theirs !== "function") continue;
    const mirrored = {
      [name](...args) {
        theirs.apply(v8Console, args);
        return ours.apply(this, args);
      },
    }[name];
    console[name] = mirrored;
  }
}
