// A test driver of libtokengate, built on its public headers alone (and linked with the library
// alone): the integration tests (tests/integration/client_library.test.mjs) start it against real
// servers and send it commands, one per line on stdin; it answers each with one JSON line.
//
//   client_probe token  OPTIONS      a TokenSource:  token [THREADS CALLS] | invalidate | stats |
//                                                    proof METHOD URL TOKEN
//   client_probe verify OPTIONS      a Verifier:     verify TOKEN | try TOKEN | keys | stats |
//                                                    bound TOKEN METHOD URL PROOF|- CERTFILE|-
//   OPTIONS: --token-url U --issuer I --client-id C --client-secret S --auth basic|post|cells
//            --scope S --refresh-at F --min-backoff-ms N --jwks-url U --audience A
//            --unknown-kid-interval S --dpop 1 --dpop-key F --cert F --cert-key F --ca-file F
#include <atomic>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tokengate/token_source.hpp"
#include "tokengate/verifier.hpp"

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (static_cast<unsigned char>(c) < 0x20) out += ' ';
    else out += c;
  }
  return out + "\"";
}

const char* error_name(tokengate::VerifyResult::Error e) {
  using E = tokengate::VerifyResult::Error;
  switch (e) {
    case E::none: return "none";
    case E::malformed: return "malformed";
    case E::bad_signature: return "bad_signature";
    case E::unknown_key: return "unknown_key";
    case E::keys_unavailable: return "keys_unavailable";
    case E::wrong_type: return "wrong_type";
    case E::unsupported_algorithm: return "unsupported_algorithm";
    case E::wrong_issuer: return "wrong_issuer";
    case E::wrong_audience: return "wrong_audience";
    case E::expired: return "expired";
    case E::not_yet_valid: return "not_yet_valid";
    case E::revoked: return "revoked";
    case E::status_unavailable: return "status_unavailable";
    case E::bad_proof: return "bad_proof";
    case E::wrong_holder: return "wrong_holder";
  }
  return "?";
}

std::string result_json(const tokengate::VerifyResult& r) {
  return std::string("{\"ok\":") + (r.ok() ? "true" : "false") + ",\"error\":\"" + error_name(r.error()) +
         "\",\"message\":" + quoted(r.message()) + ",\"sub\":" + quoted(r.claims().subject()) + "}";
}

int run_token(const std::map<std::string, std::string>& o) {
  tokengate::TokenSourceOptions options;
  options.token_url = o.count("--token-url") ? o.at("--token-url") : "";
  options.issuer = o.count("--issuer") ? o.at("--issuer") : "";
  options.client_id = o.count("--client-id") ? o.at("--client-id") : "";
  options.client_secret = o.count("--client-secret") ? o.at("--client-secret") : "";
  options.scope = o.count("--scope") ? o.at("--scope") : "";
  std::string auth = o.count("--auth") ? o.at("--auth") : "basic";
  options.auth = auth == "post" ? tokengate::ClientAuth::post
                 : auth == "cells" ? tokengate::ClientAuth::cells_query
                                   : tokengate::ClientAuth::basic;
  if (o.count("--refresh-at")) options.refresh_at = std::stod(o.at("--refresh-at"));
  if (o.count("--min-backoff-ms")) options.min_backoff = std::chrono::milliseconds(std::stoll(o.at("--min-backoff-ms")));
  options.dpop = o.count("--dpop") > 0;
  options.dpop_key_file = o.count("--dpop-key") ? o.at("--dpop-key") : "";
  options.client_certificate_file = o.count("--cert") ? o.at("--cert") : "";
  options.client_key_file = o.count("--cert-key") ? o.at("--cert-key") : "";
  options.ca_file = o.count("--ca-file") ? o.at("--ca-file") : "";
  tokengate::TokenSource source(options);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    std::string command;
    words >> command;
    if (command == "token") {
      int threads = 1, calls = 1;
      words >> threads >> calls;
      std::vector<std::string> tokens(static_cast<size_t>(threads));
      std::vector<std::string> errors;
      std::mutex m;
      std::atomic<int> ready{0};
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
          ++ready;
          while (ready.load() < threads) std::this_thread::yield();  // all at once
          for (int c = 0; c < calls; ++c) {
            try {
              tokens[static_cast<size_t>(t)] = source.token();
            } catch (const tokengate::Error& e) {
              std::lock_guard lock(m);
              errors.push_back(e.what());
            }
          }
        });
      }
      for (auto& th : pool) th.join();
      std::map<std::string, int> distinct;
      for (const auto& tk : tokens) if (!tk.empty()) ++distinct[tk];
      std::cout << "{\"token\":" << quoted(tokens[0]) << ",\"jkt\":" << quoted(source.dpop_thumbprint())
                << ",\"distinct\":" << distinct.size()
                << ",\"requests_sent\":" << source.requests_sent() << ",\"errors\":[";
      for (size_t i = 0; i < errors.size() && i < 3; ++i) std::cout << (i ? "," : "") << quoted(errors[i]);
      std::cout << "],\"error_count\":" << errors.size() << "}" << std::endl;
    } else if (command == "proof") {
      std::string method, url, token;
      words >> method >> url >> token;
      std::cout << "{\"proof\":" << quoted(source.dpop_proof(method, url, token)) << "}" << std::endl;
    } else if (command == "invalidate") {
      source.invalidate();
      std::cout << "{}" << std::endl;
    } else if (command == "stats") {
      std::cout << "{\"requests_sent\":" << source.requests_sent() << "}" << std::endl;
    } else {
      std::cout << "{\"unknown_command\":" << quoted(command) << "}" << std::endl;
    }
  }
  return 0;
}

