// Two strings near V8's maximum length, concatenated.
Deno.serve(() => {
  const a = "a".repeat(2 ** 28)
  const b = a + "b".repeat(2 ** 28 - 24)
  return new Response(String((b + "c").length))
})
