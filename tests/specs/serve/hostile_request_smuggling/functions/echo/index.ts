import "jsr:@supabase/functions-js/edge-runtime.d.ts"

Deno.serve(async (req: Request) => new Response(`echo ${(await req.text()).length}`))