int run_verify(const std::map<std::string, std::string>& o) {
  tokengate::VerifierOptions options;
  options.issuer = o.count("--issuer") ? o.at("--issuer") : "";
  options.jwks_url = o.count("--jwks-url") ? o.at("--jwks-url") : "";
  options.audience = o.count("--audience") ? o.at("--audience") : "";
  options.ca_file = o.count("--ca-file") ? o.at("--ca-file") : "";
  if (o.count("--unknown-kid-interval"))
    options.unknown_kid_interval = std::chrono::seconds(std::stoll(o.at("--unknown-kid-interval")));
  tokengate::Verifier verifier(options);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    std::string command, token;
    words >> command >> token;
    if (command == "verify") {
      std::cout << result_json(verifier.verify(token)) << std::endl;
    } else if (command == "bound") {
      std::string method, url, proof, cert_file;
      words >> method >> url >> proof >> cert_file;
      std::string cert;
      if (cert_file != "-") {
        std::ifstream in(cert_file);
        cert.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
      tokengate::Presentation presented{.dpop_proof = proof == "-" ? std::string_view() : std::string_view(proof),
                                        .method = method,
                                        .url = url,
                                        .client_certificate = cert};
      std::cout << result_json(verifier.verify(token, presented)) << std::endl;
    } else if (command == "try") {
      auto r = verifier.try_verify(token);
      std::cout << (r ? result_json(*r) : std::string("{\"needs_fetch\":true}")) << std::endl;
    } else if (command == "keys") {
      auto k = verifier.keys();
      std::cout << "{\"available\":" << (k.available ? "true" : "false") << ",\"error\":" << quoted(k.error)
                << ",\"token_endpoint\":" << quoted(k.metadata.token_endpoint) << "}" << std::endl;
    } else if (command == "stats") {
      std::cout << "{\"key_fetches\":" << verifier.key_fetches() << "}" << std::endl;
    } else {
      std::cout << "{\"unknown_command\":" << quoted(command) << "}" << std::endl;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: client_probe token|verify [--option value]...\n";
    return 2;
  }
  std::map<std::string, std::string> options;
  for (int i = 2; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  try {
    return std::string(argv[1]) == "token" ? run_token(options) : run_verify(options);
  } catch (const tokengate::Error& e) {
    std::cout << "{\"fatal\":" << quoted(e.what()) << "}" << std::endl;
    return 1;
  }
}
