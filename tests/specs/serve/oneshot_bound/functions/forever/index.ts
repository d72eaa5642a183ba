// Answers, leaving waitUntil work that never settles: under oneshot it holds its worker.
Deno.serve(() => {
  EdgeRuntime.waitUntil(new Promise(() => {}));
  return new Response("answered, still waiting");
});
