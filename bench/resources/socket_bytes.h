// Per-process TCP byte counts. /proc/<pid>/io counts every read/write (files and pipes too) and
// /proc/<pid>/net/dev counts a whole network namespace, so neither is a process's network traffic. Instead we
// match the process's socket inodes (/proc/<pid>/fd -> socket:[inode]) against the kernel's TCP socket table
// (NETLINK_SOCK_DIAG with tcp_info): tcpi_bytes_acked is payload sent and acknowledged, tcpi_bytes_received
// payload received. Limits: TCP only (no UDP or Unix sockets); headers and retransmissions are not counted; bytes
// a socket moves after the last sample before it closes are missed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include "common/status.h"

namespace maestro::bench {

struct TcpBytes {
  uint64_t sent = 0;      // tcpi_bytes_acked
  uint64_t received = 0;  // tcpi_bytes_received
};

// RETURNS the inodes of the sockets the process holds open; NotFound when the process is gone.
Result<std::unordered_set<uint64_t>> SocketInodes(pid_t pid);

// RETURNS every IPv4 and IPv6 TCP socket's byte counts keyed by inode (inode 0, i.e. TIME_WAIT, is left out);
// Unavailable when sock_diag cannot be used.
Result<std::unordered_map<uint64_t, TcpBytes>> DumpTcpBytes();

}  // namespace maestro::bench
