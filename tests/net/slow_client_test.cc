// Limits against slow and greedy clients: header and body timeouts with a minimum rate (slowloris), the cap on
// connections, and slots freed by clients that disappear mid-upload or mid-answer.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "net/http_client.h"
#include "net/http_server.h"

namespace maestro::net {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::unique_ptr<HttpServer> Server(HttpServerOptions options, milliseconds answer_after = milliseconds(0)) {
  auto server = HttpServer::Start(options, [answer_after](HttpRequest&& request, Respond respond) {
    std::thread([answer_after, size = request.body().size(), respond] {
      std::this_thread::sleep_for(answer_after);
      HttpResponse response{http::status::ok, 11};
      response.body() = std::to_string(size);
      respond(std::move(response));
    }).detach();
  });
  EXPECT_TRUE(server.ok());
  return std::move(server).value();
}

int Connect(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  return fd;
}

// RETURNS true when the server closed `fd` (EOF or reset) before `wait` passed; discards what it reads.
bool ClosedWithin(int fd, milliseconds wait) {
  const auto until = Clock::now() + wait;
  char buffer[4096];
  while (Clock::now() < until) {
    pollfd probe{fd, POLLIN, 0};
    if (poll(&probe, 1, 10) <= 0) continue;
    if (recv(fd, buffer, sizeof(buffer), 0) <= 0) return true;
  }
  return false;
}

// Sends `bytes` one piece every `every` until the server closes or `limit` passes. RETURNS the time it took.
milliseconds Trickle(int fd, const std::string& bytes, size_t piece, milliseconds every, milliseconds limit) {
  const auto started = Clock::now();
  for (size_t at = 0; Clock::now() - started < limit; at = (at + piece) % bytes.size()) {
    if (send(fd, bytes.data() + at, std::min(piece, bytes.size() - at), MSG_NOSIGNAL) <= 0) break;
    if (ClosedWithin(fd, every)) break;
  }
  return std::chrono::duration_cast<milliseconds>(Clock::now() - started);
}

int Status(HttpServer& server) {
  HttpClient client("127.0.0.1", server.port(), {.max_connections = 1});
  HttpRequest request{http::verb::post, "/", 11};
  request.body() = "hello";
  auto response = client.SendBlocking(std::move(request), Deadline::In(std::chrono::seconds(5)));
  return response.ok() ? response->result_int() : -1;
}

TEST(SlowClientTest, AHeaderTrickleIsCutAtTheHeaderTimeout) {
  auto server = Server({.read_timeout = milliseconds(400)});
  int fd = Connect(server->port());
  const auto took = Trickle(fd, "POST / HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1, milliseconds(20),
                            milliseconds(5000));
  close(fd);
  EXPECT_GE(took.count(), 350);
  EXPECT_LT(took.count(), 2000) << "a header sent a byte at a time held the connection";
}

TEST(SlowClientTest, ABodyBelowTheMinimumRateIsCutAndItsSlotFreed) {
  auto server = Server({.body_timeout = milliseconds(300), .min_body_rate = 20000, .max_inflight = 1, .max_queued = 0});
  int fd = Connect(server->port());
  const std::string header = "POST / HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n";
  send(fd, header.data(), header.size(), MSG_NOSIGNAL);
  // 100 bytes every 20 ms: bytes keep coming (never idle for body_timeout) at ~5 KB/s, a quarter of the minimum.
  const auto took = Trickle(fd, std::string(100, 'x'), 100, milliseconds(20), milliseconds(5000));
  close(fd);
  EXPECT_LT(took.count(), 2000) << "a body below the minimum rate held the connection";
  EXPECT_EQ(Status(*server), 200) << "the slow upload's slot was not freed";
}

TEST(SlowClientTest, ABodyThatStopsIsCutAtTheBodyTimeout) {
  auto server = Server({.body_timeout = milliseconds(300), .min_body_rate = 0});
  int fd = Connect(server->port());
  const std::string start = "POST / HTTP/1.1\r\nContent-Length: 1000\r\n\r\nabc";
  send(fd, start.data(), start.size(), MSG_NOSIGNAL);
  const auto started = Clock::now();
  EXPECT_TRUE(ClosedWithin(fd, milliseconds(3000)));
  EXPECT_GE(Clock::now() - started, milliseconds(250));
  close(fd);
}

TEST(SlowClientTest, AnUploadAtAFairRateIsNotCut) {
  auto server = Server({.body_timeout = milliseconds(200), .min_body_rate = 20000});
  int fd = Connect(server->port());
  const std::string header = "POST / HTTP/1.1\r\nContent-Length: 40000\r\n\r\n";
  send(fd, header.data(), header.size(), MSG_NOSIGNAL);
  // 4 KB every 50 ms: 80 KB/s, four times the minimum; the whole body takes ~0.5 s, longer than body_timeout.
  const std::string piece(4000, 'y');
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(send(fd, piece.data(), piece.size(), MSG_NOSIGNAL), 4000) << i;
    std::this_thread::sleep_for(milliseconds(50));
  }
  std::string reply;
  char buffer[1024];
  timeval timeout{3, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
  if (n > 0) reply.assign(buffer, static_cast<size_t>(n));
  close(fd);
  EXPECT_NE(reply.find("200 OK"), std::string::npos) << reply;
  EXPECT_NE(reply.find("40000"), std::string::npos) << reply;
}

TEST(SlowClientTest, ConnectionsBeyondTheCapAreClosedAtOnce) {
  auto server = Server({.max_connections = 2});
  int first = Connect(server->port()), second = Connect(server->port());
  std::this_thread::sleep_for(milliseconds(100));
  int third = Connect(server->port());
  EXPECT_TRUE(ClosedWithin(third, milliseconds(1000))) << "a third connection was kept open";
  EXPECT_FALSE(ClosedWithin(first, milliseconds(50)));
  close(third);
  close(first);
  close(second);
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(Status(*server), 200);
}

TEST(SlowClientTest, AClientThatLeavesMidUploadFreesItsSlot) {
  auto server = Server({.max_inflight = 1, .max_queued = 0});
  int fd = Connect(server->port());
  const std::string partial = "POST / HTTP/1.1\r\nContent-Length: 100000\r\n\r\n" + std::string(5000, 'z');
  send(fd, partial.data(), partial.size(), MSG_NOSIGNAL);
  std::this_thread::sleep_for(milliseconds(100));
  close(fd);
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(Status(*server), 200) << "the abandoned upload still holds the only slot";
}

TEST(SlowClientTest, AClientThatLeavesMidAnswerFreesItsSlot) {
  auto server = Server({.max_inflight = 1, .max_queued = 0}, milliseconds(300));
  int fd = Connect(server->port());
  const std::string request = "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
  send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::this_thread::sleep_for(milliseconds(50));
  close(fd);
  // The handler answers into a closed socket at 300 ms; the slot must be free after that.
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(Status(*server), 200) << "the abandoned answer still holds the only slot";
}

}  // namespace
}  // namespace maestro::net
