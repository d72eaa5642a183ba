import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// A cache that is never evicted: memory grows until the worker's limit.
const cache: number[][] = []

Deno.serve(async (req: Request) => {
  const gradual = new URL(req.url).searchParams.get("mode") === "gradual"
  console.log(`hog: filling the cache (${gradual ? "gradually" : "at once"})`)
  for (let i = 0; ; i++) {
    cache.push(new Array(1_000_000).fill(i + 0.5))
    if (gradual) await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return new Response(`cached ${cache.length}`)
})
