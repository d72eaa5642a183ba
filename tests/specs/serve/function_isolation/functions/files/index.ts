// Deno.readTextFile / Deno.readFile work inside the function's folder, and only there.
Deno.serve(async () => {
  const data = JSON.parse(await Deno.readTextFile(new URL("./data.json", import.meta.url)))
  const bytes = await Deno.readFile(new URL("./data.json", import.meta.url))
  let outside = "readable"
  try {
    await Deno.readTextFile(new URL("../../case.json", import.meta.url))
  } catch (error) {
    outside = error instanceof Error ? error.name : String(error)
  }
  let absolute = "readable"
  try {
    await Deno.readTextFile("/etc/passwd")
  } catch (error) {
    absolute = error instanceof Error ? error.name : String(error)
  }
  return Response.json({ greeting: data.greeting, byteLength: bytes.byteLength, outsideDenied: outside !== "readable", absoluteDenied: absolute !== "readable" })
})
