Deno.serve(async (req) => {
  const { name } = await req.json();
  return Response.json({
    message: `Hello ${name}!`,
    // What supabase-js sent: the anon key as the caller's JWT, and its client header.
    authorized: req.headers.get("authorization") === `Bearer ${Deno.env.get("SUPABASE_ANON_KEY")}`,
    client: req.headers.get("x-client-info")?.startsWith("supabase-js") ?? false,
  });
});
