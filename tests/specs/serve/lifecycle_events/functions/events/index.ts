// Records the lifecycle events it sees (edge-runtime's: beforeunload with detail.reason,
// drain, unload) and logs the list each time, so the case can read their order. Also the
// user worker of serve/main_service_lifecycle (its from_repo).
const seen: string[] = [];
function record(what: string) {
  seen.push(what);
  console.log(`events: ${what} [${seen.join(", ")}]`);
}
let retired = false;
addEventListener("beforeunload", (event) => {
  const reason = (event as CustomEvent).detail.reason;
  if (reason === "cpu") retired = true;
  record(`beforeunload ${reason}`);
});
addEventListener("drain", () => record("drain"));
addEventListener("unload", () => record("unload"));

let served = 0;
Deno.serve(async (req: Request) => {
  const mode = new URL(req.url).searchParams.get("mode");
  if (mode === "exit") Deno.exit(3); // ends the worker with this request open
  if (mode === "burn") {
    // busy until the 300 ms soft CPU limit retires this worker, however loaded the machine
    // is: its beforeunload (cpu) arrives between the slices
    while (!retired) {
      const until = performance.now() + 20;
      while (performance.now() < until) {}
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  served += 1;
  return new Response(`events served ${served}`);
});
