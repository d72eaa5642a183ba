import { shout } from "../_shared/util.ts"

Deno.serve(() => new Response(shout("custom entrypoint")))
