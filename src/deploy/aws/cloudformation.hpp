#pragma once

// AWS CloudFormation over the query protocol: create or update a stack from a template,
// print its events as they come, wait for the end state and read its outputs.
// Facts: /work/shared/reference/deploy.md §8.

#include "deploy/aws/client.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace deploy::aws {

struct StackParameter {
  std::string key;
  std::string value;
  bool use_previous = false;  // UpdateStack only: keep the deployed value
};

struct StackRequest {
  std::string name;
  std::string template_body;  // up to 51,200 bytes (TemplateURL is not supported)
  std::vector<StackParameter> parameters;
  std::vector<std::string> capabilities;  // e.g. CAPABILITY_IAM for the execution role
  std::vector<std::pair<std::string, std::string>> tags;
};

// One line of DescribeStackEvents.
struct StackEvent {
  std::string id;
  std::string timestamp;  // ISO 8601, as AWS wrote it
  std::string logical_id;
  std::string resource_type;
  std::string status;
  std::string reason;
};

struct StackResult {
  std::string status;   // CREATE_COMPLETE or UPDATE_COMPLETE (or the current one when unchanged)
  bool changed = true;  // false when UpdateStack found nothing to change
  std::map<std::string, std::string> outputs;  // OutputKey -> OutputValue
};

struct StackWaitOptions {
  std::chrono::seconds interval{5};  // as `aws cloudformation deploy`
  int max_attempts = 720;
  // How to wait; tests replace it to not wait.
  std::function<void(std::chrono::seconds)> sleep;
};

// `STATUS  TYPE  LOGICAL-ID  REASON`, the columns `sam deploy` prints for each event.
std::string format_stack_event(const StackEvent& event);

class CloudFormation {
 public:
  explicit CloudFormation(Client client) : m_client(std::move(client)) {}

  // Creates the stack when it does not exist, else updates it ("No updates are to be
  // performed." is success, unchanged), then waits for CREATE_COMPLETE / UPDATE_COMPLETE,
  // giving each new event to `on_event` (oldest first). Throws util::Error when the stack
  // ends anywhere else, with the failed resources' reasons; and up front when the stack is
  // busy or left in ROLLBACK_COMPLETE by a failed creation (it must be deleted first).
  StackResult deploy(const StackRequest& request, const StackWaitOptions& options,
                     const std::function<void(const StackEvent&)>& on_event);

  // DescribeStacks for one stack: nullopt when it does not exist.
  struct Description {
    std::string status;
    std::string reason;
    std::map<std::string, std::string> outputs;
    std::map<std::string, std::string> parameters;  // ParameterKey -> value (NoEcho: ****)
  };
  std::optional<Description> describe(const std::string& name);

  // The stack's events, newest first, back to (not including) `since_id` (all when empty).
  std::vector<StackEvent> events_since(const std::string& name, const std::string& since_id);

  Client& client() { return m_client; }

 private:
  Client m_client;
};

}  // namespace deploy::aws
