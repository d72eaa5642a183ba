Deno.serve(() => new Response("healthy sibling"));
