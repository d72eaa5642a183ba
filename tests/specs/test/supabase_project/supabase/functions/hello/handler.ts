// The function's logic, kept apart from Deno.serve so that tests can call it directly.
export function greet(name: string): { message: string } {
  const greeting = Deno.env.get("GREETING") ?? "Hello";
  return { message: `${greeting} ${name}!` };
}
