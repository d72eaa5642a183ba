// Answers, then a microtask loop that never yields, started after the response.
let served = 0;
Deno.serve((req) => {
  served++;
  if (new URL(req.url).searchParams.has("burn")) {
    setTimeout(() => {
      console.log("bg-microtask: starting an endless microtask loop");
      const spin = () => queueMicrotask(spin);
      spin();
    }, 50);
  }
  return Response.json({ served });
});
