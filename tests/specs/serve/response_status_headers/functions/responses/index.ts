Deno.serve((req) => {
  const { pathname } = new URL(req.url)
  switch (pathname) {
    case "/responses/created":
      return new Response(JSON.stringify({ id: 42 }), {
        status: 201,
        headers: { "Content-Type": "application/json", "Location": "/items/42", "X-Request-Method": req.method },
      })
    case "/responses/no-content":
      return new Response(null, { status: 204, headers: { "X-Deleted": "yes" } })
    case "/responses/cookies": {
      const headers = new Headers({ "content-type": "text/plain" })
      headers.append("Set-Cookie", "session=abc123; Path=/; HttpOnly")
      headers.append("Set-Cookie", "theme=dark; Path=/; Max-Age=3600")
      headers.set("Cache-Control", "no-store")
      headers.set("X-Custom-Header", "custom value")
      return new Response("two cookies", { headers })
    }
    case "/responses/teapot":
      return new Response("short and stout", { status: 418 })
    case "/responses/redirect":
      return Response.redirect("https://example.com/elsewhere", 302)
    case "/responses/large":
      return new Response("x".repeat(3 * 1024 * 1024))
    case "/responses/utf8":
      return new Response("héllo wörld ✓ 🚀", { headers: { "content-type": "text/plain; charset=utf-8" } })
    case "/responses/latin1":
      // Characters up to U+00FF only: a one-byte string inside V8, widened to UTF-8 natively.
      return new Response(JSON.stringify({ text: "héllo wörld ÿ" }) + " plain ascii tail")
    default:
      return new Response("no such route: " + pathname, { status: 404 })
  }
})
