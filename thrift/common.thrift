// Types shared by Maestro's Thrift services.
namespace cpp mpes.common
namespace py mpes_common

// A typed failure. `code` is a Maestro status name such as "invalid_argument" or "deadline_exceeded".
exception ServiceError {
  1: string code,
  2: string message,
}
