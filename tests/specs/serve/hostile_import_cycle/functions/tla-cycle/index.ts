import "jsr:@supabase/functions-js/edge-runtime.d.ts"
// index awaits other.ts, which statically imports index.ts: a cycle through top-level await.
console.log("tla-cycle: awaiting a module that imports me")
await import("./other.ts")

Deno.serve(() => new Response("unreachable"))
