#pragma once

// `sbfn deploy --emit cloudformation|kubernetes [-o FILE]`: the infrastructure for an image
// written to FILE or stdout (deploy/emit/ generates it). Nothing is built or pushed.

#include <string>

namespace deploy {

struct EmitRequest {
  std::string format;        // --emit: cloudformation | kubernetes
  std::string image;         // --image: CloudFormation's ImageUri default; Kubernetes' image
  std::string output_file;   // -o; empty: stdout
  std::string env_file;      // --env-file: Kubernetes' Secret
  std::string ingress_host;  // --ingress-host: Kubernetes' Ingress
  bool dry_run = false;      // say what would be written; write nothing
  bool json = false;         // --output json: a report (with the document when no -o)
};

// Returns 0. Throws util::Error for an unknown format, Kubernetes without an image, an env
// file for CloudFormation (its secrets are stack parameters), an unreadable env file or an
// output file that cannot be written.
int emit_infrastructure(const EmitRequest& request);

}  // namespace deploy
