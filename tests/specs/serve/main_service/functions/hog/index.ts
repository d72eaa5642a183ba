// Spins until the CPU limit the main service set ends it.
Deno.serve(() => {
  for (;;) {
    Math.random();
  }
});
