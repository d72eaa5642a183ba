// Tests that call the served functions over HTTP, as Supabase's docs recommend.
function assertEquals(actual: unknown, expected: unknown) {
  const [a, b] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== b) throw new Error(`expected ${b}, got ${a}`);
}

const url = (name: string) => `${Deno.env.get("SUPABASE_URL")}/functions/v1/${name}`;
const anonKey = Deno.env.get("SUPABASE_ANON_KEY")!;

Deno.test("hello answers with the anon key", async () => {
  const response = await fetch(url("hello"), {
    method: "POST",
    headers: { Authorization: `Bearer ${anonKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Tests" }),
  });
  assertEquals(response.status, 200);
  assertEquals(await response.json(), { message: "Hello Tests!", greeting: "from the env file" });
});

Deno.test("hello refuses a request without a JWT", async () => {
  const response = await fetch(url("hello"), { method: "POST", body: "{}" });
  assertEquals(response.status, 401);
  await response.body?.cancel();
});

Deno.test("open needs no JWT", async () => {
  const response = await fetch(url("open"));
  assertEquals(await response.text(), "no token needed");
});

Deno.test("the keys are the local stack's", () => {
  assertEquals(Deno.env.get("SUPABASE_URL")!.startsWith("http://127.0.0.1:"), true);
  assertEquals(Deno.env.get("SUPABASE_PUBLISHABLE_KEY")!.startsWith("sb_publishable_"), true);
  assertEquals(Deno.env.get("SUPABASE_SERVICE_ROLE_KEY")!.split(".").length, 3);
});

Deno.test({
  name: "boom fails, and its server log is shown",
  ignore: Deno.env.get("EXPECT_FAILURE") !== "1",
  fn: async () => {
    const response = await fetch(url("boom"), { headers: { Authorization: `Bearer ${anonKey}` } });
    assertEquals(response.status, 200);
  },
});
