import { generateKeyPair, pbkdf2, scrypt } from "node:crypto";
import { promisify } from "node:util";

// node:crypto's heavy callbacks run on the runtime's offload threads: the worker answers
// while they work, several run at once, and a worker that ends with one in flight leaves
// the process unharmed.
Deno.serve(async (req) => {
  const mode = new URL(req.url).searchParams.get("mode");
  if (mode === "exit-midway") {
    pbkdf2("password", "salt", 5_000_000, 32, "sha256", () => {});
    Deno.exit(0);
  }
  // RFC 6070's c = 4096 vector and RFC 7914's N = 16 vector, at the same time as a key pair.
  const [pbkdf2Key, scryptKey, pair] = await Promise.all([
    promisify(pbkdf2)("password", "salt", 4096, 20, "sha1"),
    promisify(scrypt)("", "", 16, { N: 16, r: 1, p: 1 }),
    promisify(generateKeyPair)("rsa", { modulusLength: 1024 }),
  ]);
  return Response.json({
    pbkdf2: pbkdf2Key.toString("hex"),
    scrypt: scryptKey.toString("hex"),
    rsaBits: (pair as { publicKey: { asymmetricKeyDetails: { modulusLength: number } } }).publicKey.asymmetricKeyDetails.modulusLength,
  });
});
