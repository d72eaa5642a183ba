// The module-worker style: no Deno.serve call, a default export with fetch().
export default {
  async fetch(req: Request): Promise<Response> {
    const { pathname } = new URL(req.url)
    return new Response(`default export saw ${req.method} ${pathname}`, {
      headers: { "content-type": "text/plain" },
    })
  },
}
