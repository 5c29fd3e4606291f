// Maestro's voice page: microphone -> 16 kHz PCM over the WebSocket /ws; transcript, answer, sources, timings
// and the spoken answer come back as events (docs/streaming.md). No library, no CDN: it works offline.
const SAMPLE_RATE = 16000;
const FRAME_SAMPLES = 320; // 20 ms per WebSocket message

const TEXT = {
  "en-US": {
    title: "Maestro — talk to the finance assistant", controls: "Controls", micStart: "Start microphone",
    micStop: "Stop microphone", language: "Language", typeLabel: "Or type a question", ask: "Ask",
    transcript: "You said", answer: "Answer", sources: "Sources", timings: "Timings (ms)",
    protocol: "Protocol to the services", hop: "Hop", firstToken: "First token (TTFT)",
    firstAudio: "First audio (TTFA)", played: "Audio chunks played", connecting: "Connecting…",
    ready: "Ready. Press the microphone button and ask a question.", listening: "Listening…",
    thinking: "Thinking…", speaking: "Answering…",
    closed: "Disconnected (the session was idle or ended). Press the microphone button or Ask to reconnect.",
    noMic: "The microphone is not available: ",
  },
  "pt-BR": {
    title: "Maestro — fale com o assistente financeiro", controls: "Controles", micStart: "Ligar microfone",
    micStop: "Desligar microfone", language: "Idioma", typeLabel: "Ou digite uma pergunta", ask: "Perguntar",
    transcript: "Você disse", answer: "Resposta", sources: "Fontes", timings: "Tempos (ms)",
    protocol: "Protocolo até os serviços", hop: "Etapa", firstToken: "Primeiro token (TTFT)",
    firstAudio: "Primeiro áudio (TTFA)", played: "Trechos de áudio tocados", connecting: "Conectando…",
    ready: "Pronto. Aperte o botão do microfone e faça uma pergunta.", listening: "Ouvindo…",
    thinking: "Pensando…", speaking: "Respondendo…",
    closed: "Desconectado (sessão ociosa ou encerrada). Aperte o microfone ou Perguntar para reconectar.",
    noMic: "O microfone não está disponível: ",
  },
};

const $ = (id) => document.getElementById(id);
const state = { socket: null, ready: null, language: "en-US", mic: null, turn: 0, expectAudio: null, played: 0,
                player: null, playAt: 0, events: [], partials: 0 };
window.maestro = state; // read by the browser test

function t(key) { return TEXT[state.language][key]; }

function setStatus(key, extra = "") {
  $("status").textContent = t(key) + extra;
  $("status").dataset.state = key;
}

function applyLanguage() {
  document.documentElement.lang = state.language === "pt-BR" ? "pt-BR" : "en";
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = t(node.dataset.text);
  $("mic").textContent = state.mic ? t("micStop") : t("micStart");
  setStatus($("status").dataset.state in TEXT["en-US"] ? $("status").dataset.state : "ready");
}

function send(command) {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(command));
}

// Opens the session; RETURNS a promise settled by its "ready" event. A closed session (idle or length limit) is
// reopened on the next click.
function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(`${scheme}//${location.host}/ws`);
  socket.binaryType = "arraybuffer";
  state.ready = new Promise((resolve, reject) => {
    socket.onopen = () => send({ type: "config", language: state.language });
    socket.onmessage = (message) => {
      if (typeof message.data === "string") {
        const event = JSON.parse(message.data);
        if (event.type === "ready") resolve();
        onEvent(event);
      } else {
        onAudio(message.data);
      }
    };
    socket.onclose = () => {
      reject(new Error("closed"));
      if (state.socket !== socket) return;
      state.socket = null;
      if (state.mic) stopMic(false);
      setStatus("closed");
    };
  });
  state.ready.catch(() => {});
  state.socket = socket;
  return state.ready;
}

async function connected() {
  if (!state.socket) await connect();
  else await state.ready;
}

function newTurn(turn) {
  state.turn = turn;
  $("answer").textContent = "";
  $("sources").replaceChildren();
  for (const cell of document.querySelectorAll("#timings td")) cell.textContent = "—";
  stopPlayback();
}

function showTranscript(text, final) {
  $("transcript").textContent = text;
  $("transcript").dataset.final = String(final);
}

