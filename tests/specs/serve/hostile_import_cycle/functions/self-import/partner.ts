import * as entry from "./index.ts"

export function partner() {
  return `partner of ${entry.name}`
}
