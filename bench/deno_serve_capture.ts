// For `deno serve --parallel`, which wants `export default { fetch }` while a Supabase
// function calls Deno.serve(handler) itself: the function's call only hands its handler
// over, and the real Deno.serve (which `deno serve` calls to listen) is put back at once.
// Imported before the function by the wrapper bench/run.sh writes.
// deno-lint-ignore no-explicit-any
type Handler = (req: Request, info: any) => Response | Promise<Response>;
export let handler: Handler;
const real = Deno.serve;
Object.defineProperty(Deno, "serve", {
  configurable: true,
  writable: true,
  // deno-lint-ignore no-explicit-any
  value: (...args: any[]) => {
    handler = args.find((arg) => typeof arg === "function") ?? args[0].handler;
    Object.defineProperty(Deno, "serve", { configurable: true, writable: true, value: real });
    return { finished: new Promise(() => {}), shutdown() {}, ref() {}, unref() {}, addr: {} };
  },
});
