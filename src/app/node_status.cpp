// keybridge up/status: the node status file (docs/operations.md "Node status").
#include "app/node_status.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>

namespace kb::app {
namespace {

double NowSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::vector<std::string> ListenFromConfig(const YAML::Node& config) {
  std::vector<std::string> out;
  if (!config.IsMap()) return out;
  for (const auto& kv : config) {
    std::string key = kv.first.as<std::string>("");
    std::string scheme;
    if (key == "listen") {
      scheme = "tcp";
    } else if (key.size() > 7 && key.ends_with("_listen")) {
      scheme = key.substr(0, key.size() - 7);
    } else {
      continue;
    }
    auto add = [&](const YAML::Node& v) {
      if (v.IsScalar()) out.push_back(fmt::format("{}://{}", scheme, v.as<std::string>()));
    };
    if (kv.second.IsSequence()) {
      for (const auto& v : kv.second) add(v);
    } else {
      add(kv.second);
    }
  }
  return out;
}

}  // namespace

Status WriteNodeStatus(const RoleContext& ctx, nlohmann::json counters,
                       std::vector<std::string> listen) {
  static std::mutex mu;
  static std::map<std::string, double> started;
  double now = NowSeconds();
  double started_at = now;
  {
    std::lock_guard lock(mu);
    auto [it, fresh] = started.emplace(ctx.node, now);
    started_at = it->second;
  }
  if (listen.empty()) listen = ListenFromConfig(ctx.config);
  nlohmann::json doc = {
      {"node", ctx.node},
      {"role", ctx.role},
      {"pid", static_cast<int64_t>(::getpid())},
      {"listen", listen},
      {"started_at", started_at},
      {"updated_at", now},
      {"counters", counters.is_null() ? nlohmann::json::object() : std::move(counters)},
  };
  std::filesystem::path final_path = ctx.data_dir / kNodeStatusFile;
  std::filesystem::path tmp = ctx.data_dir / fmt::format(".{}.{}.tmp", kNodeStatusFile, ::gettid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return Fail(Error::Io(fmt::format("cannot write {}", tmp.string())));
    out << doc.dump(2) << '\n';
    if (!out.flush()) return Fail(Error::Io(fmt::format("cannot write {}", tmp.string())));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, final_path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Fail(Error::Io(fmt::format("cannot replace {}", final_path.string())));
  }
  return Ok();
}

NodeStatusThread::NodeStatusThread(const RoleContext& ctx,
                                   std::function<nlohmann::json()> counters) {
  // The thread gets no YAML (yaml-cpp nodes are not for concurrent use): the listen list is
  // read here.
  RoleContext c{ctx.role, ctx.node, YAML::Node(), YAML::Node(), ctx.data_dir, nullptr};
  std::vector<std::string> listen = ListenFromConfig(ctx.config);
  thread_ = std::thread([this, c, listen, counters = std::move(counters)] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      (void)WriteNodeStatus(c, counters(), listen);
      lock.lock();
      cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; });
    }
  });
}

NodeStatusThread::~NodeStatusThread() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Result<nlohmann::json> ReadNodeStatus(const std::filesystem::path& node_data_dir) {
  std::filesystem::path path = node_data_dir / kNodeStatusFile;
  std::ifstream in(path);
  if (!in) return Fail(Error::NotFound(fmt::format("{}: no status file", path.string())));
  auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return Fail(Error::Malformed(fmt::format("{}: not a JSON object", path.string())));
  return doc;
}

}  // namespace kb::app
