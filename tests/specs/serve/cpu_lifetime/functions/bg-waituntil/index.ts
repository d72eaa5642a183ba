// EdgeRuntime.waitUntil work that burns CPU in slices, long after the response.
let served = 0;
async function burnForever() {
  for (;;) {
    const until = Date.now() + 20;
    while (Date.now() < until) {
      // burn
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
Deno.serve((req) => {
  served++;
  if (new URL(req.url).searchParams.has("burn")) {
    console.log("bg-waituntil: background work started");
    EdgeRuntime.waitUntil(burnForever());
  }
  return Response.json({ served });
});
