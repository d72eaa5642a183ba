// Run with `sbfn test` (or `deno test --allow-all`). The test signs its own user tokens
// and gives withSupabase the matching key as SUPABASE_JWKS (a JSON Web Key Set).
import { assertEquals } from "jsr:@std/assert@1";
import handler from "../__name__/index.ts";

const JWT_SECRET = "a-jwt-secret-for-tests-with-at-least-32-characters";
const KEY_ID = "test-key";
const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

// An HS256 JWT, as Supabase Auth issues with a symmetric signing key (its "kid" names the
// key in the JWKS).
async function signJwt(claims: Record<string, unknown>, secret = JWT_SECRET): Promise<string> {
  const header = base64url(encoder.encode(JSON.stringify({ alg: "HS256", typ: "JWT", kid: KEY_ID })));
  const payload = base64url(encoder.encode(JSON.stringify(claims)));
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(`${header}.${payload}`));
  return `${header}.${payload}.${base64url(new Uint8Array(signature))}`;
}

Deno.env.set("SUPABASE_URL", "http://127.0.0.1:54321");
Deno.env.set("SUPABASE_PUBLISHABLE_KEYS", JSON.stringify({ default: "sb_publishable_test" }));
Deno.env.set("SUPABASE_SECRET_KEYS", JSON.stringify({ default: "sb_secret_test" }));
Deno.env.set(
  "SUPABASE_JWKS",
  JSON.stringify({
    keys: [{ kty: "oct", kid: KEY_ID, alg: "HS256", k: base64url(encoder.encode(JWT_SECRET)) }],
  }),
);

function call(headers: Record<string, string>): Promise<Response> {
  return handler.fetch(new Request("http://localhost/__name__", { method: "POST", headers }));
}

const claims = {
  sub: "6c1b7a4e-0d63-4c35-9f51-8f8e2b4c1d2a",
  email: "ada@example.com",
  role: "authenticated",
  aud: "authenticated",
  exp: Math.floor(Date.now() / 1000) + 3600,
};

Deno.test("__name__ greets the signed-in user", async () => {
  const response = await call({ Authorization: `Bearer ${await signJwt(claims)}` });
  assertEquals(response.status, 200);
  assertEquals(await response.json(), { message: "Hello ada@example.com!" });
});

Deno.test("__name__ refuses a request without a user token", async () => {
  const response = await call({});
  assertEquals(response.status, 401);
  assertEquals((await response.json()).code, "MISSING_CREDENTIALS");
});

Deno.test("__name__ refuses a token signed with another key", async () => {
  const forged = await signJwt(claims, "another-secret-that-is-also-32-characters-long");
  const response = await call({ Authorization: `Bearer ${forged}` });
  assertEquals(response.status, 401);
  assertEquals((await response.json()).code, "INVALID_JWT");
});
