// BuildInfo: what this binary was built from, for experiment manifests and --version.
#pragma once

#include <string>

namespace maestro {

struct BuildInfo {
  std::string version;
  std::string git_commit;
  std::string build_type;
  std::string compiler;
  std::string grpc_version;
  std::string protobuf_version;
  std::string thrift_version;
  std::string boost_version;
};

const BuildInfo& GetBuildInfo();

}  // namespace maestro
