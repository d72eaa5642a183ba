// Listeners for a worker's last events (beforeunload early_drop / termination, unload)
// that never return: the worker's end must not wait for them, and nobody else may.
let retired = false;
addEventListener("beforeunload", (event) => {
  const reason = (event as CustomEvent).detail.reason;
  if (reason === "cpu") retired = true;
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
Deno.serve(async (req: Request) => {
  const mode = new URL(req.url).searchParams.get("mode");
  if (mode === "exit") Deno.exit(1);
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
  return new Response(`last served ${served}`);
});
