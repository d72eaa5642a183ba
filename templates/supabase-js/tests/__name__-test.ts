// Run with `sbfn test` (or `deno test --allow-all`). The function talks to PostgREST at
// SUPABASE_URL; the test starts a small stand-in for it on 127.0.0.1 and points
// SUPABASE_URL there, so no database is needed.
import { assertEquals } from "jsr:@std/assert@1";
import handler from "../__name__/index.ts";

const ANON_KEY = "anon-key-for-tests";
const USER_JWT = "user-jwt-for-tests";

interface Seen {
  path: string;
  authorization: string | null;
  apikey: string | null;
}

// A PostgREST stand-in: GET /rest/v1/todos answers two rows to the user's JWT and
// PostgREST's error body to any other token.
function startFakePostgrest(seen: Seen[]) {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    seen.push({
      path: url.pathname + url.search,
      authorization: req.headers.get("Authorization"),
      apikey: req.headers.get("apikey"),
    });
    if (req.headers.get("Authorization") !== `Bearer ${USER_JWT}`) {
      return Response.json(
        { code: "PGRST301", details: null, hint: null, message: "JWT expired" },
        { status: 401 },
      );
    }
    return Response.json([{ id: 1, title: "Write a test" }, { id: 2, title: "Ship it" }]);
  });
}

async function withFakePostgrest(run: (seen: Seen[]) => Promise<void>) {
  const seen: Seen[] = [];
  const server = startFakePostgrest(seen);
  Deno.env.set("SUPABASE_URL", `http://127.0.0.1:${server.addr.port}`);
  Deno.env.set("SUPABASE_ANON_KEY", ANON_KEY);
  try {
    await run(seen);
  } finally {
    await server.shutdown();
  }
}

Deno.test("__name__ reads the table with the caller's JWT", async () => {
  await withFakePostgrest(async (seen) => {
    const response = await handler.fetch(
      new Request("http://localhost/__name__", {
        headers: { Authorization: `Bearer ${USER_JWT}` },
      }),
    );
    assertEquals(response.status, 200);
    assertEquals(await response.json(), {
      todos: [{ id: 1, title: "Write a test" }, { id: 2, title: "Ship it" }],
    });
    assertEquals(seen.length, 1);
    assertEquals(seen[0].path, "/rest/v1/todos?select=*");
    assertEquals(seen[0].authorization, `Bearer ${USER_JWT}`);
    assertEquals(seen[0].apikey, ANON_KEY);
  });
});

Deno.test("__name__ passes PostgREST's error on", async () => {
  await withFakePostgrest(async () => {
    const response = await handler.fetch(
      new Request("http://localhost/__name__", {
        headers: { Authorization: "Bearer expired" },
      }),
    );
    assertEquals(response.status, 400);
    assertEquals(await response.json(), { error: "JWT expired" });
  });
});
