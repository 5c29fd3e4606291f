// GET /ws: a live conversation over one WebSocket. The browser sends 16 kHz mono 16-bit PCM as binary messages
// and JSON commands as text; WebRTC's voice detector finds the end of each question, which goes through the
// streaming pipeline; the answer comes back as JSON events, each sentence's speech as a binary WAV message
// announced by an "audio" event. A question that starts while an answer plays cancels that answer (barge-in).
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/beast/websocket.hpp>

#include "audio/wav.h"
#include "common/text.h"
#include "net/outbox.h"
#include "net/websocket_teardown.h"
#include "orchestrator/assist_server.h"
#include "orchestrator/stream_events.h"
#include "orchestrator/stream_routes.h"

namespace maestro {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = net::http;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

struct OutMessage {
  enum Kind { kText, kBinary, kClose } kind = kText;
  std::string data;  // the message, or the close reason
  websocket::close_code code = websocket::close_code::normal;
};

// Questions shorter than this are a cough or a click, not speech worth an answer.
constexpr size_t kMinUtteranceSamples = audio::kVadSampleRate / 5;

class VoiceSession : public std::enable_shared_from_this<VoiceSession> {
 public:
  VoiceSession(StreamingPipeline& pipeline, const StreamRoutesOptions& options, net::ConnectionStream stream,
               std::shared_ptr<net::ConnectionContext> context, std::unique_ptr<audio::VoiceDetector> detector)
      : pipeline_(pipeline),
        options_(options),
        ws_(std::move(stream)),
        context_(std::move(context)),
        executor_(ws_.get_executor()),
        outbox_(executor_),
        detector_(std::move(detector), options.utterance) {}

