// A 512 MB path: its error message used to be a fatal ToLocalChecked.
Deno.serve(async () => new Response(String((await Deno.readTextFile("a".repeat(2 ** 29 - 64))).length)))
