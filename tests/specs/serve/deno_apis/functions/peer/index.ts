// Another function: it must not see what `apis` put in its own environment.
Deno.serve(() => Response.json({ env: Deno.env.get("SET_BY_FUNCTION") ?? null }));
