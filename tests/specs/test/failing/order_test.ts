import { assertEquals } from "jsr:@std/assert@^1.0.0";

interface Order {
  id: number;
  items: string[];
  total: number;
}

function total(items: string[]): number {
  return items.length * 10;
}

Deno.test("passes", () => {
  assertEquals(total(["a"]), 10);
});

Deno.test("totals an order", () => {
  const order: Order = { id: 1, items: ["a", "b"], total: total(["a", "b"]) };
  assertEquals(order, { id: 1, items: ["a", "b"], total: 25 });
});

Deno.test("a step throws", async (t) => {
  await t.step("fine", () => {});
  await t.step("throws", () => {
    throw new TypeError(`no item ${"c"}`);
  });
});
