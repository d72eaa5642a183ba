// The crypto.subtle workload bench/crypto.sh runs in both runtimes (`sbfn test` and
// `deno test`): each figure is timed here, in the runtime itself, and printed as
// "BENCH <name> <ops/s>".
const seconds = Number(globalThis.Deno?.env.get("BENCH_SECONDS") ?? "3");

async function measure(name, op) {
  for (let i = 0; i < 50; i++) await op(); // warm up
  let count = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 20; i++) await op();
    count += 20;
  }
  const rate = count / ((performance.now() - start) / 1000);
  console.log(`BENCH ${name} ${rate.toFixed(0)}`);
}

Deno.test("crypto.subtle throughput", async () => {
  const key = await crypto.subtle.importKey(
    "raw",
    crypto.getRandomValues(new Uint8Array(32)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const kb = crypto.getRandomValues(new Uint8Array(1024));
  const mb = new Uint8Array(1024 * 1024).fill(7);
  await measure("hmac_sha256_1kb", () => crypto.subtle.sign("HMAC", key, kb));
  await measure("sha256_1mb", () => crypto.subtle.digest("SHA-256", mb));
});
