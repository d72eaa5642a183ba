// More array elements than V8 can hold: "Fatal JavaScript invalid size error".
Deno.serve(() => new Response(String(JSON.parse("[" + "1,".repeat(2 ** 27) + "1]").length)))
