import value from "./broken.cjs";

Deno.serve(() => new Response(String(value)));
