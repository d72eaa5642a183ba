// A function that vandalises the built-ins the runtime's own request path used to call.
// Its own code may break; how its requests are answered must not.
const broken = (name: string) =>
  function () {
    throw new Error(`patched ${name} was called`);
  };
Map.prototype.get = broken("Map.prototype.get");
Map.prototype.set = broken("Map.prototype.set");
Map.prototype.delete = broken("Map.prototype.delete");
Set.prototype.add = broken("Set.prototype.add");
Set.prototype.delete = broken("Set.prototype.delete");
WeakMap.prototype.get = broken("WeakMap.prototype.get");
WeakMap.prototype.set = broken("WeakMap.prototype.set");
Array.prototype.push = broken("Array.prototype.push");
Promise.prototype.then = broken("Promise.prototype.then");
Promise.prototype.catch = broken("Promise.prototype.catch");

let ticks = 0;
setTimeout(() => ticks++, 0);

Deno.serve(async (req) => {
  // No `new URL` here: the URL parser is a library that calls Array.prototype.push.
  const path = req.url;
  if (path.endsWith("/later")) {
    // A timer and waitUntil from a patched world.
    await new Promise((resolve) => setTimeout(resolve, 5));
    EdgeRuntime.waitUntil(new Promise((resolve) => setTimeout(resolve, 5)));
    return new Response(`ticks ${ticks}`, { headers: { "x-kind": "later" } });
  }
  if (path.endsWith("/json")) {
    return Response.json({ ok: true });
  }
  if (path.endsWith("/throws")) {
    throw new Error("the handler failed");
  }
  return new Response("still answering", { status: 201, headers: { "x-a": "1", "x-b": "2" } });
});
