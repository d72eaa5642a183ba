import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// Only ever requested from inside another request's body: reaching it means a request
// was smuggled through.
Deno.serve(() => {
  console.log("canary reached: a smuggled request got through")
  return new Response("smuggled")
})
