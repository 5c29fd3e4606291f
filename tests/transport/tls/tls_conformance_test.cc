// The transport conformance suite over TLS with client certificates required (mutual TLS), for every protocol
// with a wire: what holds in plaintext must hold encrypted.
#include "tests/transport/tls/test_certificates.h"
#include "tests/transport/transport_conformance.h"

namespace maestro::testing {
namespace {

TransportOptions ThriftWire(const std::string& transport, const std::string& protocol) {
  TransportOptions options;
  options.thrift_transport = transport;
  options.thrift_protocol = protocol;
  return options;
}

auto MutualTlsCases() {
  return ::testing::Values(
      TransportCase{"rest_mtls", "rest", WithMutualTls({})}, TransportCase{"grpc_mtls", "grpc", WithMutualTls({})},
      TransportCase{"thrift_buffered_binary_mtls", "thrift", WithMutualTls(ThriftWire("buffered", "binary"))},
      TransportCase{"thrift_framed_compact_mtls", "thrift", WithMutualTls(ThriftWire("framed", "compact"))});
}

INSTANTIATE_TEST_SUITE_P(Tls, TransportConformanceTest, MutualTlsCases(), CaseName);
INSTANTIATE_TEST_SUITE_P(Tls, WireConformanceTest, MutualTlsCases(), CaseName);

}  // namespace
}  // namespace maestro::testing
