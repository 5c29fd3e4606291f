#include "net/server_loop.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "net/http_client.h"
#include "net/http_server.h"

namespace maestro::net {
namespace {

std::unique_ptr<HttpServer> Backend() {
  auto server = HttpServer::Start({}, [](HttpRequest&& request, const Respond& respond) {
    HttpResponse response{http::status::ok, 11};
    response.body() = request.body();
    respond(std::move(response));
  });
  EXPECT_TRUE(server.ok());
  return std::move(server).value();
}

// A front server whose handler calls the backend through `client` and answers "same" when the answer came back
// on the thread that handled the request, "other" when on another.
std::unique_ptr<HttpServer> Front(HttpClient& client, int threads) {
  auto server = HttpServer::Start({.threads = threads}, [&client](HttpRequest&& request, const Respond& respond) {
    const auto handler_thread = std::this_thread::get_id();
    EXPECT_NE(CurrentServerLoop(), nullptr);
    HttpRequest call{http::verb::post, "/echo", 11};
    call.body() = request.body();
    call.keep_alive(true);
    client.Send(std::move(call), Deadline::In(std::chrono::seconds(5)),
                [handler_thread, respond](const Result<HttpResponse>& answer) {
                  HttpResponse response{http::status::ok, 11};
                  response.body() = !answer.ok()                                   ? answer.status().ToString()
                                    : std::this_thread::get_id() == handler_thread ? "same"
                                                                                   : "other";
                  respond(std::move(response));
                });
  });
  EXPECT_TRUE(server.ok());
  return std::move(server).value();
}

// Asks the front server once, over a connection of its own (so each asker lands on the next loop).
std::string Ask(uint16_t port) {
  HttpClient asker("127.0.0.1", port, {.max_connections = 1});
  HttpRequest request{http::verb::post, "/ask", 11};
  request.body() = "question";
  auto response = asker.SendBlocking(std::move(request), Deadline::In(std::chrono::seconds(5)));
  return response.ok() ? response->body() : response.status().ToString();
}

TEST(ServerLoopTest, AThreadRunsNoServerLoopUnlessAServerMarksIt) {
  EXPECT_EQ(CurrentServerLoop(), nullptr);
}

TEST(ServerLoopTest, CallsMadeOnAServerLoopAreAnsweredOnIt) {
  auto backend = Backend();
  HttpClient client("127.0.0.1", backend->port(), {.run_on_caller_loop = true});
  auto front = Front(client, 1);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(Ask(front->port()), "same") << "ask " << i;
}

TEST(ServerLoopTest, WithoutTheOptionCallsRunOnTheClientsOwnThread) {
  auto backend = Backend();
  HttpClient client("127.0.0.1", backend->port());
  auto front = Front(client, 2);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Ask(front->port()), "other") << "ask " << i;
}

TEST(ServerLoopTest, AnIdleConnectionOnAnotherLoopIsUsedBeforeANewOneIsOpened) {
  auto backend = Backend();
  HttpClient client("127.0.0.1", backend->port(), {.run_on_caller_loop = true});
  auto front = Front(client, 2);
  // Successive askers land on alternate loops. The first opens a connection on loop 0; the second, on loop 1,
  // finds it idle and uses it there rather than opening another.
  for (int i = 0; i < 6; ++i) EXPECT_EQ(Ask(front->port()), i % 2 == 0 ? "same" : "other") << "ask " << i;
  EXPECT_EQ(client.open_connections(), 1);
}

TEST(ServerLoopTest, CallsFromOtherThreadsNeverRunOnAServerLoop) {
  auto backend = Backend();
  HttpClient client("127.0.0.1", backend->port(), {.max_connections = 1, .run_on_caller_loop = true});
  auto front = Front(client, 1);
  EXPECT_EQ(Ask(front->port()), "same");  // the one connection allowed is now idle on the front's loop
  std::promise<bool> on_a_loop;
  HttpRequest request{http::verb::post, "/echo", 11};
  request.body() = "off the loops";
  client.Send(std::move(request), Deadline::In(std::chrono::seconds(2)),
              [&on_a_loop](const Result<HttpResponse>& answer) {
                EXPECT_TRUE(answer.ok()) << answer.status().ToString();
                on_a_loop.set_value(CurrentServerLoop() != nullptr);
              });
  auto answered = on_a_loop.get_future();
  ASSERT_EQ(answered.wait_for(std::chrono::seconds(5)), std::future_status::ready) << "the call waited for a slot";
  EXPECT_FALSE(answered.get());
  EXPECT_EQ(client.open_connections(), 1);
}

TEST(ServerLoopTest, AStoppedServersConnectionsAreDroppedAndTheirSlotsFreed) {
  auto backend = Backend();
  HttpClient client("127.0.0.1", backend->port(), {.max_connections = 1, .run_on_caller_loop = true});
  auto front = Front(client, 2);
  EXPECT_EQ(Ask(front->port()), "same");
  EXPECT_EQ(client.open_connections(), 1);
  front->Shutdown(std::chrono::milliseconds(100));
  EXPECT_EQ(client.open_connections(), 0);
  front.reset();  // its loops are gone now
  HttpRequest request{http::verb::post, "/echo", 11};
  request.body() = "after";
  auto response = client.SendBlocking(std::move(request), Deadline::In(std::chrono::seconds(2)));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->body(), "after");
  auto again = Front(client, 1);
  EXPECT_EQ(Ask(again->port()), "other");  // the idle connection is the client's own now, and is used
}

TEST(ServerLoopTest, BlockingCallsFromAServerLoopUseTheClientsOwnLoop) {
  auto backend = Backend();
  HttpClient client("127.0.0.1", backend->port(), {.run_on_caller_loop = true});
  auto server = HttpServer::Start({.threads = 1}, [&client](HttpRequest&&, const Respond& respond) {
    HttpRequest call{http::verb::post, "/echo", 11};
    call.body() = "blocking";
    // Would deadlock if the call were queued on this very thread.
    auto answer = client.SendBlocking(std::move(call), Deadline::In(std::chrono::seconds(2)));
    HttpResponse response{http::status::ok, 11};
    response.body() = answer.ok() ? answer->body() : answer.status().ToString();
    respond(std::move(response));
  });
  ASSERT_TRUE(server.ok());
  EXPECT_EQ(Ask((*server)->port()), "blocking");
}

TEST(ServerLoopTest, StopHooksRunOnceAndLateOnesRunAtOnce) {
  boost::asio::io_context io;
  ServerLoop loop(io);
  int runs = 0;
  loop.OnStop([&runs] { ++runs; });
  loop.RunStopHooks();
  loop.RunStopHooks();
  EXPECT_EQ(runs, 1);
  loop.OnStop([&runs] { ++runs; });
  EXPECT_EQ(runs, 2);
}

}  // namespace
}  // namespace maestro::net
