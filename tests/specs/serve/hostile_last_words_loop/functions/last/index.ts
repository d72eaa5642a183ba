// Listeners for a worker's last events (beforeunload early_drop / termination, unload)
// that never return: the worker's end must not wait for them, and nobody else may.
addEventListener("beforeunload", (event) => {
  const reason = (event as CustomEvent).detail.reason;
  console.log(`last: beforeunload (${reason})`);
  if (reason === "early_drop" || reason === "termination") {
    console.log(`last: looping forever in beforeunload (${reason})`);
    while (true) {}
  }
});
addEventListener("unload", () => {
  console.log("last: unload reached");
});

let served = 0;
Deno.serve((req: Request) => {
  const mode = new URL(req.url).searchParams.get("mode");
  if (mode === "exit") Deno.exit(1);
  if (mode === "burn") {
    // past the 300 ms soft CPU limit even on a loaded machine: retired
    const until = performance.now() + 1000;
    while (performance.now() < until) {}
  }
  served += 1;
  return new Response(`last served ${served}`);
});
