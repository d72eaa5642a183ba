import { greet } from "./handler.ts";

Deno.serve(async (req) => {
  const { name } = await req.json();
  return Response.json(greet(name));
});
