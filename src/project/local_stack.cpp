#include "project/local_stack.hpp"

#include <string_view>

namespace project {
namespace {

constexpr std::string_view k_demo_anon_key =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9."
    "CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";
constexpr std::string_view k_demo_service_role_key =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0."
    "EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU";

}  // namespace

std::string demo_anon_key() {
  return std::string(k_demo_anon_key);
}

std::string demo_service_role_key() {
  return std::string(k_demo_service_role_key);
}

std::string default_publishable_key() {
  return "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH";
}

std::string default_secret_key() {
  return "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz";
}

}  // namespace project
