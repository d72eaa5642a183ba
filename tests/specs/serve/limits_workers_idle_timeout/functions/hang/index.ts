import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// Waits for something that never happens and never answers.
Deno.serve(async (req: Request) => {
  console.log("hang: waiting forever")
  await new Promise(() => {})
  return new Response("unreachable")
})
