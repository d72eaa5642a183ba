// Forgot to call Deno.serve: this module never registers a handler.
export function handler(req: Request): Response {
  return new Response("never used")
}
console.log("no-serve loaded without a handler")
