import { greet } from "cjs-demo";
Deno.serve(() => new Response(greet("z")));
