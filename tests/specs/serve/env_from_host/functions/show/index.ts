const names = ["SUPABASE_URL", "SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_DB_URL", "HOME"];
Deno.serve(() => Response.json(Object.fromEntries(names.map((name) => [name, Deno.env.get(name) ?? null]))));
