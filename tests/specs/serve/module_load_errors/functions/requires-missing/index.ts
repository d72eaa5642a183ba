import helper from "./helper.cjs";

Deno.serve(() => new Response(String(helper)));
