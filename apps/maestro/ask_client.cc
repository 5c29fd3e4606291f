#include "apps/maestro/ask_client.h"

#include <boost/beast/core/detail/base64.hpp>
#include <nlohmann/json.hpp>

#include "common/http_url.h"
#include "net/http_client.h"
#include "net/multipart.h"
#include "net/tls_context.h"

namespace maestro::cli {

std::string AudioContentType(const std::string& filename) {
  auto dot = filename.rfind('.');
  std::string ext = dot == std::string::npos ? "" : filename.substr(dot + 1);
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == "flac") return "audio/flac";
  if (ext == "ogg" || ext == "oga" || ext == "opus") return "audio/ogg";
  if (ext == "mp3") return "audio/mpeg";
  return "audio/wav";
}

Result<AskReply> Ask(const std::string& url, const std::string& audio, const std::string& filename,
                     const std::string& question, std::chrono::milliseconds timeout, const tls::TlsOptions& tls) {
  auto parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return parsed.status();
  net::HttpClientOptions client_options{.max_connections = 1};
  if (parsed->https) {
    auto context = net::MakeTlsContext(tls, tls::TlsRole::kClient);
    if (!context.ok()) return context.status();
    client_options.tls = std::move(context).value();
  } else if (tls.enabled()) {
    return InvalidArgument("--tls-* flags need an https:// --url");
  }
  std::string base = parsed->target == "/" ? "" : parsed->target;
  while (!base.empty() && base.back() == '/') base.pop_back();
  net::HttpRequest request{net::http::verb::post, base + (question.empty() ? "/assist" : "/ask"), 11};
  request.set(net::http::field::accept, "application/json");
  if (question.empty()) {
    std::string content_type;
    request.body() = net::BuildMultipartFile("file", filename, AudioContentType(filename), audio, content_type);
    request.set(net::http::field::content_type, content_type);
  } else {
    request.set(net::http::field::content_type, "application/json");
    request.body() = nlohmann::json{{"question", question}}.dump();
  }
  net::HttpClient client(parsed->host, parsed->port, client_options);
  auto response = client.SendBlocking(std::move(request), Deadline::In(timeout));
  if (!response.ok()) return response.status();
  if (response->result_int() != 200) return net::StatusFromErrorResponse(*response);
  auto body = nlohmann::json::parse(response->body(), nullptr, false);
  if (!body.is_object()) return Status(StatusCode::kUpstreamError, "maestro's reply is not JSON");
  AskReply reply;
  reply.transcript = body.value("transcript", std::string());
  reply.answer = body.value("answer", std::string());
  reply.language = body.value("language", std::string());
  std::string encoded = body.value("audio_wav_base64", std::string());
  reply.wav.resize(boost::beast::detail::base64::decoded_size(encoded.size()));
  auto [written, read] = boost::beast::detail::base64::decode(reply.wav.data(), encoded.data(), encoded.size());
  reply.wav.resize(written);
  body.erase("audio_wav_base64");
  body["audio_wav_bytes"] = reply.wav.size();
  reply.raw_json = body.dump(2);
  return reply;
}

}  // namespace maestro::cli
