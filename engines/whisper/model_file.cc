#include "engines/whisper/model_file.h"

#include <ggml.h>

#include <cstdint>
#include <fstream>

namespace maestro::whisper {
namespace {

constexpr uint32_t kGgmlMagic = 0x67676d6c;
constexpr int kHeaderInts = 11;  // n_vocab .. ftype
constexpr int32_t kMaxDimension = 1 << 24;
constexpr int32_t kMaxVocabulary = 1 << 20;
constexpr int32_t kMaxNameLength = 1024;

class Reader {
 public:
  explicit Reader(const std::string& path) : in_(path, std::ios::binary) {}
  bool open() const { return static_cast<bool>(in_); }
  bool Int(int32_t& value) { return Bytes(&value, sizeof value); }
  bool Bytes(void* data, size_t size) {
    in_.read(static_cast<char*>(data), static_cast<std::streamsize>(size));
    return static_cast<size_t>(in_.gcount()) == size;
  }
  bool Skip(uint64_t size) {
    const auto here = in_.tellg();
    in_.seekg(static_cast<std::streamoff>(size), std::ios::cur);
    return static_cast<bool>(in_) && static_cast<uint64_t>(in_.tellg() - here) == size && in_.tellg() <= end_;
  }
  bool AtEnd() { return in_.peek() == std::char_traits<char>::eof(); }
  void MeasureEnd() {
    const auto here = in_.tellg();
    in_.seekg(0, std::ios::end);
    end_ = in_.tellg();
    in_.seekg(here);
  }

 private:
  std::ifstream in_;
  std::streampos end_;
};

Status Bad(const std::string& path, const std::string& what) {
  return InvalidArgument("whisper: " + path + " is not a usable whisper.cpp model: " + what);
}

}  // namespace

Status CheckModelFile(const std::string& path) {
  Reader reader(path);
  if (!reader.open()) return Bad(path, "it cannot be read");
  reader.MeasureEnd();
  uint32_t magic = 0;
  if (!reader.Bytes(&magic, sizeof magic) || magic != kGgmlMagic) return Bad(path, "no ggml magic");
  int32_t header[kHeaderInts];
  if (!reader.Bytes(header, sizeof header)) return Bad(path, "truncated header");
  int32_t n_mel = 0, n_fft = 0;
  if (!reader.Int(n_mel) || !reader.Int(n_fft) || n_mel <= 0 || n_fft <= 0 || n_mel > 512 || n_fft > 4096 ||
      !reader.Skip(static_cast<uint64_t>(n_mel) * static_cast<uint64_t>(n_fft) * sizeof(float))) {
    return Bad(path, "truncated mel filters");
  }
  int32_t n_vocab = 0;
  if (!reader.Int(n_vocab) || n_vocab <= 0 || n_vocab > kMaxVocabulary) return Bad(path, "bad vocabulary size");
  for (int32_t i = 0; i < n_vocab; ++i) {
    int32_t length = 0;
    if (!reader.Int(length) || length < 0 || length > kMaxNameLength || !reader.Skip(static_cast<uint64_t>(length))) {
      return Bad(path, "truncated vocabulary");
    }
  }
  int tensors = 0;
  while (!reader.AtEnd()) {
    int32_t n_dims = 0, name_length = 0, type = 0;
    if (!reader.Int(n_dims) || !reader.Int(name_length) || !reader.Int(type)) return Bad(path, "truncated tensor");
    if (n_dims < 1 || n_dims > 4 || name_length <= 0 || name_length > kMaxNameLength || type < 0 ||
        type >= GGML_TYPE_COUNT || ggml_type_size(static_cast<ggml_type>(type)) == 0) {
      return Bad(path, "malformed tensor record " + std::to_string(tensors));
    }
    uint64_t elements = 1;
    for (int32_t d = 0; d < n_dims; ++d) {
      int32_t dimension = 0;
      if (!reader.Int(dimension) || dimension <= 0 || dimension > kMaxDimension) return Bad(path, "bad tensor shape");
      elements *= static_cast<uint64_t>(dimension);
    }
    const auto block = static_cast<uint64_t>(ggml_blck_size(static_cast<ggml_type>(type)));
    const uint64_t bytes = elements / block * ggml_type_size(static_cast<ggml_type>(type));
    if (!reader.Skip(static_cast<uint64_t>(name_length)) || !reader.Skip(bytes)) {
      return Bad(path, "truncated after " + std::to_string(tensors) + " tensors");
    }
    ++tensors;
  }
  if (tensors == 0) return Bad(path, "no tensors");
  return Status();
}

}  // namespace maestro::whisper
