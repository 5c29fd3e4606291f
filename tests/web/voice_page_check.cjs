// Drives Debian's Chromium (headless, fake microphone playing a WAV) through Maestro's voice page and checks
// that the page loads, the microphone streams, the transcript and the answer appear and the answer's audio
// plays. Prints one JSON line with what it saw; exits 0 only when every check passed.
// Usage: node voice_page_check.cjs URL QUESTION_WAV SCREENSHOT_PNG   (PLAYWRIGHT_CORE: the module's path)
const { chromium } = require(process.env.PLAYWRIGHT_CORE || "playwright-core");

const [url, questionWav, screenshot] = process.argv.slice(2);
const seen = { loaded: false, protocol: "", micStreamed: false, transcript: "", answer: "", sources: 0,
               played: 0, partials: 0, ttfa: "", console: [], micFrames: 0, longestMicGapMs: 0, events: [] };

// Records what crossed the page's WebSocket, so that a failure shows what the server heard and said: how many
// microphone frames the page sent and the longest pause between two of them (a stalled capture), and the
// server's events but for the answer's tokens and audio.
function watchSocket(socket) {
  let lastFrameAt = 0;
  socket.on("framesent", (frame) => {
    if (typeof frame.payload === "string") return;
    const now = Date.now();
    if (seen.micFrames > 0) seen.longestMicGapMs = Math.max(seen.longestMicGapMs, now - lastFrameAt);
    lastFrameAt = now;
    seen.micFrames += 1;
  });
  socket.on("framereceived", (frame) => {
    if (typeof frame.payload !== "string") return;
    let event;
    try { event = JSON.parse(frame.payload); } catch { return; }
    if (event.type === "token" || event.type === "audio") return;
    const { type, state, turn, seconds, final, text } = event;
    seen.events.push({ type, state, turn, seconds, final, text });
  });
}

async function main() {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync",
           "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
           `--use-file-for-fake-audio-capture=${questionWav}%noloop`, "--autoplay-policy=no-user-gesture-required"],
  });
  try {
    const page = await browser.newPage();
    page.on("console", (message) => seen.console.push(message.text()));
    page.on("pageerror", (error) => seen.console.push("pageerror: " + error.message));
    page.on("websocket", watchSocket);
    await page.goto(url);
    await page.waitForSelector("#mic:not([disabled])", { timeout: 15000 });
    seen.loaded = true;
    seen.protocol = await page.textContent("#protocol");
    // The keyboard reaches the button, as a person who does not use a mouse would.
    await page.focus("#mic");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => window.maestro.events.includes("speech"), null, { timeout: 20000 });
    seen.micStreamed = true;
    // The final transcript, not a partial one (data-final="false") of the question still being spoken.
    await page.waitForFunction(() => {
      const transcript = document.querySelector("#transcript");
      return transcript.dataset.final === "true" && transcript.textContent.length > 3;
    }, null, { timeout: 30000 });
    seen.transcript = await page.textContent("#transcript");
    await page.waitForFunction(() => ["done", "error"].some((e) => window.maestro.events.includes(e)), null,
                               { timeout: 30000 });
    if (!(await page.evaluate(() => window.maestro.events.includes("done")))) {
      throw new Error("the page showed an error: " + (await page.textContent("#status")));
    }
    seen.answer = await page.textContent("#answer");
    seen.sources = await page.locator("#sources li").count();
    seen.ttfa = await page.textContent("#t-first_audio");
    await page.waitForFunction(() => window.maestro.played > 0, null, { timeout: 30000 });
    seen.played = await page.evaluate(() => window.maestro.played);
    seen.partials = await page.evaluate(() => window.maestro.partials);
  } finally {
    const pages = browser.contexts().flatMap((c) => c.pages());
    if (pages.length > 0) await pages[0].screenshot({ path: screenshot, fullPage: true }).catch(() => {});
    await browser.close(); // playwright launches with a new empty profile and removes it here
  }
}

main().then(
  () => { console.log(JSON.stringify(seen)); process.exit(0); },
  (error) => { seen.error = String(error.message || error).split("\n")[0]; console.log(JSON.stringify(seen));
               process.exit(1); });
