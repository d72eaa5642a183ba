import { exportJWK, importJWK, importPKCS8, importSPKI, jwtVerify, SignJWT } from "npm:jose@5";
import { createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { Buffer } from "node:buffer";

// jose (on crypto.subtle) and node:crypto on the same keys: pairs made by node:crypto's
// generateKeyPairSync as PEM go into jose's importPKCS8/importSPKI; tokens jose signs are
// checked with node:crypto.verify, and signatures node:crypto makes are verified by jose.
const cases = {
  RS256: { type: "rsa", options: { modulusLength: 2048 }, digest: "sha256", key: {} },
  PS256: { type: "rsa", options: { modulusLength: 2048 }, digest: "sha256", key: { padding: 6, saltLength: 32 } },
  ES256: { type: "ec", options: { namedCurve: "P-256" }, digest: "sha256", key: { dsaEncoding: "ieee-p1363" } },
  EdDSA: { type: "ed25519", options: {}, digest: null, key: {} },
} as const;

function split(token: string) {
  const [header, payload, signature] = token.split(".");
  return { input: Buffer.from(`${header}.${payload}`), signature: Buffer.from(signature, "base64url") };
}

Deno.serve(async () => {
  const results: Record<string, unknown> = {};
  for (const [alg, c] of Object.entries(cases)) {
    const pair = generateKeyPairSync(c.type as "rsa", {
      ...c.options,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    } as never) as unknown as { publicKey: string; privateKey: string };
    const privateKey = await importPKCS8(pair.privateKey, alg);
    const publicKey = await importSPKI(pair.publicKey, alg, { extractable: true });
    // jose signs, node:crypto verifies.
    const token = await new SignJWT({ alg }).setProtectedHeader({ alg }).setSubject("node").sign(privateKey);
    const parts = split(token);
    const nodeVerifies = verify(c.digest, parts.input, { key: pair.publicKey, ...c.key }, parts.signature);
    // node:crypto signs, jose verifies.
    const header = Buffer.from(JSON.stringify({ alg })).toString("base64url");
    const body = Buffer.from(JSON.stringify({ sub: "jose" })).toString("base64url");
    const signature = sign(c.digest, Buffer.from(`${header}.${body}`), { key: pair.privateKey, ...c.key });
    const verified = await jwtVerify(`${header}.${body}.${signature.toString("base64url")}`, publicKey);
    // The same public key through JWK both ways.
    const jwk = await exportJWK(publicKey);
    const nodeJwk = createPublicKey(pair.publicKey).export({ format: "jwk" });
    const fromNodeJwk = await importJWK(nodeJwk as never, alg);
    const again = await jwtVerify(token, fromNodeJwk);
    results[alg] = {
      nodeVerifiesJose: nodeVerifies,
      joseVerifiesNode: verified.payload.sub,
      jwkSame: Object.entries(nodeJwk).every(([name, value]) => (jwk as Record<string, unknown>)[name] === value),
      viaNodeJwk: again.payload.sub,
    };
  }
  return Response.json(results);
});
