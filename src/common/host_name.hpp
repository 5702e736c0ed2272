#pragma once
// Host names as HTTP and the configuration carry them: "name", "name:port", "192.0.2.1:80",
// "[::1]:8080". What the listeners, the demo-client check and the cross-site check ask of them.
#include <string_view>

namespace tokengate::common {

// The host without its port; an IPv6 literal keeps its brackets ("[::1]").
std::string_view host_without_port(std::string_view host);
// Whether `host` (no port; IPv6 with or without brackets) is an IP address.
bool is_ip_literal(std::string_view host);
// An address of the loopback range (127.0.0.0/8, ::1) or "localhost"; never a name that merely
// begins like one (127.example.com).
bool is_loopback_host(std::string_view host);

}  // namespace tokengate::common
