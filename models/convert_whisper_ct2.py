#!/usr/bin/python3
"""Converts a Whisper model in CTranslate2's format (model.bin + tokenizer.json, as faster-whisper reads it)
into the ggml file that whisper.cpp loads.

Usage: convert_whisper_ct2.py MODEL_BIN TOKENIZER_JSON OUTPUT

Runs with Debian's /usr/bin/python3 and python3-numpy only. The mel filter bank is computed here (the Slaney
mel scale and normalisation that Whisper's own mel_filters.npz holds), the vocabulary comes from the model's
own tokenizer.json, and CTranslate2's fused attention projections are split back into the separate
query/key/value tensors whisper.cpp expects.
"""
import json
import os
import re
import struct
import sys

import numpy as np

CT2_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
GGML_MAGIC = 0x67676D6C
SAMPLE_RATE = 16000
N_FFT = 400


def read_ct2(path):
    """RETURNS {name: numpy array} of every variable in a CTranslate2 model.bin, aliases resolved."""
    data = memoryview(open(path, "rb").read())
    offset = 0

    def take(fmt):
        nonlocal offset
        values = struct.unpack_from(fmt, data, offset)
        offset += struct.calcsize(fmt)
        return values

    def string():
        nonlocal offset
        (length,) = take("<H")
        text = bytes(data[offset:offset + length - 1]).decode()
        offset += length
        return text

    (version,) = take("<I")
    if version != 6:
        sys.exit(f"unsupported CTranslate2 model version {version} (expected 6)")
    spec = string()
    if spec != "WhisperSpec":
        sys.exit(f"not a Whisper model: spec {spec}")
    take("<I")  # spec revision
    (count,) = take("<I")
    variables = {}
    for _ in range(count):
        name = string()
        (rank,) = take("<B")
        shape = take(f"<{rank}I") if rank else ()
        dtype_id, size = take("<BI")
        if dtype_id not in CT2_DTYPES:
            sys.exit(f"{name}: unsupported dtype id {dtype_id}")
        array = np.frombuffer(data[offset:offset + size], dtype=CT2_DTYPES[dtype_id]).reshape(shape)
        offset += size
        variables[name] = array
    (aliases,) = take("<I")
    for _ in range(aliases):
        alias, target = string(), string()
        variables[alias] = variables[target]
    return variables


def hz_to_mel(frequencies):
    """Slaney's mel scale: linear below 1 kHz, logarithmic above."""
    f_sp = 200.0 / 3
    mels = frequencies / f_sp
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
    above = frequencies >= min_log_hz
    mels[above] = min_log_mel + np.log(frequencies[above] / min_log_hz) / logstep
    return mels


def mel_to_hz(mels):
    f_sp = 200.0 / 3
    freqs = f_sp * mels
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
    above = mels >= min_log_mel
    freqs[above] = min_log_hz * np.exp(logstep * (mels[above] - min_log_mel))
    return freqs


def mel_filters(n_mels):
    """The triangular, area-normalised filter bank Whisper computes its log-mel spectrogram with."""
    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, 1 + N_FFT // 2)
    mel_points = mel_to_hz(np.linspace(hz_to_mel(np.array([0.0]))[0],
                                       hz_to_mel(np.array([SAMPLE_RATE / 2.0]))[0], n_mels + 2))
    spacing = np.diff(mel_points)
    ramps = mel_points[:, None] - fft_freqs[None, :]
    weights = np.zeros((n_mels, len(fft_freqs)))
    for i in range(n_mels):
        lower = -ramps[i] / spacing[i]
        upper = ramps[i + 2] / spacing[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_points[2:n_mels + 2] - mel_points[:n_mels]))[:, None]
    return weights.astype(np.float32)


def byte_decoder():
    """The inverse of GPT-2's byte-to-printable-character table used by byte-level BPE vocabularies."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, chars)}


def regular_tokens(tokenizer_path):
    """RETURNS the byte strings of the ordinary BPE tokens, in id order (special tokens excluded)."""
    tokenizer = json.load(open(tokenizer_path, encoding="utf-8"))
    special = {token["content"] for token in tokenizer.get("added_tokens", [])}
    vocab = {token: index for token, index in tokenizer["model"]["vocab"].items() if token not in special}
    decoder = byte_decoder()
    ordered = sorted(vocab.items(), key=lambda item: item[1])
    if [index for _, index in ordered] != list(range(len(ordered))):
        sys.exit("tokenizer.json: ordinary token ids are not contiguous from 0")
    return [bytes(decoder[c] for c in token) for token, _ in ordered]


def split_rows(array, parts):
    rows = array.shape[0] // parts
    return [array[i * rows:(i + 1) * rows] for i in range(parts)]


def whisper_tensors(v, n_audio_layer, n_text_layer):
    """Yields (whisper name, array) in the names and layouts of OpenAI's checkpoint."""
    yield "encoder.positional_embedding", v["encoder/position_encodings/encodings"]
    yield "encoder.conv1.weight", v["encoder/conv1/weight"]
    yield "encoder.conv1.bias", v["encoder/conv1/bias"].reshape(-1, 1)
    yield "encoder.conv2.weight", v["encoder/conv2/weight"]
    yield "encoder.conv2.bias", v["encoder/conv2/bias"].reshape(-1, 1)
    for i in range(n_audio_layer):
        src, dst = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        yield from attention(v, f"{src}/self_attention", f"{dst}.attn", f"{dst}.attn_ln", fused_qkv=True)
        yield from feed_forward(v, f"{src}/ffn", dst)
    yield "encoder.ln_post.weight", v["encoder/layer_norm/gamma"]
    yield "encoder.ln_post.bias", v["encoder/layer_norm/beta"]
    yield "decoder.positional_embedding", v["decoder/position_encodings/encodings"]
    yield "decoder.token_embedding.weight", v["decoder/embeddings/weight"]
    for i in range(n_text_layer):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        yield from attention(v, f"{src}/self_attention", f"{dst}.attn", f"{dst}.attn_ln", fused_qkv=True)
        yield from attention(v, f"{src}/attention", f"{dst}.cross_attn", f"{dst}.cross_attn_ln", fused_qkv=False)
        yield from feed_forward(v, f"{src}/ffn", dst)
    yield "decoder.ln.weight", v["decoder/layer_norm/gamma"]
    yield "decoder.ln.bias", v["decoder/layer_norm/beta"]


