// TS 33.180 7.3 / 7.4 (a new GMK for a group during a call): the node watches its GMK
// I_MESSAGE file; a new GMK (another GMK-ID) adds its SRTP keys next to the old ones (receivers
// accept both MKIs) and, after a switch delay, becomes the send key (MKI = new GMK-ID || GUK-ID).
// docs/calls.md "Mid-call rekey".
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/group_call_key.h"
#include "core/error.h"
#include "srtp/srtp_session.h"

namespace kb::app {

// Polls a GMK file (every poll_ms) on its own thread. When its content changes and opens (with
// the node's KMS certificate and key set, addressed to `me`) to a GMK-ID other than the last
// one, calls on_new_key from the watcher thread. A content that does not open (e.g. a file
// caught half written) is retried when the content changes again; it is logged once.
class GmkFileWatcher {
 public:
  using Handler = std::function<void(GroupCallKey)>;
  GmkFileWatcher(std::filesystem::path kms_cert, std::filesystem::path keys,
                 std::filesystem::path gmk_file, std::string me, uint32_t current_gmk_id,
                 Handler on_new_key, uint32_t poll_ms = 200);
  ~GmkFileWatcher();
  GmkFileWatcher(const GmkFileWatcher&) = delete;
  GmkFileWatcher& operator=(const GmkFileWatcher&) = delete;

 private:
  void Run();

  std::filesystem::path kms_cert_, keys_, gmk_file_;
  std::string me_;
  uint32_t gmk_id_;
  Handler on_new_key_;
  uint32_t poll_ms_;
  std::string last_content_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Adds the SRTP master keys of key (our send key under GMK-ID || our GUK-ID, and one receive
// key per peer URI) to session without changing its send key; MKIs already present are kept.
Status AddGroupKeys(srtp::Session& session, const GroupCallKey& key,
                    const std::vector<std::string>& peers);
// Makes our key of `key` the send key (it must have been added). kNotFound otherwise.
Status SelectGroupSendKey(srtp::Session& session, const GroupCallKey& key);

// "GMK-ID||GUK-ID" in hex (16 digits) of an 8-octet MKI, or the hex of any other MKI.
std::string MkiText(ByteView mki);

}  // namespace kb::app
