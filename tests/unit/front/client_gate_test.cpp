// The gate in front of every route where a client authenticates, without a listener: cross-site
// refusals, what an answer teaches the limits and the failure sink, the slots proxy mode holds,
// and the client's rate charged only once it has authenticated.
#include "front/client_gate.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace tokengate;
using namespace std::chrono_literals;

namespace {

struct RecordingSink final : front::FailureSink {
  std::vector<std::string> events;
  void failed_authentication(std::string_view id, std::string_view address) override {
    events.push_back("failed " + std::string(id) + " " + std::string(address));
  }
  void locked_out(std::string_view id, std::string_view address) override {
    events.push_back("locked " + std::string(id) + " " + std::string(address));
  }
};

http::Request request_from(std::string_view address) {
  http::Request r;
  r.method = "POST";
  r.path = "/connect/token";
  r.host = "auth.example.com";
  r.client_address = address;
  return r;
}

http::Response status(int code) {
  http::Response r;
  r.status = code;
  return r;
}

TEST(CrossSite, BrowsersSayWhereARequestComesFrom) {
  auto r = request_from("192.0.2.1");
  EXPECT_FALSE(front::cross_site(r)) << "no browser headers: a server-side client";
  r.sec_fetch_site = "cross-site";
  EXPECT_TRUE(front::cross_site(r));
  r.sec_fetch_site = "same-origin";
  r.origin = "https://evil.example";
  EXPECT_FALSE(front::cross_site(r)) << "Fetch Metadata is believed over Origin";
  r.sec_fetch_site = {};
  EXPECT_TRUE(front::cross_site(r)) << "a foreign Origin";
  r.origin = "null";
  EXPECT_TRUE(front::cross_site(r)) << "an opaque origin";
  r.origin = "https://auth.example.com";
  EXPECT_FALSE(front::cross_site(r)) << "the origin the request was sent to";
  r.host = "auth.example.com:8443";
  r.origin = "https://auth.example.com:8443";
  EXPECT_FALSE(front::cross_site(r));
  r.origin = "https://auth.example.com:9443";
  EXPECT_TRUE(front::cross_site(r)) << "another port is another origin";
  r.host = "auth.example.com";  // behind nginx's $host, which drops the port
  EXPECT_FALSE(front::cross_site(r));
}

TEST(ClientGate, ACrossSiteRequestIsRefusedBeforeItCounts) {
  limits::ClientLimits limits({.failures = 1, .address_failures = 1, .window = 60s});
  RecordingSink sink;
  front::ClientGate gate{&limits, &sink};
  auto r = request_from("192.0.2.1");
  r.sec_fetch_site = "cross-site";
  int answered = 0;
  for (int i = 0; i < 5; ++i) {
    auto pass = gate.pass(r, "c", true, [&](http::Response res) {
      EXPECT_EQ(res.status, 403);
      ++answered;
    });
    EXPECT_FALSE(pass);
  }
  EXPECT_EQ(answered, 5);
  EXPECT_TRUE(sink.events.empty());
  EXPECT_FALSE(limits.check_failures("192.0.2.1", "c", limits::ClientLimits::Clock::now()));
}

TEST(ClientGate, FailuresAreCountedAndReportedAndTheLockOutSaidOnce) {
  limits::ClientLimits limits({.failures = 2, .address_failures = 0, .window = 60s});
  RecordingSink sink;
  front::ClientGate gate{&limits, &sink};
  auto r = request_from("192.0.2.1");
  std::vector<int> seen;
  for (int i = 0; i < 3; ++i) {
    auto respond = gate.pass(r, "c", true, [&](http::Response res) { seen.push_back(res.status); });
    if (respond) (*respond)(status(401));
  }
  EXPECT_EQ(seen, (std::vector<int>{401, 401, 429}));
  EXPECT_EQ(sink.events, (std::vector<std::string>{"failed c 192.0.2.1", "failed c 192.0.2.1", "locked c 192.0.2.1"}));
}

TEST(ClientGate, ALockedOutAddressIsStillServedWithCredentialsCheapToCheck) {
  limits::ClientLimits limits({.failures = 2, .address_failures = 0, .window = 60s});
  RecordingSink sink;
  front::ClientGate gate{&limits, &sink};
  auto r = request_from("192.0.2.1");
  std::vector<int> seen;
  auto ask = [&](int answer, bool cheap) {
    auto respond = gate.pass(r, "c", true, [&](http::Response res) { seen.push_back(res.status); }, cheap);
    if (respond) (*respond)(status(answer));
  };
  ask(401, true);
  ask(401, true);  // locked from here on
  ask(200, true);  // right credentials, locked: served
  ask(401, true);  // wrong, locked: the lock-out's 429, not counted again
  ask(200, false);  // an assertion from a locked-out pair: refused before it is checked
  ask(401, true);
  EXPECT_EQ(seen, (std::vector<int>{401, 401, 200, 429, 429, 429}));
  EXPECT_EQ(sink.events, (std::vector<std::string>{"failed c 192.0.2.1", "failed c 192.0.2.1", "locked c 192.0.2.1"}))
      << "failures while locked out are neither counted nor audited again";
  EXPECT_TRUE(limits.check_failures("192.0.2.1", "c", limits::ClientLimits::Clock::now())) << "a success lifts no lock-out";
}

TEST(ClientGate, ProxyModeSlotsAreHeldUntilTheAnswerIsCounted) {
  limits::ClientLimits limits({.failures = 2, .address_failures = 0, .window = 60s});
  front::ClientGate gate{&limits, nullptr, /*reserve_slots=*/true};
  auto r = request_from("192.0.2.1");
  std::vector<int> seen;
  auto record = [&](http::Response res) { seen.push_back(res.status); };
  auto first = gate.pass(r, "c", true, record);
  auto second = gate.pass(r, "c", true, record);
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(gate.pass(r, "c", true, record)) << "two guesses in flight: the limit";
  EXPECT_EQ(seen, (std::vector<int>{429}));
  (*first)(status(401));   // counted, and its slot back: 1 failure + 1 in flight
  EXPECT_FALSE(gate.pass(r, "c", true, record));
  (*second)(status(200));  // a success: known good again
  auto third = gate.pass(r, "c", true, record);
  ASSERT_TRUE(third);
  (*third)(status(200));
}

TEST(ClientGate, TheClientsRateIsChargedOnlyOnceItAuthenticated) {
  limits::ClientLimits limits({.failures = 0, .address_failures = 0, .window = 60s, .client_rate = 2});
  front::ClientGate gate{&limits, nullptr};
  auto r = request_from("192.0.2.1");
  for (int i = 0; i < 10; ++i) {
    auto respond = gate.pass(r, "c", true, [](http::Response) {});
    ASSERT_TRUE(respond) << "unauthenticated requests spend nothing of the client's rate";
  }
  EXPECT_FALSE(gate.admit("c"));
  EXPECT_FALSE(gate.admit("c"));
  auto over = gate.admit("c");
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 429);
  EXPECT_FALSE(front::ClientGate{}.admit("c")) << "no limits, no refusal";
}

}  // namespace
