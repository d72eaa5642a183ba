Deno.test("second module", () => {
  console.log("output the dot, tap and junit reporters leave out");
});
