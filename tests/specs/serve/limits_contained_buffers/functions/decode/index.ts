// 2 GB: more bytes than a V8 string can take ("Check failed: i::kMaxInt >= len").
Deno.serve(() => new Response(String(new TextDecoder().decode(new Uint8Array(2 ** 31 + 16)).length)))
