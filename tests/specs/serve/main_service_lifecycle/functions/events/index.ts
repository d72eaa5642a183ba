// Records the lifecycle events it sees (edge-runtime's: beforeunload with detail.reason,
// drain, unload) and logs the list each time, so the case can read their order.
const seen: string[] = [];
function record(what: string) {
  seen.push(what);
  console.log(`events: ${what} [${seen.join(", ")}]`);
}
addEventListener("beforeunload", (event) => record(`beforeunload ${(event as CustomEvent).detail.reason}`));
addEventListener("drain", () => record("drain"));
addEventListener("unload", () => record("unload"));

let served = 0;
Deno.serve((req: Request) => {
  const mode = new URL(req.url).searchParams.get("mode");
  if (mode === "exit") Deno.exit(3); // ends the worker with this request open
  if (mode === "burn") {
    // a second of busy wall-clock time: well past the 300 ms soft CPU limit even on a
    // loaded machine, under the hard one; the worker is retired
    const until = performance.now() + 1000;
    while (performance.now() < until) {}
  }
  served += 1;
  return new Response(`events served ${served}`);
});
