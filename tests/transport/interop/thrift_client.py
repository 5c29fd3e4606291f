"""An independent Thrift client (Debian's python3-thrift) for Maestro's STT, LLM and TTS services.

Run by rpc_interop_test with stubs generated at test time by `thrift --gen py`, from either Maestro's .thrift
files or the thesis system's original ones, over the given transport and protocol. Exits non-zero, naming
the check, when a reply is wrong.
"""
import argparse
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stubs", required=True)
    parser.add_argument("--stt", type=int, required=True)
    parser.add_argument("--llm", type=int, required=True)
    parser.add_argument("--tts", type=int, required=True)
    parser.add_argument("--transport", choices=["buffered", "framed"], required=True)
    parser.add_argument("--protocol", choices=["binary", "compact"], required=True)
    parser.add_argument("--original", action="store_true", help="stubs come from the thesis contracts")
    args = parser.parse_args()
    sys.path.insert(0, args.stubs)
    from thrift.Thrift import TApplicationException
    from thrift.protocol import TBinaryProtocol, TCompactProtocol
    from thrift.transport import TSocket, TTransport
    from mpes_llm import LLMService
    from mpes_llm.ttypes import GenRequest
    from mpes_stt import STTService
    from mpes_tts import TTSService

    def connect(service, port):
        socket = TSocket.TSocket("127.0.0.1", port)
        socket.setTimeout(5000)
        if args.transport == "framed":
            transport = TTransport.TFramedTransport(socket)
        else:
            transport = TTransport.TBufferedTransport(socket)
        if args.protocol == "compact":
            protocol = TCompactProtocol.TCompactProtocol(transport)
        else:
            protocol = TBinaryProtocol.TBinaryProtocol(transport)
        transport.open()
        return service.Client(protocol)

    extra = () if args.original else (5000,)  # Maestro's additive timeout_ms argument

    stt = connect(STTService, args.stt)
    reply = stt.Transcribe(b"RIFF\x00\x00\x00\x00WAVE", "q.wav", "audio/wav", *extra)
    assert reply.text == "what is the ticker symbol of petrobras", reply
    assert not reply.error, reply

    llm = connect(LLMService, args.llm)
    request = GenRequest(prompt="what is the ticker of petrobras?", max_tokens=64, temperature=0.7, top_p=0.9,
                         top_k=40, repeat_penalty=1.1, presence_penalty=0.0, frequency_penalty=0.0)
    reply = llm.Generate(request)
    assert len(reply.generated.split()) == 50, reply
    for call in range(20):  # the connection is kept and reused
        assert llm.Generate(request).generated == reply.generated

    if args.original:
        # The original contract has no `throws`, so its client cannot decode the ServiceError: it sees a
        # call without a result.
        expected = TApplicationException
    else:
        from mpes_common.ttypes import ServiceError
        expected = ServiceError
    try:
        llm.Generate(GenRequest(prompt=""))
        raise AssertionError("an empty prompt was accepted")
    except expected as error:
        if not args.original:
            assert error.code == "invalid_argument" and error.message == "empty prompt", error
    if not args.original:
        assert len(llm.Generate(request).generated.split()) == 50  # the connection survived the error
        # Maestro's additive chunked-call streaming: start, poll until done, and typed errors on misuse.
        stream = llm.generate_start(request)
        text, batch = "", None
        for _ in range(50):
            batch = llm.generate_next(stream, 1000)
            text += "".join(batch.pieces)
            if batch.done:
                break
        assert batch.done and batch.sources == ["emulated"], batch
        assert len(text.split()) == 50, text
        try:
            llm.generate_next(stream, 10)
            raise AssertionError("a finished stream was polled")
        except ServiceError as error:
            assert error.code == "not_found", error

    tts = connect(TTSService, args.tts)
    reply = tts.Synthesize("PETR4 is the ticker", *(() if args.original else ("", 5000)))
    assert len(reply.audio) == 441044, len(reply.audio)
    assert reply.audio[:4] == b"RIFF" and reply.audio[8:12] == b"WAVE"
    print(f"thrift interop ok over {args.transport}+{args.protocol}" + (" (original contract)" if args.original else ""))


if __name__ == "__main__":
    main()
