import { describe, it, beforeEach, afterAll } from "jsr:@std/testing@^1.0.0/bdd";
import { assertEquals } from "jsr:@std/assert@^1.0.0";
describe("math", () => {
  let n = 0;
  beforeEach(() => { n = 1; });
  afterAll(() => {});
  it("adds", () => { assertEquals(n + 1, 2); });
  it("fails", () => { assertEquals(n + 1, 3); });
  describe("nested", () => {
    it("works", () => { assertEquals(n, 1); });
  });
});
it("top level", () => {});
