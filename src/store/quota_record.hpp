#pragma once
// What the store keeps of token quotas (limits/quota_leases): per client and period, each node's
// lease, that is the tokens it has issued (`used`) and the tokens it may still issue (`held`) until
// the lease expires. The store hands out leases so that what all nodes have issued and may still
// issue never exceeds the quota.
#include <cstdint>
#include <string>

namespace tokengate::store {

// A node's report and request for one client's period.
struct QuotaClaim {
  std::string client_id;
  int64_t period_start = 0;  // Unix seconds
  int64_t period_end = 0;
  int64_t limit = 0;
  int64_t used = 0;       // tokens this node has issued in the period, all told
  int64_t want = 0;       // tokens it asks to hold beyond `used` (0: gives its lease back)
  bool refused = false;   // it has refused a request for want of quota (first told: audited once)
};

// The store's answer: the lease the node now holds, replacing its previous one.
struct QuotaGrant {
  int64_t held = 0;            // tokens the node may issue beyond `used`, until the lease expires
  int64_t period_used = 0;     // issued in the period by every node, as last reported
  int64_t held_elsewhere = 0;  // held by the other nodes' live leases
  bool first_exhaustion = false;  // the period's quota ran out with this claim (once, cluster-wide)
};

// A client's period as the store knows it (`client show`, the admin API).
struct QuotaUse {
  int64_t used = 0;       // issued, as the nodes last reported
  int64_t held = 0;       // held by live leases
  bool exhausted = false; // a node has refused a request for want of quota in this period
};

}  // namespace tokengate::store
