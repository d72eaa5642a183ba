// Both functions answer alike; only their verify_jwt differs (config.toml).
import { whoami } from "../_shared/whoami.ts"

Deno.serve(whoami)
