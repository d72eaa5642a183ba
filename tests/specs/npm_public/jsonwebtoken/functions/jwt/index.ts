// npm:jsonwebtoken on node:crypto (createHmac, createSign/createVerify, KeyObjects from
// PEM, timingSafeEqual): HS256, RS256, PS256 and ES256 tokens with keys made by
// generateKeyPairSync, and its errors for a wrong key and a wrong secret.
import jwt from "npm:jsonwebtoken@9";
import { generateKeyPairSync } from "node:crypto";

Deno.serve(() => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256", publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "sec1", format: "pem" } });
  const out: Record<string, unknown> = {};
  const hs = jwt.sign({ sub: "u1" }, "secret", { algorithm: "HS256", noTimestamp: true });
  out.hs = hs;
  out.hsVerified = (jwt.verify(hs, "secret") as { sub: string }).sub;
  const rs = jwt.sign({ sub: "u2" }, rsa.privateKey, { algorithm: "RS256" });
  out.rs = (jwt.verify(rs, rsa.publicKey) as { sub: string }).sub;
  const ps = jwt.sign({ sub: "u3" }, rsa.privateKey, { algorithm: "PS256" });
  out.ps = (jwt.verify(ps, rsa.publicKey) as { sub: string }).sub;
  const es = jwt.sign({ sub: "u4" }, ec.privateKey, { algorithm: "ES256" });
  out.es = (jwt.verify(es, ec.publicKey) as { sub: string }).sub;
  try { jwt.verify(rs, ec.publicKey); } catch (e) { out.wrongKey = (e as Error).message; }
  try { jwt.verify(hs, "other"); } catch (e) { out.wrongSecret = (e as Error).message; }
  return Response.json(out);
});
