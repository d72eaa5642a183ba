import { withSupabase } from "npm:@supabase/server@1";

// @supabase/server as its README writes it: the caller's JWT verified against SUPABASE_JWKS
// (here the --jwks set sbfn serve hands to functions), then a supabase-js client acting as
// the caller, for PostgREST and for Auth.
export default {
  fetch: withSupabase({ auth: "user" }, async (_req, ctx) => {
    const { data: games, error } = await ctx.supabase.from("favorite_games").select("id,name");
    const { data: user, error: userError } = await ctx.supabase.auth.getUser();
    return Response.json({
      authMode: ctx.authMode,
      email: ctx.userClaims?.email,
      role: ctx.jwtClaims?.role,
      games,
      error,
      userId: user?.user?.id ?? null,
      userError: userError?.message ?? null,
    });
  }),
};
