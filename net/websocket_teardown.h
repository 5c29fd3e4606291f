// How Beast's websocket::stream closes a ConnectionStream (found by argument-dependent lookup): a TLS connection
// sends its close_notify, a plain one shuts the socket down, as Beast does for each stream on its own.
#pragma once

#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <utility>

#include "net/connection_stream.h"

namespace maestro::net {

inline void teardown(boost::beast::role_type role, ConnectionStream& stream, boost::system::error_code& ec) {
  if (stream.is_tls()) {
    teardown(role, stream.tls(), ec);
  } else {
    teardown(role, stream.tcp(), ec);
  }
}

template <typename TeardownHandler>
void async_teardown(boost::beast::role_type role, ConnectionStream& stream, TeardownHandler&& handler) {
  if (stream.is_tls()) {
    async_teardown(role, stream.tls(), std::forward<TeardownHandler>(handler));
  } else {
    async_teardown(role, stream.tcp(), std::forward<TeardownHandler>(handler));
  }
}

}  // namespace maestro::net
