import "jsr:@supabase/functions-js/edge-runtime.d.ts";
import { greeting } from "../_shared/greet.ts";

// Imports whatever ?target= names (as JSON with ?json=1) and reports what happened.
Deno.serve(async (req) => {
  const url = new URL(req.url);
  const target = url.searchParams.get("target") ?? "";
  try {
    const mod = url.searchParams.get("json")
      ? await import(target, { with: { type: "json" } })
      : await import(target);
    return Response.json({
      greeting,
      ok: true,
      value: mod.default ?? null,
      pwned: (globalThis as any).pwned ?? null,
    });
  } catch (error) {
    return Response.json({
      greeting,
      ok: false,
      name: error.name,
      permissionDenied: error instanceof Deno.errors.PermissionDenied,
      message: String(error.message),
      pwned: (globalThis as any).pwned ?? null,
    });
  }
});
