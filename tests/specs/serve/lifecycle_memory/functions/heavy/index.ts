// Grows its heap, a megabyte at a time, until beforeunload (memory) tells it that 90 % of
// the 64 MB memory limit is reached; then it keeps what it has and answers.
let warned = "";
addEventListener("beforeunload", (event) => {
  warned = (event as CustomEvent).detail.reason;
  console.log(`heavy: beforeunload ${warned}`);
});

const kept: number[][] = [];
Deno.serve(async () => {
  while (warned === "" && kept.length < 4 * 64) {
    for (let i = 0; i < 4; i++) kept.push(new Array(32 * 1024).fill(kept.length)); // ~1 MB
    await new Promise((resolve) => setTimeout(resolve, 1)); // the event arrives as a task
  }
  return new Response(`heavy: ${warned} after ${kept.length / 4} MB`);
});