  asio::awaitable<void> Run(net::HttpRequest request) {
    websocket::stream_base::timeout timeouts{std::chrono::seconds(10), options_.idle_timeout + std::chrono::seconds(5),
                                             false};
    ws_.set_option(timeouts);
    ws_.read_message_max(options_.max_frame_bytes);
    boost::system::error_code ec;
    co_await ws_.async_accept(request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    auto self = shared_from_this();
    asio::co_spawn(
        executor_, [self]() { return self->WriteLoop(); }, asio::detached);
    asio::co_spawn(
        executor_, [self]() { return self->Watchdog(); }, asio::detached);
    Send({{"type", "ready"},
          {"protocol", options_.protocol},
          {"sample_rate", audio::kVadSampleRate},
          {"vad", "webrtc"},
          {"end_silence_ms", options_.utterance.end_silence.count()},
          {"limits",
           {{"max_frame_bytes", options_.max_frame_bytes},
            {"idle_timeout_ms", options_.idle_timeout.count()},
            {"max_session_ms", options_.max_session.count()},
            {"max_utterance_ms", options_.utterance.max_utterance.count()}}}});
    beast::flat_buffer buffer;
    for (;;) {
      co_await ws_.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      last_heard_ = Clock::now();
      const std::string_view message(static_cast<const char*>(buffer.data().data()), buffer.size());
      if (ws_.got_text()) {
        OnCommand(message);
      } else {
        OnAudio(message);
      }
      buffer.consume(buffer.size());
    }
    if (ec == websocket::error::message_too_big) spdlog::info("websocket closed: message above the frame limit");
    closed_ = true;
    if (call_) call_->Cancel();
    outbox_.Close();
  }

 private:
  asio::awaitable<void> WriteLoop() {
    auto self = shared_from_this();  // the read loop may end first
    boost::system::error_code ec;
    while (auto message = co_await outbox_.Next()) {
      outbox_bytes_ -= message->data.size();
      if (message->kind == OutMessage::kClose) {
        co_await ws_.async_close(websocket::close_reason(message->code, message->data),
                                 asio::redirect_error(asio::use_awaitable, ec));
        break;
      }
      ws_.binary(message->kind == OutMessage::kBinary);
      co_await ws_.async_write(asio::buffer(message->data), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
    outbox_.Close();
    if (ec) beast::get_lowest_layer(ws_).close();
  }

  // Enforces the session's length and idle limits and ends it when the server shuts down.
  asio::awaitable<void> Watchdog() {
    auto self = shared_from_this();
    asio::steady_timer tick(executor_);
    while (!closed_) {
      tick.expires_after(std::chrono::milliseconds(250));
      boost::system::error_code ec;
      co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (closed_) break;
      const auto now = Clock::now();
      if (context_->shutting_down()) {
        CloseWith(websocket::close_code::going_away, Status(StatusCode::kUnavailable, "the server is shutting down"));
      } else if (now - started_ > options_.max_session) {
        CloseWith(websocket::close_code::policy_error,
                  Status(StatusCode::kPayloadTooLarge, "the session reached its length limit"));
      } else if (now - last_heard_ > options_.idle_timeout) {
        CloseWith(websocket::close_code::policy_error,
                  Status(StatusCode::kDeadlineExceeded, "the session was idle too long"));
      } else {
        continue;
      }
      // A client that does not read its close frame loses the connection a little later.
      tick.expires_after(std::chrono::seconds(2));
      co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (!closed_) beast::get_lowest_layer(ws_).close();
      break;
    }
  }

  void Push(OutMessage message) {
    outbox_bytes_ += message.data.size();
    if (outbox_bytes_ > options_.max_outbox_bytes) {
      spdlog::info("websocket closed: the client reads its answers too slowly");
      closed_ = true;
      beast::get_lowest_layer(ws_).close();
      return;
    }
    outbox_.Push(std::move(message));
  }
  void Send(const json& event) { Push({OutMessage::kText, event.dump()}); }
  void CloseWith(websocket::close_code code, const Status& why) {
    Send(ErrorEvent(0, why));
    Push({OutMessage::kClose, why.message(), code});
  }

  void OnCommand(std::string_view text) {
    auto command = json::parse(text, nullptr, false);
    if (!command.is_object() || !command.contains("type") || !command["type"].is_string()) {
      return Send(ErrorEvent(0, InvalidArgument("send JSON commands {\"type\": ...} or binary PCM")));
    }
    const std::string type = command["type"];
    if (type == "config") {
      if (command.contains("language") && command["language"].is_string()) language_ = command["language"];
    } else if (type == "stop") {
      if (detector_.EndNow()) StartTurn(detector_.TakeUtterance());
    } else if (type == "cancel") {
      if (call_) call_->Cancel();
    } else if (type == "ask" && command.contains("text") && command["text"].is_string()) {
      BeginTurn();
      Send({{"type", "utterance"}, {"turn", turn_}, {"text", command["text"]}});
      call_ = pipeline_.AssistText(command["text"], Deadline::In(options_.timeout), ListenerFor(turn_), language_);
    } else {
      Send(ErrorEvent(0, InvalidArgument("unknown command '" + type + "'")));
    }
  }

  void OnAudio(std::string_view bytes) {
    if (bytes.size() % 2 != 0) {
      return Send(ErrorEvent(0, InvalidArgument("PCM messages carry 16-bit samples: an even number of bytes")));
    }
    std::vector<int16_t> samples(bytes.size() / 2);
    std::memcpy(samples.data(), bytes.data(), bytes.size());  // little-endian on every target
    for (auto event : detector_.Push(samples)) {
      if (event == audio::UtteranceDetector::Event::kSpeechStarted) {
        const bool barge_in = answering_;
        if (barge_in && call_) call_->Cancel();
        answering_ = false;
        partial_heard_ = 0;
        Send({{"type", "speech"}, {"state", "started"}, {"barge_in", barge_in}});
      } else {
        Send({{"type", "speech"}, {"state", "ended"}});
        StartTurn(detector_.TakeUtterance());
      }
    }
    MaybeTranscribePartial();
  }

  // Transcribes what was heard of the question being spoken after each `partial_every` of new speech, one call
  // at a time, so the page shows the words as they come. A partial that arrives once its question has become a
  // turn is dropped: the final transcript is on its way. A failed partial is only logged; the final reports.
  void MaybeTranscribePartial() {
    if (options_.partial_every.count() <= 0 || partial_in_flight_ || !detector_.in_speech()) return;
    const auto heard = detector_.heard();
    const auto every = static_cast<size_t>(options_.partial_every.count()) * audio::kVadSampleRate / 1000;
    if (heard.size() < partial_heard_ + every) return;
    partial_heard_ = heard.size();
    partial_in_flight_ = true;
    const int turn = turn_ + 1;  // the turn this question becomes when it ends
    AudioClip clip{audio::EncodeWav(heard, audio::kVadSampleRate), "partial.wav", "audio/wav"};
    pipeline_.TranscribePartial(std::move(clip), Deadline::In(options_.timeout),
                                [post = PosterOnLoop(), turn](Result<Transcript> t) {
                                  post([turn, t = std::move(t)](VoiceSession& s) {
                                    s.partial_in_flight_ = false;
                                    if (!t.ok()) spdlog::debug("partial transcript failed: {}", t.status().ToString());
                                    if (s.closed_ || s.turn_ >= turn || !t.ok() || IsBlank(t->text)) return;
                                    s.Send(TranscriptEvent(turn, t.value(), false));
                                  });
                                });
  }

  void BeginTurn() {
    if (call_) call_->Cancel();
    ++turn_;
    answering_ = true;
  }

  void StartTurn(std::vector<int16_t> samples) {
    if (samples.size() < kMinUtteranceSamples) return Send({{"type", "speech"}, {"state", "discarded"}});
    BeginTurn();
    Send({{"type", "utterance"},
          {"turn", turn_},
          {"seconds", static_cast<double>(samples.size()) / audio::kVadSampleRate}});
    AudioClip clip{audio::EncodeWav(samples, audio::kVadSampleRate), "speech.wav", "audio/wav"};
    call_ = pipeline_.Assist(std::move(clip), Deadline::In(options_.timeout), ListenerFor(turn_));
  }

  // RETURNS a function that runs work on the session's loop, from any thread. It holds the session weakly: only
  // the session's coroutines own it, so an engine thread never destroys it after the server's event loop is gone,
  // and work that arrives after the session ended is dropped.
  std::function<void(std::function<void(VoiceSession&)>)> PosterOnLoop() {
    return [weak = weak_from_this(), context = context_, executor = executor_](auto work) {
      context->Post(executor, [weak, work = std::move(work)] {
        if (auto session = weak.lock()) work(*session);
      });
    };
  }

  // Carries the pipeline's callbacks (engine threads) onto the session's loop; a cancelled turn's pieces and
  // speech are dropped there, its end is still reported.
  StreamListener ListenerFor(int turn) {
    auto post = [post_on_loop = PosterOnLoop()](std::function<void(VoiceSession&)> work) {
      post_on_loop([work = std::move(work)](VoiceSession& s) {
        if (!s.closed_) work(s);
      });
    };
    return {[post, turn](const Transcript& t) {
              post([event = TranscriptEvent(turn, t, true), turn](VoiceSession& s) {
                if (s.turn_ == turn) s.Send(event);
              });
            },
            [post, turn](std::string_view piece) {
              post([event = TokenEvent(turn, piece), turn](VoiceSession& s) {
                if (s.turn_ == turn && s.answering_) s.Send(event);
              });
            },
            [post, turn](const SpeechChunk& chunk) {
              post([event = AudioEvent(turn, chunk, false), wav = chunk.wav, turn](VoiceSession& s) mutable {
                if (s.turn_ != turn || !s.answering_) return;
                s.Send(event);
                s.Push({OutMessage::kBinary, std::move(wav)});
              });
            },
            [post, turn](Result<StreamOutcome> outcome) {
              post([outcome = std::move(outcome), turn](VoiceSession& s) {
                if (s.turn_ == turn) s.answering_ = false;
                if (outcome.ok()) {
                  s.Send(DoneEvent(turn, outcome.value(), s.options_.protocol));
                } else {
                  s.Send(ErrorEvent(turn, ClientFacingStatus(outcome.status())));
                }
              });
            }};
  }

  StreamingPipeline& pipeline_;
  const StreamRoutesOptions& options_;
  websocket::stream<net::ConnectionStream> ws_;
  std::shared_ptr<net::ConnectionContext> context_;
  asio::any_io_executor executor_;
  // Everything below is touched only on executor_.
  net::Outbox<OutMessage> outbox_;
  size_t outbox_bytes_ = 0;
  audio::UtteranceDetector detector_;
  std::shared_ptr<StreamHandle> call_;
  int turn_ = 0;
  bool answering_ = false;
  size_t partial_heard_ = 0;  // samples of the current question the last partial transcript covered
  bool partial_in_flight_ = false;
  bool closed_ = false;
  std::string language_;
  const Clock::time_point started_ = Clock::now();
  Clock::time_point last_heard_ = Clock::now();
};

asio::awaitable<void> Refuse(net::ConnectionStream& stream, const Status& status, unsigned version) {
  net::HttpResponse response = net::ErrorResponse(status, version, false);
  response.prepare_payload();
  boost::system::error_code ec;
  co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
}

}  // namespace

asio::awaitable<void> StreamRoutes::ServeWebSocket(net::HttpRequest request, net::ConnectionStream stream,
                                                   std::shared_ptr<net::ConnectionContext> context) {
  if (!websocket::is_upgrade(request)) {
    co_await Refuse(stream, InvalidArgument("/ws takes a WebSocket upgrade"), request.version());
    co_return;
  }
  if (sessions_.fetch_add(1) >= options_.max_sessions) {
    sessions_--;
    co_await Refuse(stream, Status(StatusCode::kOverloaded, "too many voice sessions"), request.version());
    co_return;
  }
  auto started = session_metrics_.Start();
  auto detector = audio::VoiceDetector::Create();
  if (!detector.ok()) {
    sessions_--;
    session_metrics_.Finish(started, detector.status().code());
    co_await Refuse(stream, detector.status(), request.version());
    co_return;
  }
  auto session = std::make_shared<VoiceSession>(pipeline_, options_, std::move(stream), std::move(context),
                                                std::move(detector).value());
  co_await session->Run(std::move(request));
  sessions_--;
  session_metrics_.Finish(started, StatusCode::kOk);
}

}  // namespace maestro
