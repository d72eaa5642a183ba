// CORS headers shared by every function that browsers call directly. supabase-js sends
// `authorization`, `x-client-info`, `apikey` and `content-type`; list any other header
// your client sets. Restrict the origin to your site's in production.
export const corsHeaders = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "authorization, x-client-info, apikey, content-type",
  "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
};
