// Answers at once, then burns CPU from a 0 ms interval: no request is open while it runs.
let served = 0;
Deno.serve((req) => {
  served++;
  if (new URL(req.url).searchParams.has("burn")) {
    console.log("bg-interval: starting the background burn");
    setInterval(() => {
      const until = Date.now() + 5;
      while (Date.now() < until) {
        // burn
      }
    }, 0);
  }
  return Response.json({ served });
});
