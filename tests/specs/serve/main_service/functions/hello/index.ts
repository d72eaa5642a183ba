// What a user worker sees: the URL as the client sent it, and only the env the main gave.
Deno.serve((req) =>
  Response.json({
    path: new URL(req.url).pathname,
    greeting: Deno.env.get("GREETING") ?? null,
    home: Deno.env.get("HOME") ?? null,
    mainOnly: Deno.env.get("MAIN_ONLY") ?? null,
  })
);
