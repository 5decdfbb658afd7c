// TS 33.180 E.6: encoding and decoding of the key parameters plaintext.
#include "mikey/key_parameters.h"

#include <fmt/format.h>

namespace kb::mikey {

Result<KeyParameters> KeyParameters::Decode(ByteView plaintext) {
  ByteReader r(plaintext);
  KeyParameters k;
  KB_TRY(k.key_type, r.U8("Key parameters.Key Type"));
  KB_TRY(k.status, r.U32("Key parameters.Status"));
  KB_TRY(k.activation_time, r.U40("Key parameters.Activation time"));
  KB_TRY(k.expiry_time, r.U40("Key parameters.Expiry time"));
  KB_TRY(ByteReader text, r.U16Prefixed("Key parameters.Text"));
  k.text = std::string(AsString(text.Rest()));
  if (r.empty()) {
    k.group_ids_present = false;
    return k;
  }
  KB_TRY(ByteReader groups, r.U16Prefixed("Key parameters.MC group IDs"));
  KB_TRY(uint8_t count, groups.U8("Key parameters.MC group IDs.count"));
  for (size_t i = 0; i < count; ++i) {
    McGroupId g;
    KB_TRY(g.iei, groups.U8("Key parameters.MC group ID.IEI"));
    KB_TRY(ByteReader id, groups.U16Prefixed("Key parameters.MC group ID"));
    g.id = std::string(AsString(id.Rest()));
    k.group_ids.push_back(std::move(g));
  }
  KB_CHECK(groups.ExpectEnd("Key parameters.MC group IDs"));
  ByteView rest = r.Rest();
  k.reserved.assign(rest.begin(), rest.end());
  return k;
}

Result<Bytes> KeyParameters::Encode() const {
  if (activation_time > 0xFFFFFFFFFFull || expiry_time > 0xFFFFFFFFFFull) {
    return Fail(Error::InvalidArgument("Key parameters: a time over 40 bits"));
  }
  if (!group_ids_present && (!group_ids.empty() || !reserved.empty())) {
    return Fail(Error::InvalidArgument("Key parameters: group IDs marked absent but given"));
  }
  if (group_ids.size() > 255) {
    return Fail(Error::InvalidArgument("Key parameters: more than 255 MC group IDs"));
  }
  ByteWriter w;
  w.U8(key_type).U32(status).U40(activation_time).U40(expiry_time);
  size_t t = w.BeginU16Length();
  w.Append(text);
  KB_CHECK(w.EndU16Length(t));
  if (group_ids_present) {
    size_t g = w.BeginU16Length();
    w.U8(static_cast<uint8_t>(group_ids.size()));
    for (const McGroupId& id : group_ids) {
      w.U8(id.iei);
      size_t l = w.BeginU16Length();
      w.Append(id.id);
      KB_CHECK(w.EndU16Length(l));
    }
    KB_CHECK(w.EndU16Length(g));
    w.Append(reserved);
  }
  return std::move(w).Take();
}

}  // namespace kb::mikey
