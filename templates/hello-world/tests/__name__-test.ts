// Run with `sbfn test` (or `deno test --allow-all`).
import { assertEquals } from "jsr:@std/assert@1";
import handler from "../__name__/index.ts";

function post(body: string): Request {
  return new Request("http://localhost/__name__", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body,
  });
}

Deno.test("__name__ greets the name it is sent", async () => {
  const response = await handler.fetch(post(JSON.stringify({ name: "Functions" })));
  assertEquals(response.status, 200);
  assertEquals(response.headers.get("Content-Type"), "application/json");
  assertEquals(await response.json(), { message: "Hello Functions!" });
});

Deno.test("__name__ answers 400 to a body that is not JSON", async () => {
  const response = await handler.fetch(post("not json"));
  assertEquals(response.status, 400);
  assertEquals(await response.json(), {
    error: "Send a JSON body like {\"name\":\"Functions\"}",
  });
});
