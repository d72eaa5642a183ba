Deno.serve(async (req) => {
  const { name } = await req.json();
  return Response.json({ message: `Hello ${name}!`, greeting: Deno.env.get("GREETING") ?? null });
});
