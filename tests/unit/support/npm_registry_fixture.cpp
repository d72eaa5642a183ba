#include "support/npm_registry_fixture.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <httplib.h>
#include <openssl/evp.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace test_support {
namespace {

la_ssize_t append_to_string(archive*, void* client, const void* buffer, size_t length) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

std::string digest(const EVP_MD* md, const std::string& bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &size, md, nullptr);
  return std::string(reinterpret_cast<const char*>(out), size);
}

std::string hex(const std::string& raw) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string basename_of(const std::string& name) {
  return name[0] == '@' ? name.substr(name.find('/') + 1) : name;
}

}  // namespace

std::string make_tarball(const std::vector<TarEntry>& entries) {
  std::string out;
  archive* writer = archive_write_new();
  archive_write_add_filter_gzip(writer);
  archive_write_set_format_pax_restricted(writer);
  archive_write_set_bytes_in_last_block(writer, 1);
  archive_write_open(writer, &out, nullptr, &append_to_string, nullptr);
  for (const auto& item : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, item.path.c_str());
    archive_entry_set_mtime(entry, 499162500, 0);  // npm's fixed 1985-10-26 timestamp
    switch (item.type) {
      case TarEntry::Type::file:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, 0644);
        archive_entry_set_size(entry, static_cast<la_int64_t>(item.content.size()));
        break;
      case TarEntry::Type::directory:
        archive_entry_set_filetype(entry, AE_IFDIR);
        archive_entry_set_perm(entry, 0755);
        break;
      case TarEntry::Type::symlink:
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_symlink(entry, item.link_target.c_str());
        break;
      case TarEntry::Type::hardlink:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_hardlink(entry, item.link_target.c_str());
        break;
    }
    archive_write_header(writer, entry);
    if (item.type == TarEntry::Type::file) {
      archive_write_data(writer, item.content.data(), item.content.size());
    }
    archive_entry_free(entry);
  }
  archive_write_close(writer);
  archive_write_free(writer);
  return out;
}

std::string make_npm_tarball(const std::map<std::string, std::string>& files) {
  std::vector<TarEntry> entries;
  for (const auto& [path, content] : files) {
    entries.push_back({"package/" + path, content, TarEntry::Type::file, ""});
  }
  return make_tarball(entries);
}

std::string sri_sha512(const std::string& bytes) {
  auto raw = digest(EVP_sha512(), bytes);
  std::string out(4 * ((raw.size() + 2) / 3), '\0');
  auto size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                              reinterpret_cast<const unsigned char*>(raw.data()),
                              static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(size));
  return "sha512-" + out;
}

struct NpmRegistryFixture::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  mutable std::mutex mutex;
  std::map<std::string, nlohmann::json> packuments;  // name -> packument
  std::map<std::string, std::string> tarballs;       // URL path -> bytes
  std::string token;
  bool cut = false;
  int delay_ms = 0;
  std::vector<std::string> paths;
};

