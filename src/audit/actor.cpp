#include "audit/actor.hpp"

#include <pwd.h>
#include <unistd.h>

#include <ctime>

namespace tokengate::audit {

Actor cli_actor() {
  std::string user;
  if (const passwd* pw = ::getpwuid(::geteuid())) user = pw->pw_name;
  else user = "uid" + std::to_string(::geteuid());
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return {"cli:" + user + "@" + host, ""};
}

Actor server_actor() { return {"server", ""}; }

store::AuditRecord entry(const Actor& actor, std::string action, std::string target, std::string detail) {
  store::AuditRecord e;
  e.at = static_cast<int64_t>(std::time(nullptr));
  e.actor = actor.name.empty() ? "unknown" : actor.name;
  e.action = std::move(action);
  e.target = std::move(target);
  e.address = actor.address;
  e.detail = std::move(detail);
  return e;
}

}  // namespace tokengate::audit
