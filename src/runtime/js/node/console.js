// node:console: the global console, with Node's Console class on it: a console that writes
// to the streams it is given (process.stdout, a file stream, ...), formatted as the
// runtime's console formats (web/console.js's createConsole over the streams' write).
import { host } from "./runtime.js";
import { invalidArgValue } from "./errors.js";

export function createConsoleModule() {
  const console = globalThis.console;
  class Console {
    constructor(stdout, stderr = undefined, ignoreErrors = true) {
      let options = stdout;
      if (!(stdout !== null && typeof stdout === "object" && "stdout" in stdout)) options = { stdout, stderr, ignoreErrors };
      const out = options.stdout;
      const err = options.stderr ?? out;
      if (out === null || typeof out !== "object" || typeof out.write !== "function") {
        throw invalidArgValue("stdout", out, "must be a writable stream");
      }
      const ignore = options.ignoreErrors ?? true;
      const made = host.createConsole((text, fd) => {
        try {
          (fd === 2 ? err : out).write(`${text}\n`);
        } catch (error) {
          if (!ignore) throw error;
        }
      });
      // Own, bound methods, as Node's Console instances have (`const { log } = c` works).
      for (const name of Object.keys(made)) {
        if (typeof made[name] === "function") this[name] = made[name].bind(made);
      }
    }
  }
  // Enumerable, so that `import { Console } from "node:console"` finds it (a built-in's
  // named exports are its own enumerable keys).
  if (!Object.hasOwn(console, "Console")) {
    Object.defineProperty(console, "Console", { value: Console, writable: true, configurable: true, enumerable: true });
  }
  return console;
}
