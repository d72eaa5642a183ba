import { compactVerify, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from "npm:jose@5";

// RFC 7515 appendix A.1 (HS256) and A.3 (ES256): keys and signed examples from the RFC.
const rfcHsKey = {
  kty: "oct",
  k: "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
};
const rfcHsJws = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9" +
  ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
  ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const rfcEcKey = {
  kty: "EC",
  crv: "P-256",
  x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
  y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
  d: "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI",
};
const rfcEsJws = "eyJhbGciOiJFUzI1NiJ9" +
  ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ" +
  ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
const beforeRfcExpiry = new Date(1300819000 * 1000);

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
    return "verified";
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`;
  }
}

Deno.serve(async () => {
  const secret = new TextEncoder().encode("a-string-secret-at-least-256-bits-long");
  const hs256 = await new SignJWT({ role: "authenticated" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject("user-1").setIssuer("sbfn").setIssuedAt(1700000000).setExpirationTime(1700003600)
    .sign(secret);
  const whileValid = new Date(1700000100 * 1000);
  const hsVerified = await jwtVerify(hs256, secret, { issuer: "sbfn", currentDate: whileValid });

  const { d: _d, ...rfcPublic } = rfcEcKey;
  const rfcHs = await jwtVerify(rfcHsJws, await importJWK(rfcHsKey, "HS256"),
    { currentDate: beforeRfcExpiry });
  const rfcEs = await jwtVerify(rfcEsJws, await importJWK(rfcPublic, "ES256"),
    { currentDate: beforeRfcExpiry });

  // ES256 signatures are random: sign with the RFC's private key, verify with the public
  // half alone; and the same with a key pair made here.
  const es256 = await new SignJWT({ scope: "read" }).setProtectedHeader({ alg: "ES256", kid: "rfc" })
    .setSubject("svc").sign(await importJWK(rfcEcKey, "ES256"));
  const esVerified = await jwtVerify(es256, await importJWK(rfcPublic, "ES256"));
  const pair = await generateKeyPair("ES256", { extractable: true });
  const fresh = await new SignJWT({ n: 1 }).setProtectedHeader({ alg: "ES256" }).sign(pair.privateKey);
  const freshVerified = await compactVerify(fresh, pair.publicKey);
  const jwk = await exportJWK(pair.publicKey);

  const tampered = hs256.slice(0, -4) + (hs256.endsWith("AAAA") ? "BBBB" : "AAAA");
  return Response.json({
    hs256,
    hsVerified: { payload: hsVerified.payload, header: hsVerified.protectedHeader },
    rfcHs256: rfcHs.payload,
    rfcEs256: rfcEs.payload,
    es256: { header: decodeProtectedHeader(es256), payload: esVerified.payload, signatureChars: es256.split(".")[2].length },
    fresh: { payload: new TextDecoder().decode(freshVerified.payload), jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x?.length, y: jwk.y?.length } },
    errors: {
      tampered: await failure(jwtVerify(tampered, secret, { currentDate: whileValid })),
      expired: await failure(jwtVerify(hs256, secret, { currentDate: new Date(1800000000 * 1000) })),
      wrongIssuer: await failure(jwtVerify(hs256, secret, { issuer: "other", currentDate: whileValid })),
      wrongKey: await failure(jwtVerify(es256, pair.publicKey)),
      rfcExpired: await failure(jwtVerify(rfcEsJws, await importJWK(rfcPublic, "ES256"))),
    },
  });
});
