import "jsr:@supabase/functions-js/edge-runtime.d.ts"
// A module importing itself, and a two-module cycle back to it: legal ES modules, which
// load once each.
import * as self from "./index.ts"
import { partner } from "./partner.ts"

export const name = "self-import"

Deno.serve(() => Response.json({ selfName: self.name, partner: partner() }))
