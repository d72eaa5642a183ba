// A main service in the shape of the one Supabase's self-hosting guides ship (ECS,
// docker): JWT check, CORS preflight, routing by the first path segment to
// ./functions/<name>, its own 404, edge-runtime's error classes mapped to status codes.
// The JWT is checked with WebCrypto (HS256) instead of jose: spec cases have no network.
const JWT_SECRET = Deno.env.get("JWT_SECRET") ?? "";
const VERIFY_JWT = Deno.env.get("VERIFY_JWT") === "true";
const FUNCTIONS = new Set(["hello", "echo", "stream", "broken", "hog", "counter"]);

const corsHeaders = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type",
};

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "Content-Type": "application/json" },
  });
}

function getAuthToken(req: Request) {
  const authHeader = req.headers.get("authorization");
  if (!authHeader) throw new Error("Missing authorization header");
  const [bearer, token] = authHeader.split(" ");
  if (bearer !== "Bearer") throw new Error(`Auth header is not 'Bearer {token}'`);
  return token;
}

function base64Url(text: string) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

async function verifyJWT(jwt: string): Promise<boolean> {
  const [header, payload, signature] = jwt.split(".");
  if (!signature) return false;
  const key = await crypto.subtle.importKey(
    "raw", new TextEncoder().encode(JWT_SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const valid = await crypto.subtle.verify(
    "HMAC", key, base64Url(signature), new TextEncoder().encode(`${header}.${payload}`));
  if (!valid) return false;
  const claims = JSON.parse(new TextDecoder().decode(base64Url(payload)));
  return !(typeof claims.exp === "number" && claims.exp * 1000 < Date.now());
}

async function internal(route: string, req: Request) {
  switch (route) {
    case "health":
      return json({ message: "ok" });
    case "env": // the main service has the host's environment
      return json({ MAIN_ONLY: Deno.env.get("MAIN_ONLY") ?? null });
    case "metric":
      return json(EdgeRuntime.getRuntimeMetrics());
    case "cleanup":
      return json({ dropped: await EdgeRuntime.userWorkers.tryCleanupIdleWorkers(0) });
    case "inline": { // maybeModuleCode: code the main service holds, no folder
      const worker = await EdgeRuntime.userWorkers.create({
        servicePath: "inline",
        maybeModuleCode: "Deno.serve((req) => new Response('inline ' + req.method + ' ' + Deno.env.get('WHO')));",
        envVars: [["WHO", "main"]],
      });
      return await worker.fetch(req);
    }
    case "artifact": { // maybeEszip: the bytes of a .sbfn artifact (sbfn bundle's output)
      const bytes = await Deno.readFile(new URL("./dist/hello.sbfn", import.meta.url));
      const worker = await EdgeRuntime.userWorkers.create({ maybeEszip: bytes, envVars: [["GREETING", "from an artifact"]] });
      return await worker.fetch(req);
    }
    case "not-artifact": {
      try {
        await EdgeRuntime.userWorkers.create({ maybeEszip: new TextEncoder().encode("not an artifact") });
        return json({ created: true });
      } catch (e) {
        return json({ name: (e as Error).name, message: (e as Error).message });
      }
    }
    case "aborted": { // a signal aborted before worker.fetch: rejected with its reason
      const worker = await EdgeRuntime.userWorkers.create({ servicePath: "./functions/hello" });
      const controller = new AbortController();
      controller.abort();
      try {
        await worker.fetch(req, { signal: controller.signal });
        return json({ aborted: false });
      } catch (e) {
        return json({ aborted: true, name: (e as Error).name });
      }
    }
    case "classes":
      return json(["InvalidWorkerCreation", "InvalidWorkerResponse", "WorkerRequestCancelled",
        "WorkerAlreadyRetired", "WorkerRequestIdleTimeout"].map((name) => {
          const cls = (Deno.errors as Record<string, ErrorConstructor>)[name];
          return typeof cls === "function" && new cls("x") instanceof Error ? name : null;
        }));
  }
  return json({ msg: "no such internal route" }, 404);
}

Deno.serve(async (req: Request) => {
  if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });
  const url = new URL(req.url);
  const [, service_name, route] = url.pathname.split("/");
  if (!service_name) return json({ msg: "missing function name in request" }, 400);
  if (service_name === "_internal") return internal(route, req);

  if (VERIFY_JWT) {
    try {
      const token = getAuthToken(req);
      if (!(await verifyJWT(token))) return json({ msg: "Invalid JWT" }, 401);
    } catch (e) {
      return json({ msg: String(e) }, 401);
    }
  }
  if (!FUNCTIONS.has(service_name)) return json({ msg: `function ${service_name} not found` }, 404);

  const servicePath = `./functions/${service_name}`;
  // Limits per worker: the CPU hog gets a tight budget, the others edge-runtime's defaults.
  const limits = service_name === "hog"
    ? { memoryLimitMb: 64, cpuTimeSoftLimitMs: 200, cpuTimeHardLimitMs: 400 }
    : { memoryLimitMb: 150, cpuTimeSoftLimitMs: 10000, cpuTimeHardLimitMs: 20000 };

  const callWorker = async (): Promise<Response> => {
    try {
      const worker = await EdgeRuntime.userWorkers.create({
        servicePath,
        workerTimeoutMs: 5 * 60 * 1000,
        noModuleCache: false,
        importMapPath: null,
        envVars: [["GREETING", "hi from main"]],
        forceCreate: url.searchParams.has("force"),
        ...limits,
      });
      const controller = new AbortController();
      return await worker.fetch(req, { signal: controller.signal });
    } catch (e) {
      if (e instanceof Deno.errors.WorkerAlreadyRetired) return await callWorker();
      if (e instanceof Deno.errors.InvalidWorkerCreation) {
        return json({ code: "BOOT_ERROR", message: "Worker failed to boot (please check logs)", detail: e.message }, 503);
      }
      if (e instanceof Deno.errors.InvalidWorkerResponse) {
        return json({ code: "WORKER_ERROR", message: "Function exited due to an error (please check logs)" }, 500);
      }
      if (e instanceof Deno.errors.WorkerRequestCancelled) {
        return json({ code: "WORKER_LIMIT", message: "Worker failed to respond due to a resource limit (please check logs)" }, 546);
      }
      return json({ msg: String(e) }, 500);
    }
  };
  return callWorker();
});
