import { createClient } from "npm:@supabase/supabase-js@2";

// As Supabase's docs write it: a client per request, acting as the caller (their JWT
// forwarded), against the project's SUPABASE_URL with the anon key.
function client(req: Request) {
  return createClient(Deno.env.get("SUPABASE_URL")!, Deno.env.get("SUPABASE_ANON_KEY")!, {
    global: { headers: { Authorization: req.headers.get("Authorization")! } },
  });
}

Deno.serve(async (req) => {
  const supabase = client(req);
  const url = new URL(req.url);
  if (req.method === "POST") {
    const { title } = await req.json();
    const { data, error, status } = await supabase.from("todos").insert({ title, done: false })
      .select("id,title").single();
    return Response.json({ data, error, status }, { status: error ? 500 : 201 });
  }
  if (url.pathname.endsWith("/secrets")) {
    const { data, error, status } = await supabase.from("secrets").select("*");
    return Response.json({ data, error, status });
  }
  const { data, error, status } = await supabase.from("todos").select("id,title").eq("done", false);
  return Response.json({ data, error, status });
});
