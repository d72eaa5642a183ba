// The serialised copy of the longest string V8 allows lives outside the heap.
Deno.serve(() => new Response(String(structuredClone("a".repeat(2 ** 29 - 24)).length)))
