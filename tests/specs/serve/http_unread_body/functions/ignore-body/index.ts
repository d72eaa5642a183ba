// Answers without ever reading the request body: what is left of it must not be
// taken for the next request on the connection.
Deno.serve(() => new Response("ignored"))
