// What a worker and the inspector's listener share: the target's queue of frontend
// messages, and the process's list of targets.
#include "runtime/inspector/inspector.hpp"
#include "util/error.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <utility>

namespace runtime::inspector {

Address parse_address(const std::string& value) {
  Address address;
  if (value.empty()) {
    return address;
  }
  auto fail = [&](const std::string& why) -> Address {
    throw util::Error("\"" + value + "\": " + why +
                      " (expected PORT, HOST:PORT or [IPv6]:PORT, e.g. 127.0.0.1:9229)");
  };
  auto parse_port = [&](std::string_view text) {
    unsigned port = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() || port > 65535) {
      fail("\"" + std::string(text) + "\" is not a port number (0-65535)");
    }
    address.port = static_cast<std::uint16_t>(port);
  };
  std::string host;
  if (value.front() == '[') {  // [::1]:9229
    auto close = value.find(']');
    if (close == std::string::npos || close == 1) {
      return fail("an IPv6 address needs its closing ']'");
    }
    host = value.substr(1, close - 1);
    if (close + 1 < value.size()) {
      if (value[close + 1] != ':') {
        return fail("expected ':' after ']'");
      }
      parse_port(std::string_view(value).substr(close + 2));
    }
  } else if (auto colon = value.rfind(':'); colon != std::string::npos) {
    if (value.find(':') != colon) {
      return fail("write an IPv6 address in brackets");
    }
    host = value.substr(0, colon);
    parse_port(std::string_view(value).substr(colon + 1));
    if (host.empty()) {
      return fail("the host before ':' is empty");
    }
  } else if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    parse_port(value);  // a port alone: loopback
    return address;
  } else {
    host = value;
  }
  auto bad_char = std::find_if(host.begin(), host.end(), [](char c) {
    return !(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
             c == '_');
  });
  if (bad_char != host.end()) {
    return fail("\"" + host + "\" is not a host name or address");
  }
  address.host = host;
  return address;
}

Target::Target(std::string id, std::string title, std::string url)
    : m_id(std::move(id)), m_title(std::move(title)), m_url(std::move(url)) {}

bool Target::attach(std::function<void(std::string)> send, std::function<void()> close) {
  {
    std::lock_guard lock(m_mutex);
    if (m_attached || m_ended) {
      return false;
    }
    m_attached = true;
    m_send = std::move(send);
    m_close = std::move(close);
  }
  push({Incoming::Kind::attached, {}});
  return true;
}

void Target::receive(std::string message) {
  push({Incoming::Kind::message, std::move(message)});
}

void Target::detach() {
  {
    std::lock_guard lock(m_mutex);
    if (!m_attached) {
      return;
    }
    m_attached = false;
    m_send = nullptr;
    m_close = nullptr;
  }
  push({Incoming::Kind::detached, {}});
}

bool Target::attached() const {
  std::lock_guard lock(m_mutex);
  return m_attached;
}

void Target::push(Incoming incoming) {
  std::function<void()> wake;
  {
    std::lock_guard lock(m_mutex);
    if (m_ended) {
      return;
    }
    m_queue.push_back(std::move(incoming));
    wake = m_wake;
  }
  // Both: a worker blocked in next(true) (paused, or waiting for a debugger) wakes on the
  // condition; a running one takes the message from its loop.
  m_arrived.notify_all();
  if (wake) {
    wake();
  }
}

std::optional<Target::Incoming> Target::next(bool block) {
  std::unique_lock lock(m_mutex);
  if (block) {
    m_arrived.wait(lock, [&] { return m_ended || !m_queue.empty(); });
  }
  if (m_ended) {
    return Incoming{Incoming::Kind::ended, {}};
  }
  if (m_queue.empty()) {
    return std::nullopt;
  }
  auto incoming = std::move(m_queue.front());
  m_queue.pop_front();
  return incoming;
}

void Target::send(std::string message) {
  std::function<void(std::string)> send;
  {
    std::lock_guard lock(m_mutex);
    send = m_send;
  }
  if (send) {
    send(std::move(message));
  }
}

void Target::set_wake(std::function<void()> wake) {
  std::lock_guard lock(m_mutex);
  m_wake = std::move(wake);
}

void Target::end() {
  std::function<void()> close;
  {
    std::lock_guard lock(m_mutex);
    if (m_ended) {
      return;
    }
    m_ended = true;
    m_queue.clear();
    m_wake = nullptr;
    m_send = nullptr;
    close = std::exchange(m_close, nullptr);
  }
  m_arrived.notify_all();
  if (close) {
    close();
  }
}

bool Target::ended() const {
  std::lock_guard lock(m_mutex);
  return m_ended;
}

namespace {

std::string new_uuid() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw util::Error("no random bytes for an inspector target id");
  }
  bytes[6] = (bytes[6] & 0x0F) | 0x40;  // version 4
  bytes[8] = (bytes[8] & 0x3F) | 0x80;  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
  return text;
}

}  // namespace

std::shared_ptr<Target> Targets::add(std::string title, std::string url) {
  auto target = std::make_shared<Target>(new_uuid(), std::move(title), std::move(url));
  std::lock_guard lock(m_mutex);
  m_targets.push_back(target);
  return target;
}

void Targets::remove(const std::shared_ptr<Target>& target) {
  std::lock_guard lock(m_mutex);
  std::erase(m_targets, target);
}

std::shared_ptr<Target> Targets::find(const std::string& id) const {
  std::lock_guard lock(m_mutex);
  for (const auto& target : m_targets) {
    if (target->id() == id) {
      return target;
    }
  }
  return nullptr;
}

std::vector<std::shared_ptr<Target>> Targets::list() const {
  std::lock_guard lock(m_mutex);
  return m_targets;
}

}  // namespace runtime::inspector
