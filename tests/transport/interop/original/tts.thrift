// The thesis system's TTS contract exactly as its clients were built from it (no Maestro additions).
namespace py mpes_tts
struct SynthReply {
  1: binary audio,
  2: string error,
}
service TTSService {
  SynthReply Synthesize(1: string text)
}
