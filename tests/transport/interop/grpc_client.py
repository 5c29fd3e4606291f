"""An independent gRPC client (Debian's python3-grpcio) for Maestro's STT, LLM and TTS services.

Run by rpc_interop_test with stubs generated at test time from either Maestro's .proto files or the thesis
system's original ones. Exits non-zero, naming the check, when a reply is wrong.
"""
import argparse
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stubs", required=True)
    parser.add_argument("--stt", type=int, required=True)
    parser.add_argument("--llm", type=int, required=True)
    parser.add_argument("--tts", type=int, required=True)
    parser.add_argument("--slow-llm", type=int, required=True)
    parser.add_argument("--original", action="store_true", help="stubs come from the thesis contracts")
    args = parser.parse_args()
    sys.path.insert(0, args.stubs)
    import grpc
    import llm_pb2
    import llm_pb2_grpc
    import stt_pb2
    import stt_pb2_grpc
    import tts_pb2
    import tts_pb2_grpc

    options = [("grpc.max_receive_message_length", 64 << 20), ("grpc.max_send_message_length", 64 << 20)]

    def channel(port):
        return grpc.insecure_channel(f"127.0.0.1:{port}", options=options)

    stt = stt_pb2_grpc.STTServiceStub(channel(args.stt))
    reply = stt.Transcribe(
        stt_pb2.TranscribeRequest(audio=b"RIFF\x00\x00\x00\x00WAVE", filename="q.wav", content_type="audio/wav"),
        timeout=5)
    assert reply.text == "what is the ticker symbol of petrobras", reply
    assert reply.error == "", reply

    llm = llm_pb2_grpc.LLMServiceStub(channel(args.llm))
    reply = llm.Generate(llm_pb2.GenRequest(prompt="what is the ticker of petrobras?", max_tokens=64,
                                            temperature=0.7, top_p=0.9, top_k=40, repeat_penalty=1.1),
                         timeout=5)
    assert len(reply.generated.split()) == 50, reply
    if not args.original:
        assert list(reply.sources) == ["emulated"], reply

    try:
        llm.Generate(llm_pb2.GenRequest(prompt=""), timeout=5)
        raise AssertionError("an empty prompt was accepted")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error
        assert error.details() == "empty prompt", error.details()
        trailers = dict(error.trailing_metadata() or ())
        assert trailers.get("maestro-code") == "invalid_argument", trailers

    if not args.original:
        # Maestro's additive server-streaming method: pieces, then a last chunk with language and sources.
        chunks = list(llm.GenerateStream(llm_pb2.GenRequest(prompt="stream it"), timeout=5))
        assert chunks and chunks[-1].last and all(not chunk.last for chunk in chunks[:-1]), chunks
        assert list(chunks[-1].sources) == ["emulated"] and chunks[-1].language == "en", chunks[-1]
        assert len("".join(chunk.piece for chunk in chunks).split()) == 50, chunks
        try:
            list(llm.GenerateStream(llm_pb2.GenRequest(prompt=""), timeout=5))
            raise AssertionError("an empty prompt was accepted by GenerateStream")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error

    slow = llm_pb2_grpc.LLMServiceStub(channel(args.slow_llm))
    try:
        slow.Generate(llm_pb2.GenRequest(prompt="hurry"), timeout=0.05)
        raise AssertionError("a 300 ms engine answered within a 50 ms deadline")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED, error

    tts = tts_pb2_grpc.TTSServiceStub(channel(args.tts))
    reply = tts.Synthesize(tts_pb2.SynthRequest(text="PETR4 is the ticker"), timeout=5)
    assert len(reply.audio) == 441044, len(reply.audio)
    assert reply.audio[:4] == b"RIFF" and reply.audio[8:12] == b"WAVE"
    print("grpc interop ok" + (" (original contract)" if args.original else ""))


if __name__ == "__main__":
    main()
