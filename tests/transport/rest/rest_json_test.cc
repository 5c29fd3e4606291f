#include "transport/rest/rest_json.h"

#include <gtest/gtest.h>

namespace maestro::rest {
namespace {

TEST(RestJsonTest, GenerateRequestRoundTrips) {
  GenerationRequest request;
  request.prompt = "best stocks of 2024?";
  request.max_tokens = 64;
  request.top_k = 7;
  request.temperature = 0.25f;
  auto parsed = ParseGenerateRequest(GenerateRequestJson(request)).value();
  EXPECT_EQ(parsed.prompt, request.prompt);
  EXPECT_EQ(parsed.max_tokens, 64);
  EXPECT_EQ(parsed.top_k, 7);
  EXPECT_FLOAT_EQ(parsed.temperature, 0.25f);
}

// Found while writing the fuzz target: numbers that do not fit their field were converted anyway (undefined
// behaviour), and fields of the wrong type threw out of the handler. Each is now a typed 400.
TEST(RestJsonTest, NumbersThatDoNotFitTheirFieldAreRefused) {
  for (const char* body : {R"({"prompt":"p","max_tokens":1e300})", R"({"prompt":"p","max_tokens":2.5})",
                           R"({"prompt":"p","top_k":4294967296})", R"({"prompt":"p","temperature":1e300})",
                           R"({"prompt":"p","top_p":"high"})"}) {
    EXPECT_EQ(ParseGenerateRequest(body).status().code(), StatusCode::kInvalidArgument) << body;
  }
  EXPECT_EQ(ParseGenerateRequest(R"({"prompt":"p","max_tokens":32.0})").value().max_tokens, 32);
}

TEST(RestJsonTest, FieldsOfTheWrongTypeAreTypedErrorsNotExceptions) {
  EXPECT_EQ(ParseSynthesizeRequest(R"({"text":"hi","voice":3})").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseSynthesizeRequest(R"({"text":"hi","voice":"pt-br"})").value().voice, "pt-br");
  EXPECT_EQ(ParseSynthesizeRequest("[]").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseTranscribeReply(R"({"text":"t","confidence":"high"})").status().code(), StatusCode::kUpstreamError);
  EXPECT_EQ(ParseTranscribeReply(R"({"text":"t","language":7})").status().code(), StatusCode::kUpstreamError);
  EXPECT_EQ(ParseTranscribeReply(R"({"text":"t","confidence":2})").status().code(), StatusCode::kUpstreamError);
  EXPECT_DOUBLE_EQ(ParseTranscribeReply(R"({"text":"t","confidence":0.5})").value().confidence, 0.5);
  EXPECT_EQ(ParseGenerateReply(R"({"generated":"g","language":[]})").status().code(), StatusCode::kUpstreamError);
  EXPECT_EQ(ParseGenerateReply(R"({"generated":"g","sources":["a",1,"b"]})").value().sources,
            (std::vector<std::string>{"a", "b"}));
}

TEST(RestJsonTest, TextThatIsNotUtf8IsSentReplacedRatherThanThrowing) {
  SynthesisRequest request{std::string("caf\xe9", 4), ""};
  auto parsed = ParseSynthesizeRequest(SynthesizeRequestJson(request));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->text, "caf\xef\xbf\xbd");
}

TEST(RestJsonTest, StreamLinesRoundTrip) {
  auto piece = ParseStreamLine(StreamPieceLine("a \"quoted\" piece\n")).value();
  EXPECT_EQ(piece.kind, StreamLine::Kind::kPiece);
  EXPECT_EQ(piece.piece, "a \"quoted\" piece\n");
  auto done = ParseStreamLine(StreamDoneLine({"ignored", "pt-BR", {"prices", "glossary"}})).value();
  EXPECT_EQ(done.kind, StreamLine::Kind::kDone);
  EXPECT_EQ(done.generation.language, "pt-BR");
  EXPECT_EQ(done.generation.sources, (std::vector<std::string>{"prices", "glossary"}));
  auto error = ParseStreamLine(StreamErrorLine(Status(StatusCode::kOverloaded, "slow"))).value();
  EXPECT_EQ(error.kind, StreamLine::Kind::kError);
  EXPECT_EQ(error.error.code(), StatusCode::kOverloaded);
  EXPECT_EQ(error.error.message(), "slow");
  EXPECT_EQ(ParseStreamLine(R"({"error":"?","code":"no such code"})")->error.code(), StatusCode::kUpstreamError);
  for (const char* bad : {"", "[]", R"({"piece":1})", R"({"done":false})", R"({"error":3})", "{"}) {
    EXPECT_EQ(ParseStreamLine(bad).status().code(), StatusCode::kUpstreamError) << bad;
  }
}

}  // namespace
}  // namespace maestro::rest
