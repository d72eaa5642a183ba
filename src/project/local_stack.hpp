#pragma once

// The fixed keys of the Supabase CLI's local stack: what a project runs with when no
// other keys are given. Shared by the server (the gate) and the functions' environment.

#include <string>

namespace project {

// The Supabase CLI's documented local anon and service_role keys: HS256 tokens signed with
// default_jwt_secret() (server/jwt.hpp), `iss` "supabase-demo", expiring in 2032.
std::string demo_anon_key();
std::string demo_service_role_key();

// The local stack's new-style API keys (`sb_publishable_…`, `sb_secret_…`).
std::string default_publishable_key();
std::string default_secret_key();

}  // namespace project
