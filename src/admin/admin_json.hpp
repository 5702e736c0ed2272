#pragma once
// How clients, keys and audit entries look in JSON, the same for the CLI's --json and the admin API.
#include <cstdint>

#include <boost/json/object.hpp>

#include "common/rfc3339.hpp"
#include "store/audit_record.hpp"
#include "store/client_record.hpp"
#include "store/key_record.hpp"
#include "store/store.hpp"

namespace tokengate::admin {

// A client's settings; never its secret or the secret's digest.
boost::json::object client_json(const store::ClientRecord& client);

// A client's use of its quota in the period holding `now`, as the store knows it (what the nodes
// last reported, at most a second old while they are busy): {quota, period_start, resets_at, used,
// remaining, exhausted}. Null if the client has no quota.
boost::json::value quota_use_json(const store::ClientRecord& client, store::Store& store, int64_t now);

// What a key does at `now`: pending (published, not signing yet), active, retired (published,
// signing no more), withdrawn (neither).
const char* key_status(const store::KeyRecord& key, int64_t now);
// A key's public facts; never its private half.
boost::json::object key_json(const store::KeyRecord& key, int64_t now);

// An audit entry, its time also as RFC 3339 and its detail as an object.
boost::json::object audit_json(const store::AuditRecord& entry);

// Unix seconds as RFC 3339 UTC: 2026-11-25T13:00:00Z.
using common::rfc3339;

}  // namespace tokengate::admin
