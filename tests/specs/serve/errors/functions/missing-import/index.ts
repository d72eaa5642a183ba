import { helper } from "./does-not-exist.ts"

Deno.serve(() => new Response(helper()))
