#include "common/host_name.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

namespace tokengate::common {
namespace {

std::string without_brackets(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return std::string(host);
}

}  // namespace

std::string_view host_without_port(std::string_view host) {
  if (host.starts_with('[')) return host.substr(0, host.find(']') + 1);
  return host.substr(0, host.find(':'));
}

bool is_ip_literal(std::string_view host) {
  std::string h = without_brackets(host);
  unsigned char addr[16];
  return inet_pton(AF_INET, h.c_str(), addr) == 1 || inet_pton(AF_INET6, h.c_str(), addr) == 1;
}

bool is_loopback_host(std::string_view host) {
  std::string h = without_brackets(host);
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return h == "localhost";
}

}  // namespace tokengate::common
