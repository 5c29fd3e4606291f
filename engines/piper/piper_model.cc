#include "engines/piper/piper_model.h"

// ONNX Runtime is loaded when the first Piper voice is, not linked: the one `maestro` binary runs every service,
// and only a process that speaks with Piper should map its 28 MB.
#define ORT_API_MANUAL_INIT
#include <dlfcn.h>
#include <onnxruntime_cxx_api.h>

#include <array>
#include <cstdlib>

namespace maestro::piper {
namespace {

std::string LibraryPath() {
  const char* dir = std::getenv("MAESTRO_ONNXRUNTIME_DIR");
  return std::string(dir != nullptr && *dir != '\0' ? dir : MAESTRO_ONNXRUNTIME_LIB_DIR) + "/libonnxruntime.so.1";
}

// Loads ONNX Runtime once per process and hands its API table to the C++ wrapper. RETURNS kUnavailable naming
// the library when it cannot be loaded or is older than the headers Maestro was built with.
Status EnsureOnnxRuntime() {
  static const Status loaded = [] {
    const std::string path = LibraryPath();
    void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
      return Unavailable("piper: cannot load ONNX Runtime (" + std::string(dlerror()) +
                         "); set MAESTRO_ONNXRUNTIME_DIR to the folder of libonnxruntime.so.1");
    }
    using GetApiBase = const OrtApiBase* (*)();
    auto* get_api_base = reinterpret_cast<GetApiBase>(dlsym(library, "OrtGetApiBase"));
    const OrtApi* api = get_api_base != nullptr ? get_api_base()->GetApi(ORT_API_VERSION) : nullptr;
    if (api == nullptr) {
      return Unavailable("piper: " + path + " does not offer ONNX Runtime's API version " +
                         std::to_string(ORT_API_VERSION));
    }
    Ort::InitApi(api);
    return Status();
  }();
  return loaded;
}

// ONNX Runtime keeps one environment (its logging and thread registry) per process.
Ort::Env& Environment() {
  static auto* env = new Ort::Env(ORT_LOGGING_LEVEL_ERROR, "maestro-piper");
  return *env;
}

class OrtPiperModel final : public PiperModel {
 public:
  explicit OrtPiperModel(Ort::Session session)
      : session_(std::move(session)),
        multi_speaker_(session_.GetInputCount() > 3),
        memory_(Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault)) {}

  Result<std::vector<float>> Infer(const std::vector<int64_t>& ids, const Scales& scales, int speaker) override {
    try {
      return Run(ids, scales, speaker);
    } catch (const Ort::Exception& e) {
      return Internal(std::string("piper: the voice network failed: ") + e.what());
    }
  }

 private:
  Result<std::vector<float>> Run(std::vector<int64_t> ids, const Scales& scales, int speaker) {
    const std::array<int64_t, 2> ids_shape{1, static_cast<int64_t>(ids.size())};
    std::array<int64_t, 1> length{static_cast<int64_t>(ids.size())};
    std::array<float, 3> scale_values{scales.noise, scales.length, scales.noise_w};
    std::array<int64_t, 1> speaker_id{speaker};
    const std::array<int64_t, 1> one{1};
    const std::array<int64_t, 1> three{3};
    std::vector<Ort::Value> inputs;
    inputs.push_back(Ort::Value::CreateTensor<int64_t>(memory_, ids.data(), ids.size(), ids_shape.data(), 2));
    inputs.push_back(Ort::Value::CreateTensor<int64_t>(memory_, length.data(), 1, one.data(), 1));
    inputs.push_back(Ort::Value::CreateTensor<float>(memory_, scale_values.data(), 3, three.data(), 1));
    if (multi_speaker_) {
      inputs.push_back(Ort::Value::CreateTensor<int64_t>(memory_, speaker_id.data(), 1, one.data(), 1));
    }
    static constexpr std::array<const char*, 4> kInputNames{"input", "input_lengths", "scales", "sid"};
    static constexpr std::array<const char*, 1> kOutputNames{"output"};
    auto outputs = session_.Run(Ort::RunOptions{nullptr}, kInputNames.data(), inputs.data(), inputs.size(),
                                kOutputNames.data(), 1);
    if (outputs.size() != 1 || !outputs[0].IsTensor()) return Internal("piper: the voice network gave no audio");
    const float* samples = outputs[0].GetTensorData<float>();
    return std::vector<float>(samples, samples + outputs[0].GetTensorTypeAndShapeInfo().GetElementCount());
  }

  Ort::Session session_;
  bool multi_speaker_;
  Ort::MemoryInfo memory_;
};

}  // namespace

Result<std::unique_ptr<PiperModel>> PiperModel::Load(const std::string& path, int threads) {
  if (auto runtime = EnsureOnnxRuntime(); !runtime.ok()) return runtime;
  try {
    Ort::SessionOptions options;
    options.SetIntraOpNumThreads(threads);
    options.SetInterOpNumThreads(1);
    options.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
    Ort::Session session(Environment(), path.c_str(), options);
    if (session.GetInputCount() < 3 || session.GetOutputCount() < 1) {
      return InvalidArgument("piper: " + path + " is not a Piper voice network (it lacks its inputs)");
    }
    return std::unique_ptr<PiperModel>(new OrtPiperModel(std::move(session)));
  } catch (const Ort::Exception& e) {
    return InvalidArgument("piper: cannot load the voice network " + path + ": " + e.what());
  }
}

}  // namespace maestro::piper
