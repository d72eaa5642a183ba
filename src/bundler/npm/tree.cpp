#include "bundler/npm/tree.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <deque>
#include <set>

namespace bundler {
namespace {

std::string name_of(const std::string& nv) {
  return nv.substr(0, nv.find('@', 1));
}

// One name@version, with its dependencies' versions chosen once for every place it
// appears (Deno keeps one node per version too).
struct Node {
  const Packument* packument = nullptr;
  const NpmVersionInfo* info = nullptr;
  std::vector<std::pair<const NpmDependency*, std::string>> children;  // dependency -> nv
  bool expanded = false;
  bool has_peers = false;  // it or something below it has peer dependencies
};

struct Slot {
  int instance = -1;
  bool optional_dependency = false;
  bool optional_peer = false;
};

// A package at one place in the tree. Packages with no peers below them are the same
// everywhere, so they get one shared instance; the others one per place, because what
// their peers resolve to depends on where they are.
struct Instance {
  std::string nv;
  int parent = -1;                       // -1: a root package
  int level = 1;                         // roots are level 1; the root requirements are "level 0"
  std::map<std::string, Slot> children;  // by key, as Deno iterates them
  std::vector<std::pair<std::string, int>> peers;  // nv -> instance, in the order found
  std::string fixed_id;                            // a root taken as is from the lockfile
};

class TreeResolver {
 public:
  TreeResolver(NpmRegistry& registry, VersionChooser& chooser, NpmSnapshot& snapshot,
               PeerRules rules)
      : m_registry(registry), m_chooser(chooser), m_snapshot(snapshot), m_rules(rules) {
    for (const auto& [id, package] : snapshot.packages) {
      remember_version(package.name, package.version);
    }
  }

  void resolve(std::vector<NpmSpecifier> roots);

 private:
  void remember_version(const std::string& name, const std::string& version) {
    auto& versions = m_versions[name];
    if (std::find(versions.begin(), versions.end(), version) == versions.end()) {
      versions.push_back(version);
    }
  }
  std::string add_node(const Packument& packument, const std::string& version);
  std::string choose(const NpmDependency& dep, const std::string& req, const std::string& parent);
  std::string add_choice(const Packument& packument, const std::string& req, bool optional);
  void expand(std::vector<std::string> frontier);
  void prefetch_tarballs();
  void mark_peers();
  const Packument& peer_packument(const std::string& name);
  int new_instance(const std::string& nv, int parent);
  int child_instance(const std::string& nv, int parent, std::deque<int>& queue);
  void process(int index, std::deque<int>& queue);
  void resolve_peer(int index, const NpmDependency& dep, std::deque<int>& queue);
  void add_peer(int index, const std::string& specifier, int peer, int threshold, bool optional);
  std::string id_of(int index, int level, std::set<std::string> seen);
  void emit(const std::vector<std::pair<std::string, int>>& new_roots);