def attention(v, src, dst, norm, fused_qkv):
    yield f"{norm}.weight", v[f"{src}/layer_norm/gamma"]
    yield f"{norm}.bias", v[f"{src}/layer_norm/beta"]
    if fused_qkv:
        q_w, k_w, v_w = split_rows(v[f"{src}/linear_0/weight"], 3)
        q_b, _, v_b = split_rows(v[f"{src}/linear_0/bias"], 3)
        out = f"{src}/linear_1"
    else:
        q_w, q_b = v[f"{src}/linear_0/weight"], v[f"{src}/linear_0/bias"]
        k_w, v_w = split_rows(v[f"{src}/linear_1/weight"], 2)
        _, v_b = split_rows(v[f"{src}/linear_1/bias"], 2)
        out = f"{src}/linear_2"
    # Whisper's key projection has no bias; CTranslate2 stores zeros in its place when it fuses.
    yield f"{dst}.query.weight", q_w
    yield f"{dst}.query.bias", q_b
    yield f"{dst}.key.weight", k_w
    yield f"{dst}.value.weight", v_w
    yield f"{dst}.value.bias", v_b
    yield f"{dst}.out.weight", v[f"{out}/weight"]
    yield f"{dst}.out.bias", v[f"{out}/bias"]


def feed_forward(v, src, dst):
    yield f"{dst}.mlp_ln.weight", v[f"{src}/layer_norm/gamma"]
    yield f"{dst}.mlp_ln.bias", v[f"{src}/layer_norm/beta"]
    yield f"{dst}.mlp.0.weight", v[f"{src}/linear_0/weight"]
    yield f"{dst}.mlp.0.bias", v[f"{src}/linear_0/bias"]
    yield f"{dst}.mlp.2.weight", v[f"{src}/linear_1/weight"]
    yield f"{dst}.mlp.2.bias", v[f"{src}/linear_1/bias"]


# Tensors whisper.cpp reads as float32 whatever the file's type.
FLOAT32_NAMES = {"encoder.conv1.bias", "encoder.conv2.bias", "encoder.positional_embedding",
                 "decoder.positional_embedding"}


def count_layers(variables, prefix):
    layer = re.compile(re.escape(prefix) + r"/layer_(\d+)/")
    return len({match.group(1) for match in map(layer.match, variables) if match})


def scalar(variables, name):
    return int(variables[name].reshape(-1)[0])


def convert(model_bin, tokenizer_json, output):
    v = read_ct2(model_bin)
    n_audio_layer, n_text_layer = count_layers(v, "encoder"), count_layers(v, "decoder")
    n_vocab, n_text_state = v["decoder/embeddings/weight"].shape
    n_mels = v["encoder/conv1/weight"].shape[1]
    hparams = [n_vocab, v["encoder/position_encodings/encodings"].shape[0], n_text_state,
               scalar(v, "encoder/num_heads"), n_audio_layer, v["decoder/position_encodings/encodings"].shape[0],
               n_text_state, scalar(v, "decoder/num_heads"), n_text_layer, n_mels, 1]
    filters = mel_filters(n_mels)
    tokens = regular_tokens(tokenizer_json)
    partial = output + ".partial"
    with open(partial, "wb") as out:
        out.write(struct.pack("<i", GGML_MAGIC))
        out.write(struct.pack("<11i", *hparams))
        out.write(struct.pack("<ii", *filters.shape))
        out.write(filters.tobytes())
        out.write(struct.pack("<i", len(tokens)))
        for token in tokens:
            out.write(struct.pack("<i", len(token)))
            out.write(token)
        for name, array in whisper_tensors(v, n_audio_layer, n_text_layer):
            as_f32 = array.ndim < 2 or name in FLOAT32_NAMES
            array = np.ascontiguousarray(array, dtype=np.float32 if as_f32 else np.float16)
            encoded = name.encode()
            out.write(struct.pack("<iii", array.ndim, len(encoded), 0 if as_f32 else 1))
            out.write(struct.pack(f"<{array.ndim}i", *reversed(array.shape)))
            out.write(encoded)
            out.write(array.tobytes())
    os.replace(partial, output)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    convert(*sys.argv[1:])
