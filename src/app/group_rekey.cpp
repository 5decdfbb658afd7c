// TS 33.180 7.3 / 7.4: a new GMK during a call: file watcher and SRTP key switch.
#include "app/group_rekey.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "core/encoding.h"
#include "srtp/key_derivation.h"

namespace kb::app {

GmkFileWatcher::GmkFileWatcher(std::filesystem::path kms_cert, std::filesystem::path keys,
                               std::filesystem::path gmk_file, std::string me,
                               uint32_t current_gmk_id, Handler on_new_key, uint32_t poll_ms)
    : kms_cert_(std::move(kms_cert)),
      keys_(std::move(keys)),
      gmk_file_(std::move(gmk_file)),
      me_(std::move(me)),
      gmk_id_(current_gmk_id),
      on_new_key_(std::move(on_new_key)),
      poll_ms_(poll_ms) {
  std::ifstream f(gmk_file_, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  last_content_ = s.str();  // the key the node started with
  thread_ = std::thread([this] { Run(); });
}

GmkFileWatcher::~GmkFileWatcher() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GmkFileWatcher::Run() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(poll_ms_), [this] { return stop_; })) {
    std::ifstream f(gmk_file_, std::ios::binary);
    if (!f) continue;
    std::ostringstream s;
    s << f.rdbuf();
    std::string content = s.str();
    if (content == last_content_ || content.empty()) continue;
    last_content_ = content;
    auto key = OpenGroupCallKey(kms_cert_, keys_, gmk_file_, me_);
    if (!key) {
      spdlog::info("GMK file {} changed but does not open (yet): {}", gmk_file_.string(),
                   key.error().message());
      continue;
    }
    if (key->gmk_id == gmk_id_) continue;
    spdlog::info("GMK file {}: new GMK-ID {:08x} (was {:08x}), GUK-ID {:08x}", gmk_file_.string(),
                 key->gmk_id, gmk_id_, key->guk_id);
    gmk_id_ = key->gmk_id;
    lock.unlock();
    on_new_key_(std::move(*key));
    lock.lock();
  }
}

Status AddGroupKeys(srtp::Session& session, const GroupCallKey& key,
                    const std::vector<std::string>& peers) {
  auto add = [&](uint32_t guk_id) -> Status {
    auto m = GroupMasterKey(key, guk_id);
    auto st =
        session.AddMasterKey(srtp::GmkMki(key.gmk_id, guk_id), m.key.Reveal(), m.salt.Reveal());
    if (!st && st.error().kind() != ErrorKind::kConflict) return st;
    return Ok();
  };
  KB_CHECK(add(key.guk_id));
  for (const auto& p : peers) KB_CHECK(add(GukIdOf(key, p)));
  return Ok();
}

Status SelectGroupSendKey(srtp::Session& session, const GroupCallKey& key) {
  return session.SelectSendKey(srtp::GmkMki(key.gmk_id, key.guk_id));
}

std::string MkiText(ByteView mki) {
  if (mki.size() == 8) return ToHex(mki.first(4)) + "||" + ToHex(mki.subspan(4));
  return ToHex(mki);
}

}  // namespace kb::app
