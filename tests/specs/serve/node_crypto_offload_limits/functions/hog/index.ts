import { pbkdf2 } from "node:crypto";
import { promisify } from "node:util";

// Sixteen heavy key derivations at once: they run on the runtime's offload threads, not on
// this worker's, while the worker itself sits idle awaiting them.
Deno.serve(async () => {
  const derive = promisify(pbkdf2);
  await Promise.all(Array.from({ length: 16 }, (_, i) => derive("password", `salt${i}`, 400_000, 32, "sha256")));
  return new Response("all derived");
});
