// The main service `sbfn serve --main-service <this folder>` runs: it receives
// every request and hands each one to a user worker, as Supabase's edge-runtime does. It
// does what the Supabase CLI's own main service does (its templates/main.ts):
//   - routing by the first path segment: /<name>/... (and /functions/v1/<name>/...) goes
//     to the function in the folder next to this one, <functions>/<name>/;
//   - the JWT check (Authorization: Bearer <jwt>), skipped for OPTIONS: HS256 with the
//     legacy secret, ES256/RS256 with the project's JWKS;
//   - CORS preflights answered here;
//   - Supabase's error bodies: 401 {"msg"}, 404 "Function not found", 503 BOOT_ERROR,
//     500 WORKER_ERROR, 546 WORKER_LIMIT, 504 on the request idle timeout.
// Edit it: it is yours. Settings come from the environment the server was started with.

// The legacy JWT secret (HS256), and the JWK Set for asymmetric keys: inline
// (SUPABASE_JWKS) or fetched from $SUPABASE_URL/auth/v1/.well-known/jwks.json.
const JWT_SECRET = Deno.env.get("SUPABASE_AUTH_JWT_SECRET") ?? Deno.env.get("JWT_SECRET") ?? "";
const SUPABASE_URL = Deno.env.get("SUPABASE_URL") ?? "";
const INLINE_JWKS = Deno.env.get("SUPABASE_JWKS") ?? "";
// VERIFY_JWT=false turns the check off for every function.
const VERIFY_JWT = (Deno.env.get("VERIFY_JWT") ?? "true") !== "false";
// Functions that take requests without a JWT (as verify_jwt = false in config.toml).
const NO_VERIFY = new Set((Deno.env.get("NO_VERIFY_JWT_FUNCTIONS") ?? "").split(",").filter((s) => s));
// Where the functions are: this folder's parent unless FUNCTIONS_DIR says otherwise.
const FUNCTIONS_DIR = Deno.env.get("FUNCTIONS_DIR") ??
  decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
// The environment every function gets: the server's, minus what is the host's own.
const HIDDEN_ENV = new Set(["HOME", "HOSTNAME", "PATH", "PWD", "VERIFY_JWT", "FUNCTIONS_DIR",
  "NO_VERIFY_JWT_FUNCTIONS"]);
const WALLCLOCK_LIMIT_SEC = Number(Deno.env.get("SUPABASE_INTERNAL_WALLCLOCK_LIMIT_SEC") ?? "400");

const corsHeaders = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type",
  "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
};

