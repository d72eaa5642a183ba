Deno.serve((req: Request) => {
  const greeting = "hello"
  return new Response(greeting
})
