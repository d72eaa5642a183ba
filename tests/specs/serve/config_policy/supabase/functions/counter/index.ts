// Module state shows which policy served a request: it survives between requests only
// when one worker serves many (per_worker).
let served = 0

Deno.serve(() => Response.json({ served: ++served }))