  NpmRegistry& m_registry;
  VersionChooser& m_chooser;
  NpmSnapshot& m_snapshot;
  PeerRules m_rules;
  std::map<std::string, Node> m_nodes;                         // nv -> node
  std::map<std::string, std::vector<std::string>> m_versions;  // versions in the graph
  std::vector<Instance> m_instances;
  std::map<std::string, int> m_shared;  // nv -> its shared instance
  std::vector<int> m_root_frame;        // every root package (locked ones too), by nv
  std::vector<std::string> m_fresh;     // nodes whose tarballs are not being fetched yet
};

std::string with_requirer(const std::string& message, const std::string& parent) {
  return parent.empty() ? message : message + " It is required by " + parent + ".";
}

std::string TreeResolver::add_node(const Packument& packument, const std::string& version) {
  auto nv = packument.name + "@" + version;
  auto [it, added] = m_nodes.try_emplace(nv);
  if (added) {
    it->second.packument = &packument;
    it->second.info = &packument.versions.at(version);
    remember_version(packument.name, version);
    m_fresh.push_back(nv);
  }
  return nv;
}

// The tarballs of the versions chosen since the last call start downloading now, while the
// tree below them is still being resolved.
void TreeResolver::prefetch_tarballs() {
  std::vector<NpmRegistry::Download> downloads;
  for (const auto& nv : m_fresh) {
    const auto& info = *m_nodes.at(nv).info;
    if (matches_system(info.dist.os, info.dist.cpu)) {
      auto name = name_of(nv);
      downloads.push_back({nv, info.dist.tarball.empty()
                                   ? m_registry.default_tarball_url(name, info.version)
                                   : info.dist.tarball});
    }
  }
  m_fresh.clear();
  m_registry.prefetch_tarballs(downloads);
}

// The version `dep` gets when required by `parent`, as a node; "" when it is an optional
// dependency that cannot be had.
std::string TreeResolver::choose(const NpmDependency& dep, const std::string& req,
                                 const std::string& parent) {
  if (!dep.unsupported.empty()) {
    if (dep.optional) {
      return "";
    }
    throw util::Error("Error in " + parent + " parsing version requirement for dependency \"" +
                      dep.specifier + "\": " + dep.unsupported);
  }
  try {
    const auto* packument = m_registry.find(dep.name);
    if (packument == nullptr) {
      if (dep.optional) {
        return "";
      }
      m_registry.packument(dep.name);  // throws the registry's message
    }
    return add_choice(*packument, req, dep.optional);
  } catch (const util::Error& error) {
    if (dep.optional) {
      return "";  // npm skips an optional dependency it cannot install
    }
    throw util::Error(with_requirer(error.what(), parent));
  }
}

// The node of the version of `packument`'s package that `req` picks; "" when none fits and
// it is `optional`. A packument taken from the cache may predate the version asked for: it
// is fetched again before giving up, as Deno does.
std::string TreeResolver::add_choice(const Packument& packument, const std::string& req,
                                     bool optional) {
  const auto* current = &packument;
  const auto& name = packument.name;
  auto version = m_chooser.try_choose(*current, req, m_versions[name]);
  if (!version && m_registry.refresh(name)) {
    m_chooser.forget(name);
    current = &m_registry.packument(name);
    version = m_chooser.try_choose(*current, req, m_versions[name]);
  }
  if (version) {
    return add_node(*current, *version);
  }
  if (optional) {
    return "";
  }
  throw util::Error(m_chooser.not_found(*current, req));
}

// Breadth-first, as Deno walks: every packument a level needs is fetched at once.
void TreeResolver::expand(std::vector<std::string> frontier) {
  while (!frontier.empty()) {
    prefetch_tarballs();
    std::vector<std::string> names;
    for (const auto& nv : frontier) {
      for (const auto& dep : m_nodes.at(nv).info->dependencies) {
        if (dep.kind != NpmDependency::Kind::optional_peer && dep.unsupported.empty()) {
          names.push_back(dep.name);
        }
      }
    }
    m_registry.prefetch(names);
    std::vector<std::string> next;
    for (const auto& nv : frontier) {
      auto& node = m_nodes.at(nv);
      if (node.expanded) {
        continue;
      }
      node.expanded = true;
      for (const auto& dep : node.info->dependencies) {
        if (dep.kind != NpmDependency::Kind::dependency) {
          continue;  // peers depend on where the package is: resolved per place
        }
        auto child = choose(dep, dep.req, nv);
        if (child.empty() || child == nv) {
          continue;  // a package depending on itself is a mistake Deno ignores
        }
        node.children.emplace_back(&dep, child);
        if (!m_nodes.at(child).expanded &&
            std::find(next.begin(), next.end(), child) == next.end()) {
          next.push_back(child);
        }
      }
    }
    frontier = std::move(next);
  }
  mark_peers();
}

// The packument a peer's range is checked against (it matters only for a dist-tag).
const Packument& TreeResolver::peer_packument(const std::string& name) {
  try {
    if (const auto* found = m_registry.find(name)) {
      return *found;
    }
  } catch (const util::Error&) {
    // the range is then checked without the package's dist-tags
  }
  static const Packument none;
  return none;
}

void TreeResolver::mark_peers() {
  for (auto& [nv, node] : m_nodes) {
    for (const auto& dep : node.info->dependencies) {
      node.has_peers = node.has_peers || dep.kind != NpmDependency::Kind::dependency;
    }
  }
  // Until nothing changes: a cycle can carry peers back up.
  for (bool changed = true; changed;) {
    changed = false;
    for (auto& [nv, node] : m_nodes) {
      if (node.has_peers) {
        continue;
      }
      for (const auto& [dep, child] : node.children) {
        if (m_nodes.at(child).has_peers) {
          node.has_peers = changed = true;
          break;
        }
      }
    }
  }
}

int TreeResolver::new_instance(const std::string& nv, int parent) {
  Instance instance;
  instance.nv = nv;
  instance.parent = parent;
  instance.level = parent < 0 ? 1 : m_instances[static_cast<std::size_t>(parent)].level + 1;
  m_instances.push_back(std::move(instance));
  return static_cast<int>(m_instances.size() - 1);
}

int TreeResolver::child_instance(const std::string& nv, int parent, std::deque<int>& queue) {
  if (!m_nodes.at(nv).has_peers) {
    if (auto it = m_shared.find(nv); it != m_shared.end()) {
      return it->second;
    }
    auto index = new_instance(nv, -1);
    m_shared[nv] = index;
    queue.push_back(index);
    return index;
  }
  // A package that requires one of its ancestors gets that ancestor (a cycle).
  for (int a = parent; a >= 0; a = m_instances[static_cast<std::size_t>(a)].parent) {
    if (m_instances[static_cast<std::size_t>(a)].nv == nv) {
      return a;
    }
  }
  auto index = new_instance(nv, parent);
  queue.push_back(index);
  return index;
}

void TreeResolver::process(int index, std::deque<int>& queue) {
  auto nv = m_instances[static_cast<std::size_t>(index)].nv;
  const auto& node = m_nodes.at(nv);
  bool shared = m_shared.count(nv) != 0 && m_shared.at(nv) == index;
  for (const auto& [dep, child_nv] : node.children) {
    Slot slot;
    slot.optional_dependency = dep->optional;
    slot.instance = child_instance(child_nv, shared ? -1 : index, queue);
    m_instances[static_cast<std::size_t>(index)].children[dep->specifier] = slot;
  }
  for (const auto& dep : node.info->dependencies) {
    if (dep.kind != NpmDependency::Kind::dependency) {
      resolve_peer(index, dep, queue);
    }
  }
}

// Deno's resolve_peer_dep: the dependent's other dependencies, then each ancestor (itself,
// then its children), then the root requirements; else install it like a dependency
// (optional peers: leave it out).
void TreeResolver::resolve_peer(int index, const NpmDependency& dep, std::deque<int>& queue) {
  bool optional = dep.kind == NpmDependency::Kind::optional_peer;
  auto& me = m_instances[static_cast<std::size_t>(index)];
  if (name_of(me.nv) == dep.name) {
    return;  // a peer on itself
  }
  // Deno 2.9 takes the first package of the name; Deno 2.1 only one in the peer's range.
  auto fits = [&](int candidate) {
    const auto& nv = m_instances[static_cast<std::size_t>(candidate)].nv;
    if (name_of(nv) != dep.name) {
      return false;
    }
    return m_rules == PeerRules::deno_2_9 ||
           m_chooser.satisfies(peer_packument(dep.name), nv.substr(dep.name.size() + 1), dep.req);
  };
  auto find_child = [&](const Instance& holder, const std::string* skip) -> int {
    for (const auto& [key, slot] : holder.children) {
      if ((skip == nullptr || key != *skip) && fits(slot.instance)) {
        return slot.instance;
      }
    }
    return -1;
  };
  // Whether the package holding the peer gets it too (Deno 2.1) or only those below it.
  int holder_offset = m_rules == PeerRules::deno_2_1 ? 0 : 1;
  if (auto found = find_child(me, &dep.specifier); found >= 0) {
    add_peer(index, dep.specifier, found, me.level, optional);
    return;
  }
  for (int a = me.parent; a >= 0; a = m_instances[static_cast<std::size_t>(a)].parent) {
    const auto& ancestor = m_instances[static_cast<std::size_t>(a)];
    if (fits(a)) {
      add_peer(index, dep.specifier, a, ancestor.level + 1, optional);
      return;
    }
    if (auto found = find_child(ancestor, nullptr); found >= 0) {
      add_peer(index, dep.specifier, found, ancestor.level + holder_offset, optional);
      return;
    }
  }
  for (int root : m_root_frame) {
    if (fits(root)) {
      add_peer(index, dep.specifier, root, holder_offset, optional);
      return;
    }
  }
  if (optional) {
    return;
  }
  auto req = dep.fallback_req.empty() ? dep.req : dep.fallback_req;
  auto dependency = dep;
  dependency.optional = false;
  auto nv = choose(dependency, req, me.nv);
  if (!m_nodes.at(nv).expanded) {
    expand({nv});
  }
  auto child = child_instance(nv, index, queue);
  add_peer(index, dep.specifier, child, m_instances[static_cast<std::size_t>(index)].level, false);
}

// Records that `index` takes `peer` for `specifier`, and gives the peer to every package
// from it up to `threshold` (the level of the package whose dependency the peer is).
void TreeResolver::add_peer(int index, const std::string& specifier, int peer, int threshold,
                            bool optional) {
  Slot slot;
  slot.instance = peer;
  slot.optional_peer = optional;
  m_instances[static_cast<std::size_t>(index)].children[specifier] = slot;
  auto peer_nv = m_instances[static_cast<std::size_t>(peer)].nv;
  for (int n = index; n >= 0 && m_instances[static_cast<std::size_t>(n)].level >= threshold;
       n = m_instances[static_cast<std::size_t>(n)].parent) {
    auto& instance = m_instances[static_cast<std::size_t>(n)];
    bool known = instance.nv == peer_nv;
    for (const auto& [nv, _] : instance.peers) {
      known = known || nv == peer_nv;
    }
    if (!known) {
      instance.peers.emplace_back(peer_nv, peer);
    }
  }
}

// Deno's NpmPackageId serialisation: peers after `_` (`__` one level down, ...), a scoped
// peer's `/` written `+`; a peer already met on the way is written without its own peers.
std::string TreeResolver::id_of(int index, int level, std::set<std::string> seen) {
  const auto& instance = m_instances[static_cast<std::size_t>(index)];
  if (!instance.fixed_id.empty()) {
    return nested_package_id(instance.fixed_id, level);  // a locked root, as the lock has it
  }
  auto text = instance.nv;
  if (level > 0) {
    std::replace(text.begin(), text.end(), '/', '+');
  }
  seen.insert(instance.nv);
  std::set<std::string> written;
  for (const auto& [nv, peer] : instance.peers) {
    std::string peer_text;
    if (seen.count(nv) == 0) {
      peer_text = id_of(peer, level + 1, seen);
    } else {
      peer_text = nv;  // met on the way down: written without its peers
      std::replace(peer_text.begin(), peer_text.end(), '/', '+');
    }
    if (written.insert(peer_text).second) {
      text += std::string(static_cast<std::size_t>(level) + 1, '_') + peer_text;
    }
  }
  return text;
}

void TreeResolver::emit(const std::vector<std::pair<std::string, int>>& new_roots) {
  std::vector<std::string> ids(m_instances.size());
  for (std::size_t i = 0; i < m_instances.size(); ++i) {
    ids[i] = id_of(static_cast<int>(i), 0, {});
  }
  for (std::size_t i = 0; i < m_instances.size(); ++i) {
    const auto& instance = m_instances[i];
    if (!instance.fixed_id.empty() || m_snapshot.packages.count(ids[i]) != 0) {
      continue;  // a locked package stays as the lockfile has it
    }
    const auto& node = m_nodes.at(instance.nv);
    const auto& info = *node.info;
    NpmPackage package;
    package.id = ids[i];
    package.name = name_of(instance.nv);
    package.version = info.version;
    for (const auto& [key, slot] : instance.children) {
      package.dependencies[key] = ids[static_cast<std::size_t>(slot.instance)];
      if (slot.optional_dependency) {
        package.optional_dependencies.insert(key);
      }
      if (slot.optional_peer) {
        package.optional_peers.insert(key);
      }
    }
    package.dist = info.dist;
    m_snapshot.packages.emplace(package.id, std::move(package));
  }
  for (const auto& [req, index] : new_roots) {
    m_snapshot.roots[req] = ids[static_cast<std::size_t>(index)];
  }
}

// Deno sorts requirements before resolving them: by name, dist-tags first, then by req
// text descending.
bool before(VersionChooser& chooser, const NpmSpecifier& a, const NpmSpecifier& b) {
  if (a.name != b.name) {
    return a.name < b.name;
  }
  bool a_tag = chooser.is_tag(a.range());
  bool b_tag = chooser.is_tag(b.range());
  if (a_tag != b_tag) {
    return a_tag;
  }
  return normalize_specifier_req(a.req) > normalize_specifier_req(b.req);
}

void TreeResolver::resolve(std::vector<NpmSpecifier> roots) {
  std::sort(roots.begin(), roots.end(), [this](const NpmSpecifier& a, const NpmSpecifier& b) {
    return before(m_chooser, a, b);
  });
  // The root frame starts with the locked roots, as they are.
  std::map<std::string, int> by_nv;
  for (const auto& [req, id] : m_snapshot.roots) {
    auto [name, version] = split_package_id(id);
    auto nv = name + "@" + version;
    if (by_nv.count(nv) == 0) {
      auto index = new_instance(nv, -1);
      m_instances[static_cast<std::size_t>(index)].fixed_id = id;
      by_nv[nv] = index;
    }
  }
  // A requirement that an existing root satisfies takes it (Deno's add_package_req);
  // the others need their packument.
  std::vector<std::pair<std::string, std::string>> wanted;  // req -> nv
  std::vector<std::string> names;
  for (const auto& root : roots) {
    if (m_snapshot.roots.count(root.package_req()) != 0) {
      continue;
    }
    names.push_back(root.name);
  }
  m_registry.prefetch(names);
  std::vector<std::string> frontier;
  for (const auto& root : roots) {
    auto req = root.package_req();
    if (m_snapshot.roots.count(req) != 0 ||
        std::any_of(wanted.begin(), wanted.end(), [&](const auto& w) { return w.first == req; })) {
      continue;
    }
    const auto& packument = m_registry.packument(root.name);
    std::string nv;
    for (const auto& [existing, _] : by_nv) {
      if (name_of(existing) == root.name &&
          m_chooser.satisfies(packument, existing.substr(root.name.size() + 1), root.range())) {
        nv = existing;
        break;
      }
    }
    if (nv.empty()) {
      nv = add_choice(packument, root.range(), false);
      if (by_nv.count(nv) == 0) {
        by_nv[nv] = -1;  // made below, once its subtree is known
        frontier.push_back(nv);
      }
    }
    wanted.emplace_back(req, nv);
  }
  expand(frontier);
  std::deque<int> queue;
  for (auto& [nv, index] : by_nv) {
    if (index < 0) {
      index = m_nodes.at(nv).has_peers ? new_instance(nv, -1) : child_instance(nv, -1, queue);
      if (m_nodes.at(nv).has_peers) {
        queue.push_back(index);
      }
    }
    m_root_frame.push_back(index);
  }
  while (!queue.empty()) {
    auto index = queue.front();
    queue.pop_front();
    process(index, queue);
  }
  std::vector<std::pair<std::string, int>> new_roots;
  for (const auto& [req, nv] : wanted) {
    new_roots.emplace_back(req, by_nv.at(nv));
  }
  emit(new_roots);
}

}  // namespace

void resolve_npm_tree(const std::vector<NpmSpecifier>& roots, NpmRegistry& registry,
                      VersionChooser& chooser, NpmSnapshot& snapshot, PeerRules rules) {
  TreeResolver(registry, chooser, snapshot, rules).resolve(roots);
}

}  // namespace bundler
