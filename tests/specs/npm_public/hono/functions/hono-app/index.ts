import { Hono } from "npm:hono@4";
import { cors } from "npm:hono@4/cors";

// A function sees its path from /<slug> on, so the app's routes start there.
const app = new Hono().basePath("/hono-app");

app.use("*", cors({
  origin: "https://app.example",
  allowMethods: ["GET", "POST"],
  allowHeaders: ["authorization", "content-type"],
}));
app.use("*", async (c, next) => {
  await next();
  c.header("x-request-id", c.req.header("x-request-id") ?? "none");
});

app.get("/users/:id", (c) => c.json({ id: c.req.param("id"), q: c.req.query("q") ?? null }));
app.post("/users", async (c) => {
  const body = await c.req.json<{ name: string }>();
  return c.json({ created: body.name, length: body.name.length }, 201);
});
app.get("/posts/:postId/comments/:commentId", (c) =>
  c.text(`post ${c.req.param("postId")} comment ${c.req.param("commentId")}`));
app.notFound((c) => c.json({ error: "no route", path: c.req.path }, 404));
app.onError((err, c) => c.json({ error: err.name }, 400));

Deno.serve(app.fetch);