NpmRegistryFixture::NpmRegistryFixture() : m_impl(std::make_unique<Impl>()) {
  auto& impl = *m_impl;
  impl.server.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
    auto& impl = *m_impl;
    std::string token;
    int delay_ms = 0;
    {
      std::lock_guard lock(impl.mutex);
      impl.paths.push_back(req.path);
      token = impl.token;
      delay_ms = impl.delay_ms;
    }
    if (!token.empty() && req.get_header_value("Authorization") != "Bearer " + token) {
      res.status = 401;
      res.set_content("{\"error\":\"authentication required\"}", "application/json");
      return;
    }
    auto path = req.path;  // httplib decodes %2f already
    if (path.find("/-/") != std::string::npos) {
      std::string bytes;
      bool cut = false;
      {
        std::lock_guard lock(impl.mutex);
        auto it = impl.tarballs.find(path);
        if (it == impl.tarballs.end()) {
          res.status = 404;
          return;
        }
        bytes = it->second;
        cut = impl.cut;
      }
      if (!cut) {
        res.set_content(bytes, "application/octet-stream");
        return;
      }
      auto half = bytes.substr(0, bytes.size() / 2);
      res.set_content_provider(bytes.size(), "application/octet-stream",
                               [half](size_t offset, size_t, httplib::DataSink& sink) {
                                 if (offset > 0) {
                                   return false;  // closes the connection: a cut-off download
                                 }
                                 sink.write(half.data(), half.size());
                                 return true;
                               });
      return;
    }
    if (delay_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    }
    std::string body;
    {
      std::lock_guard lock(impl.mutex);
      auto it = impl.packuments.find(path.substr(1));
      if (it == impl.packuments.end()) {
        res.status = 404;
        res.set_content("{\"error\":\"Not found\"}", "application/json");
        return;
      }
      body = it->second.dump();
    }
    auto etag = "\"" + hex(digest(EVP_sha1(), body)) + "\"";
    if (req.get_header_value("If-None-Match") == etag) {
      ++m_not_modified;
      res.status = 304;
      res.set_header("ETag", etag);
      return;
    }
    res.set_header("ETag", etag);
    res.set_content(body, "application/json");
  });
  impl.port = impl.server.bind_to_any_port("127.0.0.1");
  impl.thread = std::thread([this] { m_impl->server.listen_after_bind(); });
  while (!impl.server.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

NpmRegistryFixture::~NpmRegistryFixture() {
  m_impl->server.stop();
  m_impl->thread.join();
}

std::string NpmRegistryFixture::url() const {
  return "http://" + host() + "/";
}

std::string NpmRegistryFixture::host() const {
  return "127.0.0.1:" + std::to_string(m_impl->port);
}

void NpmRegistryFixture::publish(const nlohmann::json& manifest,
                                 const std::map<std::string, std::string>& files, bool set_latest) {
  auto name = manifest.at("name").get<std::string>();
  auto version = manifest.at("version").get<std::string>();
  auto contents = files;
  contents.emplace("package.json", manifest.dump(2));
  auto tarball = make_npm_tarball(contents);
  auto path = "/" + name + "/-/" + basename_of(name) + "-" + version + ".tgz";
  auto entry = manifest;
  entry["dist"] = {{"tarball", url() + path.substr(1)},
                   {"integrity", sri_sha512(tarball)},
                   {"shasum", hex(digest(EVP_sha1(), tarball))}};
  std::lock_guard lock(m_impl->mutex);
  m_impl->tarballs[path] = tarball;
  auto& packument = m_impl->packuments[name];
  if (packument.is_null()) {
    packument = {{"name", name},
                 {"dist-tags", nlohmann::json::object()},
                 {"versions", nlohmann::json::object()}};
  }
  packument["versions"][version] = entry;
  if (set_latest && version.find('-') == std::string::npos) {
    packument["dist-tags"]["latest"] = version;
  }
}

void NpmRegistryFixture::set_dist_tag(const std::string& name, const std::string& tag,
                                      const std::string& version) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->packuments.at(name)["dist-tags"][tag] = version;
}

void NpmRegistryFixture::tamper_tarball(const std::string& name, const std::string& version) {
  auto path = "/" + name + "/-/" + basename_of(name) + "-" + version + ".tgz";
  auto forged = make_npm_tarball({{"package.json", "{\"name\":\"" + name + "\"}"},
                                  {"index.js", "module.exports = 'forged';\n"}});
  std::lock_guard lock(m_impl->mutex);
  m_impl->tarballs.at(path) = forged;
}

void NpmRegistryFixture::require_token(const std::string& token) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->token = token;
}

void NpmRegistryFixture::cut_tarballs(bool cut) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->cut = cut;
}

void NpmRegistryFixture::delay(int ms) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->delay_ms = ms;
}

int NpmRegistryFixture::hits(const std::string& prefix) const {
  std::lock_guard lock(m_impl->mutex);
  int count = 0;
  for (const auto& path : m_impl->paths) {
    count += path.rfind(prefix, 0) == 0 ? 1 : 0;
  }
  return count;
}

std::vector<std::string> NpmRegistryFixture::paths() const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->paths;
}

}  // namespace test_support
