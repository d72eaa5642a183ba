// The crypto.subtle workload bench/crypto.sh serves from both runtimes (sbfn serve and
// deno run): GET ?op=hmac_sha256_1kb|sha256_1mb&ms=N times the operation in the runtime
// itself for about N ms and answers {"op", "ops_per_s"}.
const key = await crypto.subtle.importKey(
  "raw",
  crypto.getRandomValues(new Uint8Array(32)),
  { name: "HMAC", hash: "SHA-256" },
  false,
  ["sign"],
);
const kb = crypto.getRandomValues(new Uint8Array(1024));
const mb = new Uint8Array(1024 * 1024).fill(7);
const OPS = {
  hmac_sha256_1kb: () => crypto.subtle.sign("HMAC", key, kb),
  sha256_1mb: () => crypto.subtle.digest("SHA-256", mb),
};

Deno.serve(async (req) => {
  const url = new URL(req.url);
  const name = url.searchParams.get("op") ?? "";
  const op = OPS[name];
  if (!op) return new Response("unknown op", { status: 400 });
  const ms = Number(url.searchParams.get("ms") ?? "1000");
  for (let i = 0; i < 20; i++) await op(); // warm up
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 10; i++) await op();
    count += 10;
  }
  const opsPerS = count / ((performance.now() - start) / 1000);
  return Response.json({ op: name, ops_per_s: Math.round(opsPerS) });
});
