import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// Header injection through a Response: CR, LF or NUL in a header's name or value, or in
// the status text, must throw a TypeError in the function (Fetch spec: not a valid
// header value / reason phrase) and never reach the wire.
const attempts: Record<string, () => unknown> = {
  valueCrlf: () => new Headers({ "x-a": "a\r\nInjected: 1" }),
  valueLf: () => new Headers({ "x-a": "a\nInjected: 1" }),
  valueCr: () => new Headers({ "x-a": "a\rInjected: 1" }),
  valueNul: () => new Headers({ "x-a": "a\u0000b" }),
  nameCrlf: () => new Headers({ "x-a\r\nInjected": "1" }),
  nameColon: () => new Headers({ "x-a: b": "1" }),
  nameSpace: () => new Headers({ "x a": "1" }),
  nameEmpty: () => new Headers({ "": "1" }),
  set: () => new Headers().set("x-a", "a\r\n\r\n<html>"),
  append: () => new Headers().append("set-cookie", "a=1\r\nInjected: 1"),
  responseInit: () => new Response("x", { headers: { "x-a": "a\r\nInjected: 1" } }),
  responseInitPairs: () => new Response("x", { headers: [["x-a\nInjected", "1"]] }),
  responseJson: () => Response.json({}, { headers: { "x-a": "a\r\nInjected: 1" } }),
  responseHeadersSet: () => new Response("x").headers.set("x-a", "a\r\nInjected: 1"),
  redirect: () => Response.redirect("https://example.com/\r\nInjected: 1", 302),
  statusText: () => new Response("x", { statusText: "OK\r\nInjected: 1" }),
  statusTextLf: () => new Response("x", { statusText: "OK\nInjected: 1" }),
}

Deno.serve((req: Request) => {
  const mode = new URL(req.url).searchParams.get("mode")
  if (mode === "redirect") {
    // the URL parser percent-encodes what it cannot keep: the Location is one clean line
    return Response.redirect("https://example.com/a\r\nInjected: 1", 302)
  }
  if (mode === "ws") {
    // the offered-protocol check disarmed: a subprotocol with CR LF reaches the native side
    const includes = Array.prototype.includes
    Array.prototype.includes = () => true
    try {
      const { socket, response } = Deno.upgradeWebSocket(req, { protocol: "chat\r\nInjected: 1" })
      socket.onopen = () => socket.close(1000, "done")
      return response
    } finally {
      Array.prototype.includes = includes
    }
  }
  if (mode === "getters") {
    // the function replaces the getters the runtime could read the head through
    Object.defineProperty(Response.prototype, "statusText", { get: () => "OK\r\nInjected: 1", configurable: true })
    Object.defineProperty(Response.prototype, "status", { get: () => 101, configurable: true })
    return new Response("getters")
  }
  if (mode === "regexp") {
    // the function disarms the JavaScript checks (they use regular expressions): only
    // the native check stands between these and the wire
    const test = RegExp.prototype.test
    RegExp.prototype.test = function (this: RegExp, text: string) {
      return this.source.startsWith("^[!#") || this.source.startsWith("^[\\t") ? true : test.call(this, text) && !this.source.includes("\\r")
    }
    try {
      const headers = new Headers()
      headers.set("x-a", "a\r\nInjected: 1")
      return new Response("regexp", { headers, statusText: "OK" })
    } finally {
      RegExp.prototype.test = test
    }
  }
  if (mode === "regexp-status") {
    const test = RegExp.prototype.test
    RegExp.prototype.test = function (this: RegExp, text: string) {
      return this.source.startsWith("^[\\t") ? true : test.call(this, text)
    }
    try {
      return new Response("regexp", { statusText: "OK\r\nInjected: 1" })
    } finally {
      RegExp.prototype.test = test
    }
  }
  if (mode === "regexp-stream") {
    const test = RegExp.prototype.test
    RegExp.prototype.test = function (this: RegExp, text: string) {
      return this.source.startsWith("^[!#") ? true : test.call(this, text) && !this.source.includes("\\r")
    }
    try {
      const body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("streamed")); c.close() } })
      return new Response(body, { headers: { "x-a\r\nInjected": "1" } })
    } finally {
      RegExp.prototype.test = test
    }
  }
  if (mode) {
    // uncaught: the request fails (500), nothing of the header goes out
    console.log(`inject: ${mode} uncaught`)
    return attempts[mode]() as Response
  }
  const results: Record<string, string> = {}
  for (const [name, attempt] of Object.entries(attempts)) {
    if (name === "redirect") continue
    try {
      attempt()
      results[name] = "accepted"
    } catch (e) {
      results[name] = (e as Error).name
    }
  }
  // Leading and trailing whitespace (tab, space, CR, LF) is trimmed, not an error
  const trimmed = new Headers({ "x-a": "\r\n\t value \t\r\n" }).get("x-a")
  return Response.json({ results, trimmed }, { headers: { "x-trimmed": " \t v \r\n" } })
})
