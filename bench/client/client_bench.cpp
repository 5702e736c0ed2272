// libtokengate's figures (issue 13), each on the core taskset gives it:
//   client_bench verify SECONDS     verifications per second of fresh tokens (each one new: a
//                                   signature check) and of one token repeated (the cache), ES256
//   client_bench token URL ID SECRET SECONDS THREADS
//                                   token() calls per second on a warm cache from THREADS threads
// Prints one JSON line. Tokens are signed here with our own signer (jose/), verified through the
// public API with fixed keys, so no I/O is measured.
#include <atomic>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/serialize.hpp>

#include "common/base64url.hpp"
#include "jose/jws_signer.hpp"
#include "tokengate/token_source.hpp"
#include "tokengate/verifier.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> make_tokens(std::shared_ptr<const tokengate::jose::SigningKey> shared, size_t n) {
  const auto& key = *shared;
  tokengate::jose::JwsSigner signer(shared);
  std::string header = tokengate::common::base64url_encode(
      R"({"alg":"ES256","typ":"at+jwt","kid":")" + key.kid() + R"("})");
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::string claims = R"({"iss":"https://issuer.bench","aud":"https://api.bench","sub":"c","client_id":"c","iat":)" +
                         std::to_string(now) + ",\"exp\":" + std::to_string(now + 3600) + ",\"jti\":\"" + std::to_string(i) + "\"}";
    std::string token = header + "." + tokengate::common::base64url_encode(claims);
    std::string input = token;
    token += '.';
    signer.sign_append(input, token);
    out.push_back(std::move(token));
  }
  return out;
}

int verify(double seconds) {
  auto key = std::make_shared<const tokengate::jose::SigningKey>(
      tokengate::jose::SigningKey::generate(tokengate::jose::Algorithm::ES256));
  std::string jwks = boost::json::serialize(boost::json::object{{"keys", boost::json::array{key->public_jwk()}}});
  tokengate::Verifier verifier({.issuer = "https://issuer.bench", .jwks_json = jwks, .audience = "https://api.bench"});
  // Fresh: enough distinct tokens that none repeats within the measured time.
  auto tokens = make_tokens(key, static_cast<size_t>(60000 * seconds));
  size_t fresh = 0;
  auto start = Clock::now();
  auto until = start + std::chrono::duration<double>(seconds);
  while (Clock::now() < until && fresh < tokens.size()) {
    for (int i = 0; i < 64 && fresh < tokens.size(); ++i) {
      if (!verifier.verify(tokens[fresh++]).ok()) {
        std::cerr << "a fresh token did not verify\n";
        return 1;
      }
    }
  }
  double fresh_rate = fresh / std::chrono::duration<double>(Clock::now() - start).count();
  // Repeated: one token, over and over.
  const std::string& one = tokens.front();
  uint64_t repeated = 0;
  start = Clock::now();
  until = start + std::chrono::duration<double>(seconds);
  while (Clock::now() < until) {
    for (int i = 0; i < 1024; ++i) repeated += verifier.verify(one).ok();
  }
  double repeated_rate = repeated / std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << "{\"verify_fresh_per_s\":" << static_cast<int64_t>(fresh_rate)
            << ",\"verify_repeated_per_s\":" << static_cast<int64_t>(repeated_rate) << "}" << std::endl;
  return 0;
}

int token(const std::string& url, const std::string& id, const std::string& secret, double seconds, int threads) {
  tokengate::TokenSource source({.token_url = url, .client_id = id, .client_secret = secret});
  source.token();  // warm
  std::atomic<uint64_t> calls{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> pool;
  auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      uint64_t mine = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        for (int i = 0; i < 256; ++i) mine += !source.token().empty();
      }
      calls += mine;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  double rate = calls / std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << "{\"token_calls_per_s\":" << static_cast<int64_t>(rate) << ",\"threads\":" << threads
            << ",\"requests_sent\":" << source.requests_sent() << "}" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "";
  if (what == "verify" && argc == 3) return verify(std::stod(argv[2]));
  if (what == "token" && argc == 7) return token(argv[2], argv[3], argv[4], std::stod(argv[5]), std::stoi(argv[6]));
  std::cerr << "usage: client_bench verify SECONDS | client_bench token URL ID SECRET SECONDS THREADS\n";
  return 2;
}
