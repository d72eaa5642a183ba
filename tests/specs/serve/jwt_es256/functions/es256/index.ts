import "jsr:@supabase/functions-js/edge-runtime.d.ts"

// ES256 JWTs with crypto.subtle: /es256/roundtrip makes a fresh P-256 key, signs a token
// and verifies it; /es256/verify checks the token in the X-Token header against the
// issuer's public JWK (ISSUER_PUBLIC_JWK).
const encoder = new TextEncoder()
const decoder = new TextDecoder()

function b64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
}

function unb64url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/")
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0))
}

const ES256 = { name: "ECDSA", hash: "SHA-256" }

async function sign(payload: object, key: CryptoKey): Promise<string> {
  const head = b64url(encoder.encode(JSON.stringify({ alg: "ES256", typ: "JWT" })))
  const body = b64url(encoder.encode(JSON.stringify(payload)))
  const signature = await crypto.subtle.sign(ES256, key, encoder.encode(`${head}.${body}`))
  return `${head}.${body}.${b64url(new Uint8Array(signature))}`
}

async function verify(token: string, key: CryptoKey): Promise<object | null> {
  const [head, body, signature] = token.split(".")
  if (!head || !body || !signature) return null
  if (JSON.parse(decoder.decode(unb64url(head))).alg !== "ES256") return null
  const ok = await crypto.subtle.verify(ES256, key, unb64url(signature), encoder.encode(`${head}.${body}`))
  return ok ? JSON.parse(decoder.decode(unb64url(body))) : null
}

const issuerKey = crypto.subtle.importKey(
  "jwk",
  JSON.parse(Deno.env.get("ISSUER_PUBLIC_JWK") ?? "{}"),
  { name: "ECDSA", namedCurve: "P-256" },
  false,
  ["verify"],
)

Deno.serve(async (req: Request) => {
  const url = new URL(req.url)
  if (url.pathname.endsWith("/roundtrip")) {
    const { privateKey, publicKey } = await crypto.subtle.generateKey(
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["sign", "verify"],
    )
    const token = await sign({ sub: "user-1", role: "tester" }, privateKey)
    const claims = await verify(token, publicKey)
    const [head, body] = token.split(".")
    const forged = `${head}.${b64url(encoder.encode(JSON.stringify({ sub: "admin" })))}.${token.split(".")[2]}`
    const jwk = await crypto.subtle.exportKey("jwk", publicKey)
    return Response.json({
      claims,
      signatureBytes: unb64url(token.split(".")[2]).length,
      forgedAccepted: (await verify(forged, publicKey)) !== null,
      publicJwk: { kty: jwk.kty, crv: jwk.crv, alg: jwk.alg },
      privateExtractable: privateKey.extractable,
      headerAlg: JSON.parse(decoder.decode(unb64url(head))).alg,
      bodyLength: body.length > 0,
    })
  }
  const token = req.headers.get("x-token") ?? ""
  try {
    const claims = await verify(token, await issuerKey)
    return Response.json({ valid: claims !== null, claims }, { status: claims ? 200 : 401 })
  } catch (e) {
    return Response.json({ valid: false, error: String(e) }, { status: 400 })
  }
})