function json(body: unknown, status: number, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

// --- JWT -------------------------------------------------------------------------------

function base64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

function decodeJson(segment: string) {
  return JSON.parse(new TextDecoder().decode(base64Url(segment)));
}

let jwks: Promise<JsonWebKey[]> | null = null;
function jwkSet(): Promise<JsonWebKey[]> {
  jwks ??= (async () => {
    if (INLINE_JWKS !== "") return JSON.parse(INLINE_JWKS).keys ?? [];
    if (SUPABASE_URL === "") return [];
    const response = await fetch(`${SUPABASE_URL}/auth/v1/.well-known/jwks.json`);
    return response.ok ? (await response.json()).keys ?? [] : [];
  })().catch((error) => {
    jwks = null; // try again with the next request
    throw error;
  });
  return jwks;
}

async function verifySignature(header: { alg?: string; kid?: string }, signed: Uint8Array, signature: Uint8Array) {
  if (header.alg === "HS256") {
    const hmac = { name: "HMAC", hash: "SHA-256" };
    if (JWT_SECRET !== "") {
      const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(JWT_SECRET), hmac, false, ["verify"]);
      if (await crypto.subtle.verify("HMAC", key, signature, signed)) return true;
    }
    // The legacy secret as an "oct" key of the JWK Set (how `sbfn serve` passes it).
    for (const jwk of await jwkSet()) {
      if (jwk.kty !== "oct") continue;
      const key = await crypto.subtle.importKey("jwk", { ...jwk, key_ops: ["verify"] }, hmac, false, ["verify"]);
      if (await crypto.subtle.verify("HMAC", key, signature, signed)) return true;
    }
    return false;
  }
  const algorithms: Record<string, [EcKeyImportParams | RsaHashedImportParams, AlgorithmIdentifier | EcdsaParams]> = {
    ES256: [{ name: "ECDSA", namedCurve: "P-256" }, { name: "ECDSA", hash: "SHA-256" }],
    RS256: [{ name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, { name: "RSASSA-PKCS1-v1_5" }],
  };
  const algorithm = algorithms[header.alg ?? ""];
  if (!algorithm) return false;
  for (const jwk of await jwkSet()) {
    if (header.kid !== undefined && (jwk as { kid?: string }).kid !== header.kid) continue;
    if (jwk.alg !== undefined && jwk.alg !== header.alg) continue;
    try {
      const key = await crypto.subtle.importKey("jwk", jwk, algorithm[0], false, ["verify"]);
      if (await crypto.subtle.verify(algorithm[1], key, signature, signed)) return true;
    } catch {
      // a key of another type: try the next one
    }
  }
  return false;
}

async function isValidJWT(token: string): Promise<boolean> {
  const parts = token.split(".");
  if (parts.length !== 3) return false;
  try {
    const header = decodeJson(parts[0]);
    const claims = decodeJson(parts[1]);
    const signed = new TextEncoder().encode(`${parts[0]}.${parts[1]}`);
    if (!(await verifySignature(header, signed, base64Url(parts[2])))) return false;
    const now = Date.now() / 1000;
    if (typeof claims.exp === "number" && claims.exp < now) return false;
    if (typeof claims.nbf === "number" && claims.nbf > now) return false;
    return true;
  } catch {
    return false;
  }
}

function getAuthToken(req: Request) {
  const authHeader = req.headers.get("authorization");
  if (!authHeader) throw new Error("Missing authorization header");
  const [bearer, token] = authHeader.split(" ");
  if (bearer !== "Bearer") throw new Error(`Auth header is not 'Bearer {token}'`);
  return token;
}

// --- Routing -----------------------------------------------------------------------------

function functionName(pathname: string): string {
  const path = pathname.startsWith("/functions/v1/") ? pathname.slice("/functions/v1".length) : pathname;
  return path.split("/")[1] ?? "";
}

Deno.serve(async (req: Request) => {
  const url = new URL(req.url);
  if (url.pathname === "/_internal/health") return json({ message: "ok" }, 200);

  const name = functionName(url.pathname);
  if (name === "" || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) {
    return new Response("Function not found", { status: 404, headers: { "Content-Type": "text/plain;charset=UTF-8" } });
  }
  if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });

  if (VERIFY_JWT && !NO_VERIFY.has(name)) {
    try {
      const token = getAuthToken(req);
      if (!(await isValidJWT(token))) return json({ msg: "Invalid JWT" }, 401, corsHeaders);
    } catch (e) {
      return json({ msg: String(e) }, 401, corsHeaders);
    }
  }

  const envVars = Object.entries(Deno.env.toObject())
    .filter(([key]) => !HIDDEN_ENV.has(key) && !key.startsWith("SUPABASE_INTERNAL_"));

  const callWorker = async (): Promise<Response> => {
    try {
      const worker = await EdgeRuntime.userWorkers.create({
        servicePath: `${FUNCTIONS_DIR}/${name}`,
        memoryLimitMb: 256,
        workerTimeoutMs: WALLCLOCK_LIMIT_SEC * 1000,
        cpuTimeSoftLimitMs: 1000,
        cpuTimeHardLimitMs: 2000,
        noModuleCache: false,
        envVars,
        forceCreate: false,
      });
      const controller = new AbortController();
      return await worker.fetch(req, { signal: controller.signal });
    } catch (e) {
      // A worker retired between create() and fetch(): ask the pool again.
      if (e instanceof Deno.errors.WorkerAlreadyRetired) return await callWorker();
      return errorResponse(e);
    }
  };
  return callWorker();
});

function errorResponse(e: unknown): Response {
  if (e instanceof Deno.errors.InvalidWorkerCreation &&
    String(e).includes("could not find an appropriate entrypoint")) {
    return new Response("Function not found", { status: 404, headers: { "Content-Type": "text/plain;charset=UTF-8" } });
  }
  console.error(e);
  if (e instanceof Deno.errors.InvalidWorkerCreation) {
    return json({ code: "BOOT_ERROR", message: "Worker failed to boot (please check logs)" }, 503);
  }
  if (e instanceof Deno.errors.InvalidWorkerResponse) {
    return json({ code: "WORKER_ERROR", message: "Function exited due to an error (please check logs)" }, 500);
  }
  if (e instanceof Deno.errors.WorkerRequestCancelled) {
    return json({ code: "WORKER_LIMIT", message: "Worker failed to respond due to a resource limit (please check logs)" }, 546);
  }
  if (e instanceof Deno.errors.WorkerRequestIdleTimeout) {
    return json({ code: "WORKER_TIMEOUT", message: "Worker did not respond in time (please check logs)" }, 504);
  }
  return json({ code: "Internal Server Error", message: "Request failed due to an internal server error", trace: String(e) }, 500);
}
