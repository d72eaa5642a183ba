import secret from "../../secret.json" with { type: "json" };

Deno.serve(() => Response.json(secret));
