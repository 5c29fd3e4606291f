#include "models/model_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "tests/models/fake_index.h"
#include "tests/support/test_support.h"

namespace maestro::models {
namespace {

using maestro::testing::TempDir;
using maestro::testing::WriteFile;

ModelSpec Spec(const std::string& content) {
  ModelSpec spec;
  spec.name = "tiny";
  spec.file = "tiny.gguf";
  spec.size = content.size();
  spec.sha256 = testing::Sha256Hex(content);
  return spec;
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old, had_ = true;
    value ? setenv(name, value, 1) : unsetenv(name);
  }
  ~ScopedEnv() { had_ ? setenv(name_, old_.c_str(), 1) : unsetenv(name_); }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

TEST(ModelStoreTest, DefaultDirFollowsMaestroThenXdgThenHome) {
  ScopedEnv home("HOME", "/home/u");
  {
    ScopedEnv dir("MAESTRO_MODELS_DIR", "/m");
    ScopedEnv xdg("XDG_CACHE_HOME", "/x");
    EXPECT_EQ(ModelStore::DefaultDir(), "/m");
  }
  {
    ScopedEnv dir("MAESTRO_MODELS_DIR", nullptr);
    ScopedEnv xdg("XDG_CACHE_HOME", "/x");
    EXPECT_EQ(ModelStore::DefaultDir(), "/x/maestro/models");
  }
  ScopedEnv dir("MAESTRO_MODELS_DIR", nullptr);
  ScopedEnv xdg("XDG_CACHE_HOME", nullptr);
  EXPECT_EQ(ModelStore::DefaultDir(), "/home/u/.cache/maestro/models");
}

TEST(ModelStoreTest, PathOfAMissingModelSaysWhereItLookedAndHowToFetchIt) {
  TempDir dir;
  ModelStore store(dir.path().string());
  ModelSpec spec = Spec("abc");
  auto path = store.Path(spec);
  EXPECT_EQ(path.status().code(), StatusCode::kNotFound);
  EXPECT_NE(path.status().message().find((dir.path() / "tiny.gguf").string()), std::string::npos);
  EXPECT_NE(path.status().message().find("maestro models fetch tiny"), std::string::npos);
  EXPECT_FALSE(store.IsInstalled(spec));

  WriteFile(dir.path() / "tiny.gguf", "ab");  // truncated
  EXPECT_EQ(store.Path(spec).status().code(), StatusCode::kNotFound);
  EXPECT_NE(store.Path(spec).status().message().find("has 2 bytes, not 3"), std::string::npos);

  WriteFile(dir.path() / "tiny.gguf", "abc");
  ASSERT_TRUE(store.Path(spec).ok());
  EXPECT_EQ(store.Path(spec).value(), (dir.path() / "tiny.gguf").string());
  EXPECT_TRUE(store.Verify(spec).ok());
}

TEST(ModelStoreTest, VerifyCatchesCorruptionOfTheSameSize) {
  TempDir dir;
  ModelStore store(dir.path().string());
  ModelSpec spec = Spec("abc");
  WriteFile(dir.path() / "tiny.gguf", "abd");
  Status status = store.Verify(spec);
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_NE(status.message().find("is corrupt"), std::string::npos);
  EXPECT_NE(status.message().find(spec.sha256), std::string::npos);
}

TEST(ModelStoreTest, ResolveModelTakesPathsOrCatalogNames) {
  TempDir dir;
  WriteFile(dir.path() / "tiny.gguf", "abc");
  auto catalog = Catalog::Parse(R"({"models": [{"name": "tiny", "role": "llm", "languages": ["en"],
    "licence": "MIT", "file": "tiny.gguf", "size": 3,
    "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "sources": [{"url": "https://example.invalid/tiny.gguf"}]}]})");
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  ModelStore store(dir.path().string());
  EXPECT_EQ(ResolveModel("tiny", *catalog, store).value(), (dir.path() / "tiny.gguf").string());
  std::string explicit_path = (dir.path() / "tiny.gguf").string();
  EXPECT_EQ(ResolveModel(explicit_path, *catalog, store).value(), explicit_path);
  EXPECT_EQ(ResolveModel("/no/such.gguf", *catalog, store).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ResolveModel("huge", *catalog, store).status().code(), StatusCode::kNotFound);

  // What engines call: the catalog and store the environment names.
  WriteFile(dir.path() / "catalog.json", R"({"models": [{"name": "tiny", "role": "llm", "languages": ["en"],
    "licence": "MIT", "file": "tiny.gguf", "size": 3,
    "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "sources": [{"url": "https://example.invalid/tiny.gguf"}]}]})");
  ScopedEnv catalog_env("MAESTRO_MODELS_CATALOG", (dir.path() / "catalog.json").c_str());
  ScopedEnv store_env("MAESTRO_MODELS_DIR", dir.path().c_str());
  EXPECT_EQ(ResolveModel("tiny").value(), (dir.path() / "tiny.gguf").string());
  EXPECT_EQ(ResolveModel(explicit_path).value(), explicit_path);
  ScopedEnv empty_store("MAESTRO_MODELS_DIR", (dir.path() / "empty").c_str());
  EXPECT_NE(ResolveModel("tiny").status().message().find("maestro models fetch tiny"), std::string::npos);
}

}  // namespace
}  // namespace maestro::models
