import { greeting } from "__REGISTRY__/remote/greeting.ts";

Deno.serve(() => new Response(greeting));
