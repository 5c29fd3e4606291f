// Types shared by Maestro's Thrift services.
// Not mpes.common: protoc already generates mpes::common types of the same names. C++ namespaces are not on the wire.
namespace cpp mpes.thrift.common
namespace py mpes_common

// A typed failure. `code` is a Maestro status name such as "invalid_argument" or "deadline_exceeded".
exception ServiceError {
  1: string code,
  2: string message,
}
