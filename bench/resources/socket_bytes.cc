#include "bench/resources/socket_bytes.h"

#include <dirent.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

namespace maestro::bench {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Status DumpFamily(int family, std::unordered_map<uint64_t, TcpBytes>& out) {
  Fd sock(socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
  if (sock.get() < 0) return Unavailable(std::string("sock_diag socket: ") + std::strerror(errno));

  struct {
    nlmsghdr header;
    inet_diag_req_v2 request;
  } message{};
  message.header.nlmsg_len = sizeof(message);
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  message.header.nlmsg_seq = 1;
  message.request.sdiag_family = static_cast<uint8_t>(family);
  message.request.sdiag_protocol = IPPROTO_TCP;
  message.request.idiag_states = ~0u;
  message.request.idiag_ext = 1 << (INET_DIAG_INFO - 1);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(sock.get(), &message, sizeof(message), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) < 0) {
    return Unavailable(std::string("sock_diag send: ") + std::strerror(errno));
  }

  std::vector<char> buffer(64 * 1024);
  for (;;) {
    const ssize_t n = recv(sock.get(), buffer.data(), buffer.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unavailable(std::string("sock_diag recv: ") + std::strerror(errno));
    }
    if (n == 0) return Status::Ok();
    int remaining = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buffer.data()); NLMSG_OK(h, remaining); h = NLMSG_NEXT(h, remaining)) {
      if (h->nlmsg_type == NLMSG_DONE) return Status::Ok();
      if (h->nlmsg_type == NLMSG_ERROR) return Unavailable("sock_diag: the kernel answered with an error");
      const auto* diag = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
      if (diag->idiag_inode == 0) continue;
      int attr_len = static_cast<int>(h->nlmsg_len - NLMSG_LENGTH(sizeof(*diag)));
      for (auto* attr = reinterpret_cast<const rtattr*>(diag + 1); RTA_OK(attr, attr_len);
           attr = RTA_NEXT(attr, attr_len)) {
        if (attr->rta_type != INET_DIAG_INFO) continue;
        // Older kernels send a shorter tcp_info; only use the counters when they are present.
        const size_t payload = RTA_PAYLOAD(attr);
        if (payload < offsetof(tcp_info, tcpi_bytes_received) + sizeof(uint64_t)) continue;
        tcp_info info{};
        std::memcpy(&info, RTA_DATA(attr), std::min(payload, sizeof(info)));
        out[diag->idiag_inode] = TcpBytes{info.tcpi_bytes_acked, info.tcpi_bytes_received};
      }
    }
  }
}

}  // namespace

Result<std::unordered_set<uint64_t>> SocketInodes(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* fds = opendir(dir.c_str());
  if (fds == nullptr) return Status(StatusCode::kNotFound, "cannot list " + dir + ": " + std::strerror(errno));
  std::unordered_set<uint64_t> inodes;
  char target[64];
  while (dirent* entry = readdir(fds)) {
    if (entry->d_name[0] == '.') continue;
    const std::string link = dir + "/" + entry->d_name;
    const ssize_t n = readlink(link.c_str(), target, sizeof(target) - 1);
    if (n <= 0) continue;
    target[n] = '\0';
    unsigned long long inode = 0;
    if (std::sscanf(target, "socket:[%llu]", &inode) == 1) inodes.insert(inode);
  }
  closedir(fds);
  return inodes;
}

Result<std::unordered_map<uint64_t, TcpBytes>> DumpTcpBytes() {
  std::unordered_map<uint64_t, TcpBytes> out;
  for (int family : {AF_INET, AF_INET6}) {
    if (Status s = DumpFamily(family, out); !s.ok()) return s;
  }
  return out;
}

}  // namespace maestro::bench
