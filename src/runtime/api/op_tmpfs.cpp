// The writable side of Deno's file system API: /tmp (the worker's private folder, see
// tmp_fs.hpp), and metadata reads in the function's own folder. File contents in the
// function's folder are read by op_fs.cpp through the source provider.
#include "runtime/api/op_errors.hpp"
#include "runtime/api/op_host.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/api/permission_checks.hpp"
#include "runtime/api/tmp_fs.hpp"
#include "runtime/v8_util.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cmath>
#include <filesystem>
#include <random>

namespace runtime::api {
namespace fs = std::filesystem;
namespace {

using Info = v8::FunctionCallbackInfo<v8::Value>;

enum class Access { read, write };

// The function's path argument; nullopt (a TypeError thrown) when unusable.
std::optional<std::string> path_arg(const Info& info, int index) {
  auto* isolate = info.GetIsolate();
  if (!info[index]->IsString() || info[index].As<v8::String>()->Length() > PATH_MAX) {
    throw_coded(isolate, "Error", "File name too long (os error 36)", "ENAMETOOLONG");
    return std::nullopt;
  }
  auto path = to_utf8(isolate, info[index]);
  if (path.find('\0') != std::string::npos) {
    throw_type_error(isolate, "file name contained an unexpected NUL byte");
    return std::nullopt;
  }
  return path;
}

void deny(v8::Isolate* isolate, Access access, const std::string& path) {
  const char* what = access == Access::read ? "read" : "write";
  throw_coded(isolate, "PermissionDenied",
              std::string("Requires ") + what + " access to \"" + clip(path, 256) +
                  "\", run again with the --allow-" + what + " flag");
}

// Where `path` lives, or nullopt after throwing PermissionDenied. Writes are allowed
// under /tmp only, reads also in the function's folder.
std::optional<fs::path> place_of(const Info& info, const std::string& path, Access access,
                                 bool follow_last = true) {
  auto* isolate = info.GetIsolate();
  if (!path_permitted(isolate, path, access == Access::write)) {
    return std::nullopt;
  }
  TmpFs::Resolved resolved;
  try {
    resolved = OpHost::of(isolate).tmp_fs().resolve(path, follow_last);
  } catch (const std::exception& error) {
    throw_error(isolate, error.what());
    return std::nullopt;
  }
  if (resolved.place == TmpFs::Place::tmp ||
      (resolved.place == TmpFs::Place::function && access == Access::read)) {
    return resolved.real;
  }
  deny(isolate, access, path);
  return std::nullopt;
}

std::string in_quotes(const std::string& path) {
  return "'" + clip(path, 256) + "'";
}

// Refuses (ENOSPC, as a full disk) when `growth` more bytes would pass the /tmp quota.
bool charge(const Info& info, std::uint64_t growth, const std::string& context) {
  auto& tmp = OpHost::of(info.GetIsolate()).tmp_fs();
  if (growth > 0 && !tmp.host_files() && tmp.usage() + growth > tmp.quota()) {
    throw_os_error(info.GetIsolate(), ENOSPC, context);
    return false;
  }
  return true;
}

std::uint64_t size_of(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : 0;
}

bool bool_arg(const Info& info, int index) {
  return info[index]->BooleanValue(info.GetIsolate());
}

// Writes all of `bytes` to `fd`; false with errno set.
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    auto n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// fs_write_file(path, bytes, append, create, createNew, mode)
void fs_write_file(const Info& info) {
  auto* isolate = info.GetIsolate();
  auto path = path_arg(info, 0);
  if (!path) {
    return;
  }
  BufferSourceBytes bytes(info[1]);
  if (!bytes) {
    throw_type_error(isolate, "data must be a Uint8Array");
    return;
  }
  auto real = place_of(info, *path, Access::write);
  if (!real) {
    return;
  }
  bool append = bool_arg(info, 2);
  int flags = O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
  if (bool_arg(info, 4)) {
    flags |= O_CREAT | O_EXCL;
  } else if (bool_arg(info, 3)) {
    flags |= O_CREAT;
  }
  auto context = "writefile " + in_quotes(*path);
  auto old_size = size_of(*real);
  auto growth = append ? bytes->size() : (bytes->size() > old_size ? bytes->size() - old_size : 0);
  if (!charge(info, growth, context)) {
    return;
  }
  mode_t mode = info[5]->IsUint32() ? info[5].As<v8::Uint32>()->Value() & 0777 : 0666;
  int fd = ::open(real->c_str(), flags, mode);
  if (fd < 0) {
    throw_os_error(isolate, errno, context);
    return;
  }
  bool ok = write_all(fd, *bytes);
  int error = errno;
  ::close(fd);
  if (!ok) {
    throw_os_error(isolate, error, context);
  }
}

// fs_read_tmp(path) -> Uint8Array, or undefined when the path is not under /tmp (op_fs
// reads it through the source provider then).
void fs_read_tmp(const Info& info) {
  auto* isolate = info.GetIsolate();
  auto path = path_arg(info, 0);
  if (!path) {
    return;
  }
  TmpFs::Resolved resolved;
  try {
    resolved = OpHost::of(isolate).tmp_fs().resolve(*path, true);
  } catch (const std::exception& error) {
    throw_error(isolate, error.what());
    return;
  }
  if (resolved.place != TmpFs::Place::tmp) {
    return;
  }
  auto context = "readfile " + in_quotes(*path);
  int fd = ::open(resolved.real.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0) {
    int error = errno;
    if (fd >= 0) {
      ::close(fd);
    }
    throw_os_error(isolate, error, context);
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw_os_error(isolate, EISDIR, context);
    return;
  }
  auto size = static_cast<std::size_t>(st.st_size);
  v8::Local<v8::ArrayBuffer> buffer;
  if (size > OpHost::of(isolate).memory_remaining()) {
    ::close(fd);
    throw_range_error(isolate, "readfile " + in_quotes(*path) + ": the file (" +
                                   std::to_string(size) +
                                   " bytes) is larger than the worker's remaining memory");
    return;
  }
  if (!new_array_buffer(isolate, size).ToLocal(&buffer)) {
    ::close(fd);
    return;
  }
  std::size_t got = 0;
  auto* data = static_cast<char*>(buffer->Data());
  while (got < size) {
    auto n = ::read(fd, data + got, size - got);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  info.GetReturnValue().Set(v8::Uint8Array::New(buffer, 0, got));
}

// The fields of Deno.FileInfo, in the order deno_fs.js reads them.
v8::Local<v8::Array> stat_array(v8::Isolate* isolate, const struct stat& st) {
  auto ms = [](const struct timespec& t) {
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
  };
  double values[] = {static_cast<double>(st.st_mode),
                     static_cast<double>(st.st_size),
                     ms(st.st_mtim),
                     ms(st.st_atim),
                     ms(st.st_ctim),
                     static_cast<double>(st.st_dev),
                     static_cast<double>(st.st_ino),
                     static_cast<double>(st.st_nlink),
                     static_cast<double>(st.st_uid),
                     static_cast<double>(st.st_gid),
                     static_cast<double>(st.st_rdev),
                     static_cast<double>(st.st_blksize),
                     static_cast<double>(st.st_blocks)};
  v8::Local<v8::Value> items[std::size(values)];
  for (std::size_t i = 0; i < std::size(values); ++i) {
    items[i] = v8::Number::New(isolate, values[i]);
  }
  return v8::Array::New(isolate, items, std::size(values));
}

// fs_stat(path, lstat) -> [mode, size, mtime, atime, ctime, dev, ino, nlink, uid, gid,
// rdev, blksize, blocks]
void fs_stat(const Info& info) {
  auto* isolate = info.GetIsolate();
  auto path = path_arg(info, 0);
  if (!path) {
    return;
  }
  bool lstat = bool_arg(info, 1);
  auto real = place_of(info, *path, Access::read, !lstat);
  if (!real) {
    return;
  }
  struct stat st {};
  if ((lstat ? ::lstat(real->c_str(), &st) : ::stat(real->c_str(), &st)) != 0) {
    throw_os_error(isolate, errno, (lstat ? "lstat " : "stat ") + in_quotes(*path));
    return;
  }
  info.GetReturnValue().Set(stat_array(isolate, st));
}

// fs_mkdir(path, recursive, mode)
void fs_mkdir(const Info& info) {
  auto* isolate = info.GetIsolate();
  auto path = path_arg(info, 0);
  if (!path) {
    return;
  }
  auto real = place_of(info, *path, Access::write);
  if (!real) {
    return;
  }
  mode_t mode = info[2]->IsUint32() ? info[2].As<v8::Uint32>()->Value() & 0777 : 0777;
  auto context = "mkdir " + in_quotes(*path);
  if (bool_arg(info, 1)) {
    std::error_code ec;
    fs::create_directories(*real, ec);
    if (ec) {
      throw_os_error(isolate, ec.value(), context);
    }
    return;
  }
  if (::mkdir(real->c_str(), mode) != 0) {
    throw_os_error(isolate, errno, context);
  }
}

// fs_remove(path, recursive)
void fs_remove(const Info& info) {
  auto* isolate = info.GetIsolate();
  auto path = path_arg(info, 0);
  if (!path) {
    return;
  }
  auto real = place_of(info, *path, Access::write, false);
  if (!real) {
    return;
  }
  auto context = "remove " + in_quotes(*path);
  if (*real == OpHost::of(isolate).tmp_fs().dir()) {
    throw_os_error(isolate, EBUSY, context);  // /tmp itself stays
    return;
  }
  struct stat st {};
  if (::lstat(real->c_str(), &st) != 0) {
    throw_os_error(isolate, errno, context);
    return;
  }
  if (S_ISDIR(st.st_mode) && bool_arg(info, 1)) {
    std::error_code ec;
    fs::remove_all(*real, ec);
    if (ec) {
      throw_os_error(isolate, ec.value(), context);
    }
    return;
  }
  if ((S_ISDIR(st.st_mode) ? ::rmdir(real->c_str()) : ::unlink(real->c_str())) != 0) {
    throw_os_error(isolate, errno, context);
  }
}

// fs_read_dir(path) -> [name, kind, ...] with kind 0 file, 1 directory, 2 symlink, 3 other
void fs_read_dir(const Info& info) {
  auto* isolate = info.GetIsolate();
  auto path = path_arg(info, 0);
  if (!path) {
    return;
  }
  auto real = place_of(info, *path, Access::read);
  if (!real) {
    return;
  }
  DIR* dir = ::opendir(real->c_str());
  if (dir == nullptr) {
    throw_os_error(isolate, errno, "readdir " + in_quotes(*path));
    return;
  }
  auto context = isolate->GetCurrentContext();
  auto out = v8::Array::New(isolate);
  std::uint32_t index = 0;
  while (auto* entry = ::readdir(dir)) {
    std::string_view name(entry->d_name);
    if (name == "." || name == "..") {
      continue;
    }
    int kind = entry->d_type == DT_REG   ? 0
               : entry->d_type == DT_DIR ? 1
               : entry->d_type == DT_LNK ? 2
                                         : 3;
    v8::Local<v8::String> js_name;
    if (!new_string(isolate, name).ToLocal(&js_name)) {
      ::closedir(dir);
      return;
    }
    std::ignore = out->Set(context, index++, js_name);
    std::ignore = out->Set(context, index++, v8::Integer::New(isolate, kind));
  }
  ::closedir(dir);
  info.GetReturnValue().Set(out);
}

// fs_make_temp(dir|undefined, prefix, suffix, directory) -> the new path as the function sees it
void fs_make_temp(const Info& info) {
  auto* isolate = info.GetIsolate();
  // The host's temp folder ($TMPDIR) for a main service, as Deno's; the private /tmp else.
  auto& tmp = OpHost::of(isolate).tmp_fs();
  std::string dir = tmp.host_files() ? fs::temp_directory_path().string() : "/tmp";
  if (!info[0]->IsNullOrUndefined()) {
    auto given = path_arg(info, 0);
    if (!given) {
      return;
    }
    dir = *given;
  }
  auto prefix = info[1]->IsString() ? to_utf8(isolate, info[1]) : std::string();
  auto suffix = info[2]->IsString() ? to_utf8(isolate, info[2]) : std::string();
  bool directory = bool_arg(info, 3);
  auto real_dir = place_of(info, dir, Access::write);
  if (!real_dir) {
    return;
  }
  static thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char k_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string name = prefix;
    for (int i = 0; i < 6; ++i) {
      name += k_chars[random() % (sizeof(k_chars) - 1)];
    }
    name += suffix;
    auto real = *real_dir / name;
    int result = directory ? ::mkdir(real.c_str(), 0700)
                           : ::open(real.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (result < 0 && errno == EEXIST) {
      continue;
    }
    if (result < 0) {
      throw_os_error(isolate, errno, directory ? "tmpdir" : "tmpfile");
      return;
    }
    if (!directory) {
      ::close(result);
    }
    auto shown = (fs::path(dir) / name).lexically_normal().string();
    info.GetReturnValue().Set(v8_str(isolate, shown));
    return;
  }
  throw_os_error(isolate, EEXIST, directory ? "tmpdir" : "tmpfile");
}

// fs_rename(from, to)
void fs_rename(const Info& info) {
  auto* isolate = info.GetIsolate();
  auto from = path_arg(info, 0);
  auto to = from ? path_arg(info, 1) : std::nullopt;
  if (!to) {
    return;
  }
  auto real_from = place_of(info, *from, Access::write, false);
  auto real_to = real_from ? place_of(info, *to, Access::write, false) : std::nullopt;
  if (!real_to) {
    return;
  }
  if (::rename(real_from->c_str(), real_to->c_str()) != 0) {
    throw_os_error(isolate, errno, "rename " + in_quotes(*from) + " -> " + in_quotes(*to));
  }
}

// fs_chmod(path, mode): a file's permission bits, in /tmp only (node:fs's chmod; packages
// such as fs-extra's copy keep a mode that way).
void fs_chmod(const Info& info) {
  auto* isolate = info.GetIsolate();
  auto path = path_arg(info, 0);
  auto real = path ? place_of(info, *path, Access::write) : std::nullopt;
  if (!real) {
    return;
  }
  if (::chmod(real->c_str(), uint32_arg(info, 1) & 07777) != 0) {
    throw_os_error(isolate, errno, "chmod " + in_quotes(*path));
  }
}

// fs_utime(path, atimeSeconds, mtimeSeconds): a file's times, in /tmp only.
void fs_utime(const Info& info) {
  auto* isolate = info.GetIsolate();
  auto path = path_arg(info, 0);
  auto real = path ? place_of(info, *path, Access::write) : std::nullopt;
  if (!real) {
    return;
  }
  auto context = isolate->GetCurrentContext();
  auto to_timespec = [&](int index) {
    double seconds = info[index]->NumberValue(context).FromMaybe(0);
    struct timespec t {};
    t.tv_sec = static_cast<time_t>(std::floor(seconds));
    t.tv_nsec = static_cast<long>((seconds - std::floor(seconds)) * 1e9);
    return t;
  };
  struct timespec times[2] = {to_timespec(1), to_timespec(2)};
  if (::utimensat(AT_FDCWD, real->c_str(), times, 0) != 0) {
    throw_os_error(isolate, errno, "utime " + in_quotes(*path));
  }
}

// fs_open(path, read, write, append, truncate, create, createNew, mode) -> rid
void fs_open(const Info& info) {
  auto* isolate = info.GetIsolate();
  auto path = path_arg(info, 0);
  if (!path) {
    return;
  }
  bool read = bool_arg(info, 1);
  bool write = bool_arg(info, 2) || bool_arg(info, 3);
  auto real = place_of(info, *path, write ? Access::write : Access::read);
  if (!real) {
    return;
  }
  auto& tmp = OpHost::of(isolate).tmp_fs();
  if (!write && tmp.resolve(*path, true).place != TmpFs::Place::tmp) {
    // The function's own files are read whole through Deno.readFile (the source
    // provider); a handle on them is not offered.
    deny(isolate, Access::write, *path);
    return;
  }
  int flags = O_CLOEXEC | O_NONBLOCK;
  flags |= read && write ? O_RDWR : write ? O_WRONLY : O_RDONLY;
  if (bool_arg(info, 3)) {
    flags |= O_APPEND;
  }
  if (bool_arg(info, 4)) {
    flags |= O_TRUNC;
  }
  if (bool_arg(info, 6)) {
    flags |= O_CREAT | O_EXCL;
  } else if (bool_arg(info, 5)) {
    flags |= O_CREAT;
  }
  mode_t mode = info[7]->IsUint32() ? info[7].As<v8::Uint32>()->Value() & 0777 : 0666;
  int fd = ::open(real->c_str(), flags, mode);
  if (fd < 0) {
    throw_os_error(isolate, errno, "open " + in_quotes(*path));
    return;
  }
  info.GetReturnValue().Set(v8::Integer::NewFromUnsigned(isolate, tmp.add(fd)));
}

std::optional<int> fd_arg(const Info& info) {
  auto fd = OpHost::of(info.GetIsolate()).tmp_fs().fd(uint32_arg(info, 0));
  if (!fd) {
    throw_coded(info.GetIsolate(), "BadResource", "Bad resource ID");
  }
  return fd;
}

// fs_fd_read(rid, Uint8Array) -> bytes read (0 at the end)
void fs_fd_read(const Info& info) {
  auto fd = fd_arg(info);
  if (!fd) {
    return;
  }
  if (!info[1]->IsArrayBufferView()) {
    throw_type_error(info.GetIsolate(), "buffer must be a Uint8Array");
    return;
  }
  auto view = info[1].As<v8::ArrayBufferView>();
  auto* data = static_cast<char*>(view->Buffer()->Data()) + view->ByteOffset();
  ssize_t n;
  do {
    n = ::read(*fd, data, view->ByteLength());
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    throw_os_error(info.GetIsolate(), errno, "");
    return;
  }
  info.GetReturnValue().Set(static_cast<double>(n));
}

// fs_fd_write(rid, bytes) -> bytes written
void fs_fd_write(const Info& info) {
  auto fd = fd_arg(info);
  if (!fd) {
    return;
  }
  BufferSourceBytes bytes(info[1]);
  if (!bytes) {
    throw_type_error(info.GetIsolate(), "data must be a Uint8Array");
    return;
  }
  auto position = ::lseek(*fd, 0, SEEK_CUR);
  struct stat st {};
  ::fstat(*fd, &st);
  auto end = static_cast<std::uint64_t>(position < 0 ? st.st_size : position) + bytes->size();
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (!charge(info, end > size ? end - size : 0, "")) {
    return;
  }
  if (!write_all(*fd, *bytes)) {
    throw_os_error(info.GetIsolate(), errno, "");
    return;
  }
  info.GetReturnValue().Set(static_cast<double>(bytes->size()));
}

// fs_fd_seek(rid, offset, whence) -> new position
void fs_fd_seek(const Info& info) {
  auto fd = fd_arg(info);
  if (!fd) {
    return;
  }
  auto context = info.GetIsolate()->GetCurrentContext();
  auto offset = static_cast<off_t>(info[1]->NumberValue(context).FromMaybe(0));
  int whence = static_cast<int>(info[2]->Int32Value(context).FromMaybe(0));
  if (whence < 0 || whence > 2) {
    throw_type_error(info.GetIsolate(), "Invalid seek mode: " + std::to_string(whence));
    return;
  }
  auto position = ::lseek(*fd, offset, whence);
  if (position < 0) {
    throw_os_error(info.GetIsolate(), errno, "");
    return;
  }
  info.GetReturnValue().Set(static_cast<double>(position));
}

// fs_fd_stat(rid) -> as fs_stat
void fs_fd_stat(const Info& info) {
  auto fd = fd_arg(info);
  if (!fd) {
    return;
  }
  struct stat st {};
  if (::fstat(*fd, &st) != 0) {
    throw_os_error(info.GetIsolate(), errno, "");
    return;
  }
  info.GetReturnValue().Set(stat_array(info.GetIsolate(), st));
}

// fs_fd_close(rid)
void fs_fd_close(const Info& info) {
  if (!OpHost::of(info.GetIsolate()).tmp_fs().close(uint32_arg(info, 0))) {
    throw_coded(info.GetIsolate(), "BadResource", "Bad resource ID");
  }
}

// cwd() -> the function's folder, as Supabase reports it
void cwd(const Info& info) {
  auto& root = OpHost::of(info.GetIsolate()).tmp_fs().function_root();
  info.GetReturnValue().Set(v8_str(info.GetIsolate(), root.empty() ? "/" : root.string()));
}

}  // namespace

std::vector<Op> tmpfs_ops() {
  return {
      {"fs_write_file", fs_write_file}, {"fs_read_tmp", fs_read_tmp}, {"fs_stat", fs_stat},
      {"fs_mkdir", fs_mkdir},           {"fs_remove", fs_remove},     {"fs_read_dir", fs_read_dir},
      {"fs_make_temp", fs_make_temp},   {"fs_rename", fs_rename},     {"fs_open", fs_open},
      {"fs_fd_read", fs_fd_read},       {"fs_fd_write", fs_fd_write}, {"fs_fd_seek", fs_fd_seek},
      {"fs_fd_stat", fs_fd_stat},       {"fs_fd_close", fs_fd_close}, {"cwd", cwd},
      {"fs_chmod", fs_chmod},           {"fs_utime", fs_utime}};
}

}  // namespace runtime::api