function onEvent(event) {
  state.events.push(event.type);
  if (event.turn && event.turn < state.turn) return; // an answer that was interrupted
  switch (event.type) {
    case "ready":
      $("protocol").textContent = event.protocol;
      $("mic").disabled = false;
      $("ask").disabled = false;
      setStatus("ready");
      break;
    case "speech":
      if (event.state === "started") { stopPlayback(); setStatus("listening"); }
      break;
    case "utterance":
      if (event.turn !== state.turn) newTurn(event.turn);
      if (event.text) {
        showTranscript(event.text, true); // a typed question
      } else if ($("transcript").dataset.final !== "false") {
        showTranscript("…", true); // no partial transcript to keep showing until the final one
      }
      setStatus("thinking");
      break;
    case "transcript":
      // Partial transcripts (final: false) come while the question is still spoken; the final one replaces them.
      if (event.turn !== state.turn) newTurn(event.turn);
      if (!event.final) state.partials += 1;
      showTranscript(event.text, event.final);
      break;
    case "token":
      if (event.turn !== state.turn) newTurn(event.turn);
      $("answer").textContent += event.text;
      break;
    case "audio":
      state.expectAudio = event;
      setStatus("speaking");
      break;
    case "done":
      if (event.turn !== state.turn) break;
      $("answer").textContent = event.answer;
      $("sources").replaceChildren(...event.sources.map((source) => {
        const item = document.createElement("li");
        item.textContent = source;
        return item;
      }));
      for (const [hop, ms] of Object.entries(event.timings_ms)) {
        const cell = $(`t-${hop}`);
        if (cell) cell.textContent = ms.toFixed(1);
      }
      $("protocol").textContent = event.protocol;
      setStatus(state.mic ? "listening" : "ready");
      break;
    case "error":
      $("status").textContent = `${event.code}${event.hop ? " (" + event.hop + ")" : ""}: ${event.error}`;
      $("status").dataset.state = "error";
      break;
  }
}

async function onAudio(wav) {
  const announced = state.expectAudio;
  state.expectAudio = null;
  if (!announced || announced.turn !== state.turn) return;
  if (!state.player) state.player = new AudioContext();
  const buffer = await state.player.decodeAudioData(wav);
  const source = state.player.createBufferSource();
  source.buffer = buffer;
  source.connect(state.player.destination);
  // Sentences play back to back, each as soon as it arrives.
  const at = Math.max(state.player.currentTime, state.playAt);
  source.onended = () => { state.played += 1; $("played").textContent = String(state.played); };
  source.start(at);
  state.playAt = at + buffer.duration;
  state.sources = (state.sources || []).concat(source);
}

function stopPlayback() {
  for (const source of state.sources || []) { source.onended = null; try { source.stop(); } catch (_) {} }
  state.sources = [];
  state.playAt = 0;
}

async function startMic() {
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
  } catch (error) {
    $("status").textContent = t("noMic") + error.message;
    $("status").dataset.state = "error";
    return;
  }
  const context = new AudioContext({ sampleRate: SAMPLE_RATE });
  await context.audioWorklet.addModule("/capture.js");
  const input = context.createMediaStreamSource(stream);
  const capture = new AudioWorkletNode(context, "pcm-capture");
  let pending = new Int16Array(FRAME_SAMPLES);
  let filled = 0;
  capture.port.onmessage = (message) => {
    for (const sample of message.data) {
      pending[filled++] = Math.max(-32768, Math.min(32767, Math.round(sample * 32767)));
      if (filled === FRAME_SAMPLES) {
        if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(pending.buffer);
        pending = new Int16Array(FRAME_SAMPLES);
        filled = 0;
      }
    }
  };
  input.connect(capture);
  state.mic = { stream, context };
  $("mic").setAttribute("aria-pressed", "true");
  $("mic").textContent = t("micStop");
  setStatus("listening");
}

function stopMic(endQuestion = true) {
  if (endQuestion) send({ type: "stop" }); // whatever was said so far is the question
  state.mic.stream.getTracks().forEach((track) => track.stop());
  state.mic.context.close();
  state.mic = null;
  $("mic").setAttribute("aria-pressed", "false");
  $("mic").textContent = t("micStart");
}

$("mic").addEventListener("click", async () => {
  if (!state.player) state.player = new AudioContext(); // created on a click, so the browser lets it play
  if (state.mic) return stopMic();
  await connected();
  startMic();
});
$("ask-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const question = $("question").value.trim();
  if (!question) return;
  if (!state.player) state.player = new AudioContext();
  await connected();
  setStatus("thinking");
  send({ type: "ask", text: question });
});
$("language").addEventListener("change", (event) => {
  state.language = event.target.value;
  applyLanguage();
  send({ type: "config", language: state.language });
});

applyLanguage();
setStatus("connecting");
connect();
