import "jsr:@supabase/functions-js/edge-runtime.d.ts"
// Top-level await of a dynamic import of this very module: its evaluation waits for
// itself, so it never finishes (Deno: "Top-level await promise never resolved").
console.log("tla-self: awaiting myself")
await import("./index.ts")

Deno.serve(() => new Response("unreachable"))
