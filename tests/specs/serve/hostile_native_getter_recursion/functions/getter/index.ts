import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// Endless recursion through native code: a getter (or toString/toJSON) that the runtime
// or V8 calls while it reads an argument, and that calls the same API again. Each must
// end in a catchable RangeError (stack overflow), never a crash of the process.
const attempts: Record<string, () => unknown> = {
  responseInit: () => {
    const init = {
      get status(): number {
        return new Response("x", init).status
      },
    }
    return new Response("x", init)
  },
  responseBody: () => {
    const body = {
      toString(): string {
        return String(new Response(body as unknown as string).status)
      },
    }
    return new Response(body as unknown as string)
  },
  headersInit: () => {
    const init = {
      get "x-a"(): string {
        return new Headers(init).get("x-a") ?? ""
      },
    }
    return new Headers(init)
  },
  jsonStringify: () => {
    const value = {
      toJSON(): string {
        return JSON.stringify(value)
      },
    }
    return JSON.stringify(value)
  },
  structuredClone: () => {
    const value = {
      get deep(): unknown {
        return structuredClone(value)
      },
    }
    return structuredClone(value)
  },
  textEncoder: () => {
    const encoder = new TextEncoder()
    const value = {
      toString(): string {
        return String(encoder.encode(value as unknown as string).length)
      },
    }
    return encoder.encode(value as unknown as string)
  },
  urlBase: () => {
    const base = {
      toString(): string {
        return new URL("/x", base as unknown as string).href
      },
    }
    return new URL("/x", base as unknown as string)
  },
  envGet: () => {
    const key = {
      toString(): string {
        return Deno.env.get(key as unknown as string) ?? "k"
      },
    }
    return Deno.env.get(key as unknown as string)
  },
}

Deno.serve(async (req: Request) => {
  const which = new URL(req.url).searchParams.get("uncaught")
  if (which) {
    console.log(`getter: ${which} uncaught`)
    await attempts[which]()
    return new Response("unreachable")
  }
  const results: Record<string, string> = {}
  for (const [name, attempt] of Object.entries(attempts)) {
    try {
      await attempt()
      results[name] = "returned"
    } catch (error) {
      results[name] = `${(error as Error).name}: ${(error as Error).message}`
    }
  }
  return Response.json(results)
})
