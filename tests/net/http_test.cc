#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "net/http_client.h"
#include "net/http_server.h"

namespace maestro::net {
namespace {

std::unique_ptr<HttpServer> EchoServer(HttpServerOptions options = {}) {
  auto server = HttpServer::Start(options, [](HttpRequest&& request, Respond respond) {
    // Answer from another thread, as engines do.
    std::thread([request = std::move(request), respond] {
      HttpResponse response{http::status::ok, 11};
      response.body() = request.body();
      respond(std::move(response));
    }).detach();
  });
  EXPECT_TRUE(server.ok());
  return std::move(server).value();
}

HttpRequest Post(std::string body) {
  HttpRequest request{http::verb::post, "/echo", 11};
  request.body() = std::move(body);
  request.keep_alive(true);
  return request;
}

// Sends raw bytes and returns whatever the server answers before closing (up to 2 s).
std::string RawExchange(uint16_t port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) return "connect failed";
  timeval timeout{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  shutdown(fd, SHUT_WR);
  std::string reply;
  char buffer[4096];
  ssize_t n;
  while ((n = recv(fd, buffer, sizeof(buffer), 0)) > 0) reply.append(buffer, static_cast<size_t>(n));
  close(fd);
  return reply;
}

TEST(HttpTest, KeepAliveRoundTripsReuseOneConnection) {
  auto server = EchoServer();
  HttpClient client("127.0.0.1", server->port(), {.max_connections = 1});
  for (int i = 0; i < 50; ++i) {
    auto response = client.SendBlocking(Post("hello " + std::to_string(i)), Deadline::In(std::chrono::seconds(5)));
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(response->body(), "hello " + std::to_string(i));
  }
}

TEST(HttpTest, ManyConcurrentCallsShareABoundedPool) {
  // Each connection carries one request at a time, so the requests the server holds at once bound the connections.
  std::atomic<int> active{0};
  std::atomic<int> most_active{0};
  auto server = HttpServer::Start({}, [&](HttpRequest&& request, Respond respond) {
    const int now = ++active;
    for (int seen = most_active.load(); now > seen && !most_active.compare_exchange_weak(seen, now);) {
    }
    std::thread([&active, request = std::move(request), respond] {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      HttpResponse response{http::status::ok, 11};
      response.body() = request.body();
      --active;
      respond(std::move(response));
    }).detach();
  });
  ASSERT_TRUE(server.ok());
  HttpClient client("127.0.0.1", (*server)->port(), {.max_connections = 8});
  const int calls = 300;
  std::vector<std::future<Result<HttpResponse>>> results;
  for (int i = 0; i < calls; ++i) {
    auto promise = std::make_shared<std::promise<Result<HttpResponse>>>();
    results.push_back(promise->get_future());
    client.Send(Post(std::string(1000, 'x')), Deadline::In(std::chrono::seconds(20)),
                [promise](Result<HttpResponse> r) { promise->set_value(std::move(r)); });
  }
  int ok = 0;
  for (auto& result : results) {
    ASSERT_EQ(result.wait_for(std::chrono::seconds(30)), std::future_status::ready) << "a call never completed";
    auto response = result.get();
    ok += response.ok() && response->body().size() == 1000;
  }
  EXPECT_EQ(ok, calls);
  EXPECT_LE(most_active.load(), 8) << "more requests at once than the pool has connections";
  EXPECT_GE(most_active.load(), 2) << "the calls did not overlap: the test shows nothing about the bound";
}

TEST(HttpTest, LargeBodiesRoundTrip) {
  auto server = EchoServer({.body_limit = 8u << 20});
  HttpClient client("127.0.0.1", server->port());
  std::string body(5u << 20, 'a');
  auto response = client.SendBlocking(Post(body), Deadline::In(std::chrono::seconds(10)));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->body().size(), body.size());
}

TEST(HttpTest, OversizedBodyGets413) {
  auto server = EchoServer({.body_limit = 1000});
  HttpClient client("127.0.0.1", server->port());
  auto response = client.SendBlocking(Post(std::string(5000, 'a')), Deadline::In(std::chrono::seconds(5)));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->result_int(), 413);
  EXPECT_EQ(StatusFromErrorResponse(*response).code(), StatusCode::kPayloadTooLarge);
}

TEST(HttpTest, GarbageAndTruncatedInputNeverKillTheServer) {
  auto server = EchoServer({.read_timeout = std::chrono::milliseconds(500)});
  EXPECT_NE(RawExchange(server->port(), "\x16\x03\x01garbage\r\n\r\n").find("400"), std::string::npos);
  RawExchange(server->port(), "POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nshort");
  RawExchange(server->port(), "GET / HTTP/1.1\r\nHost: x\r\n");
  RawExchange(server->port(), std::string(100000, 'A'));
  HttpClient client("127.0.0.1", server->port());
  auto response = client.SendBlocking(Post("still alive"), Deadline::In(std::chrono::seconds(5)));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->body(), "still alive");
}

TEST(HttpTest, UnreachableServerIsUnavailable) {
  uint16_t port;
  {
    auto server = EchoServer();
    port = server->port();
  }
  HttpClient client("127.0.0.1", port);
  auto response = client.SendBlocking(Post("x"), Deadline::In(std::chrono::seconds(5)));
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
}

TEST(HttpTest, SlowServerHitsTheDeadline) {
  auto server = HttpServer::Start({}, [](HttpRequest&&, Respond respond) {
    std::thread([respond] {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      respond(HttpResponse{http::status::ok, 11});
    }).detach();
  });
  ASSERT_TRUE(server.ok());
  HttpClient client("127.0.0.1", (*server)->port());
  auto started = std::chrono::steady_clock::now();
  auto response = client.SendBlocking(Post("x"), Deadline::In(std::chrono::milliseconds(50)));
  EXPECT_EQ(response.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(400));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
}

}  // namespace
}  // namespace maestro::net
