import Fastify from "npm:fastify@5.2.1";

// A function sees its path from /<slug> on, so the app's routes start there.
const app = Fastify();

app.get("/fastify-app/users/:id", async (request) => {
  const { id } = request.params as { id: string };
  const { q } = request.query as { q?: string };
  return { id, q: q ?? null };
});
app.post("/fastify-app/users", {
  schema: {
    body: {
      type: "object",
      required: ["name"],
      properties: { name: { type: "string", minLength: 1 } },
    },
  },
}, async (request, reply) => {
  const { name } = request.body as { name: string };
  reply.code(201);
  return { created: name, length: name.length };
});
app.get("/fastify-app/text", async (_request, reply) => {
  reply.type("text/plain").send("plain text");
});

await app.listen({ port: 3000 });
