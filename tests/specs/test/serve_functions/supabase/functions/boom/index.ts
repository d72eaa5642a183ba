Deno.serve(() => {
  console.error("boom is about to fail");
  throw new Error("the boom function broke");
});
