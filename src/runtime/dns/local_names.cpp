// The hosts file is read here rather than through c-ares: ares_gethostbyname_file stops
// at the first line naming the host, while Deno's resolver answers with every line (the
// hosts file may list a name once per address), and c-ares has no reverse look-up in it.
#include "runtime/dns/local_names.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace runtime::dns {
namespace {

constexpr int k_type_a = 1;
constexpr int k_type_ptr = 12;
constexpr int k_type_aaaa = 28;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// "Host.Example." -> "host.example"
std::string canonical(const std::string& name) {
  auto text = lower(name);
  if (!text.empty() && text.back() == '.') {
    text.pop_back();
  }
  return text;
}

// The address a reverse name stands for (in-addr.arpa or ip6.arpa), in the family's
// printed form, or empty.
std::string reverse_address(const std::string& name) {
  auto text = canonical(name);
  std::vector<std::string> labels;
  std::istringstream in(text);
  for (std::string label; std::getline(in, label, '.');) {
    labels.push_back(label);
  }
  std::reverse(labels.begin(), labels.end());
  unsigned char raw[16] = {};
  if (labels.size() == 6 && labels[0] == "arpa" && labels[1] == "in-addr") {
    std::string dotted = labels[2] + "." + labels[3] + "." + labels[4] + "." + labels[5];
    if (inet_pton(AF_INET, dotted.c_str(), raw) == 1) {
      char out[INET_ADDRSTRLEN] = {};
      return inet_ntop(AF_INET, raw, out, sizeof out) ? out : "";
    }
    return {};
  }
  if (labels.size() == 34 && labels[0] == "arpa" && labels[1] == "ip6") {
    std::string hex;
    for (std::size_t i = 2; i < labels.size(); ++i) {
      if (labels[i].size() != 1 || !std::isxdigit(static_cast<unsigned char>(labels[i][0]))) {
        return {};
      }
      hex += labels[i];
      if (i % 4 == 1 && i + 1 < labels.size()) {
        hex += ':';
      }
    }
    if (inet_pton(AF_INET6, hex.c_str(), raw) == 1) {
      char out[INET6_ADDRSTRLEN] = {};
      return inet_ntop(AF_INET6, raw, out, sizeof out) ? out : "";
    }
  }
  return {};
}

// An address as printed (IPv6 compressed) or empty when `text` is none of `family`'s.
std::string normal_address(const std::string& text, int family) {
  unsigned char raw[16] = {};
  if (inet_pton(family, text.c_str(), raw) != 1) {
    return {};
  }
  char out[INET6_ADDRSTRLEN] = {};
  return inet_ntop(family, raw, out, sizeof out) ? out : "";
}

struct HostsLine {
  std::string address;
  std::vector<std::string> names;
};

std::vector<HostsLine> read_hosts(const std::string& path) {
  std::vector<HostsLine> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    HostsLine entry;
    if (!(words >> entry.address)) {
      continue;
    }
    for (std::string name; words >> name;) {
      entry.names.push_back(name);
    }
    if (!entry.names.empty()) {
      lines.push_back(std::move(entry));
    }
  }
  return lines;
}

bool is_localhost(const std::string& name) {
  return name == "localhost" || name.ends_with(".localhost");
}

}  // namespace

std::vector<DnsRecord> local_records(const std::string& name, int type,
                                     const std::string& hosts_path) {
  std::vector<DnsRecord> out;
  if (type != k_type_a && type != k_type_aaaa && type != k_type_ptr) {
    return out;
  }
  auto wanted = canonical(name);
  if (type == k_type_ptr) {
    auto address = reverse_address(name);
    if (address.empty()) {
      return out;
    }
    for (const auto& line : read_hosts(hosts_path)) {
      if (normal_address(line.address,
                         address.find(':') == std::string::npos ? AF_INET : AF_INET6) == address) {
        for (const auto& host : line.names) {
          out.push_back(DnsRecord::text(host + "."));
        }
      }
    }
    if (out.empty() && (address == "127.0.0.1" || address == "::1")) {
      out.push_back(DnsRecord::text("localhost."));
    }
    return out;
  }
  int family = type == k_type_a ? AF_INET : AF_INET6;
  for (const auto& line : read_hosts(hosts_path)) {
    auto address = normal_address(line.address, family);
    if (address.empty()) {
      continue;
    }
    for (const auto& host : line.names) {
      if (canonical(host) == wanted) {
        out.push_back(DnsRecord::text(address));
        break;
      }
    }
  }
  if (out.empty() && is_localhost(wanted)) {
    out.push_back(DnsRecord::text(type == k_type_a ? "127.0.0.1" : "::1"));
  }
  return out;
}

}  // namespace runtime::dns
