#pragma once
// The authorization server metadata, RFC 8414 §2: what a client pointed at this server discovers.
// The same document in both modes; in proxy mode it names this server, not the upstream.
#include <string>

namespace tokengate::front {

struct MetadataFacts {
  std::string issuer;
  bool issuer_mode = false;         // status lists and DPoP-bound tokens are this server's
  bool client_certificates = false; // client certificates reach this server (RFC 8705)
  std::string mtls_url;             // where clients connect with certificates, when not at the issuer
};
std::string metadata_json(const MetadataFacts& facts);

}  // namespace tokengate::front
