// Setup type definitions for built-in Supabase Runtime APIs
import "jsr:@supabase/functions-js/edge-runtime.d.ts";
import { Hono } from "npm:hono@4";

// The function sees the path from /__name__ on (/functions/v1/__name__/hello/Ada arrives as
// /__name__/hello/Ada), so every route lives under that base path.
const app = new Hono().basePath("/__name__");

app.get("/hello/:name", (c) => c.json({ message: `Hello ${c.req.param("name")}!` }));

app.post("/items", async (c) => {
  const item = await c.req.json();
  return c.json({ created: item }, 201);
});

app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${c.req.path}` }, 404));

export default { fetch: app.fetch };

/* To invoke locally (after `sbfn serve`):

  curl -i --location 'http://127.0.0.1:54321/functions/v1/__name__/hello/Functions' \
    --header 'Authorization: Bearer __anon_key__'

*/
