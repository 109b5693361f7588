// The Web Worker that hosts CPython 3.14 (Pyodide) for a page's "Run in your browser" tools.
// It lives in a worker so that a long run never freezes the page: the page stops a run by
// terminating this worker and starts a fresh one for the next run.
//
// Protocol (postMessage): the page sends {id, tool, source}; the worker answers
// {type: "status", text} while it loads, {type: "ready", runtime, loadMs} once, and
// {type: "reply", id, reply, runMs} for each run, or {type: "failed", id, text}.
// Everything it loads comes from this site (_static/runtime/, vendored by tools/vendor_runtime.py).

import { loadPyodide } from "./pyodide/pyodide.mjs";

const here = new URL(".", import.meta.url);
let handle = null;
let viz = null;

function status(text) {
  self.postMessage({ type: "status", text });
}

async function boot() {
  const started = performance.now();
  status("Loading CPython 3.14 (WebAssembly)...");
  const pyodide = await loadPyodide({
    indexURL: new URL("pyodide/", here).href,
    lockFileURL: new URL("pyodide/pyodide-lock.json", here).href,
    stdout: () => {},
    stderr: () => {},
  });
  status("Loading the lab package...");
  await pyodide.loadPackage(["internals-lab", "graphviz"], { messageCallback: () => {}, errorCallback: () => {} });
  // The site's figure rules (a viewBox and a readable minimum width for every SVG), the same
  // module the book build applies to its pages.
  const rules = await fetch(new URL("readable_svg.py", here));
  pyodide.FS.writeFile("/home/pyodide/readable_svg.py", await rules.text());
  const web = pyodide.pyimport("internals_lab.web");
  const readable = pyodide.pyimport("readable_svg").readable_svgs;
  handle = (tool, source) => {
    const reply = web.handle(tool, source).toJs({ dict_converter: Object.fromEntries });
    reply.runtime = Object.fromEntries(reply.runtime instanceof Map ? reply.runtime : Object.entries(reply.runtime));
    reply.html = readable(reply.html);
    return reply;
  };
  closeTheNetwork();
  const runtime = web.runtime_facts().toJs({ dict_converter: Object.fromEntries });
  self.postMessage({ type: "ready", runtime, loadMs: performance.now() - started });
}

// The reader's code gets no network, so the page's "nothing sent anywhere" stays true: in
// Pyodide, socket.connect() opens a WebSocket to whatever host it names (Emscripten's socket
// emulation), and js.fetch or pyodide.http reach any URL. Called once the runtime is loaded;
// from then on only this site can be fetched (Graphviz is imported from it on first use).
function closeTheNetwork() {
  const refuse = (url) => new DOMException(`the in-page runtime does not connect to ${url}`, "SecurityError");
  const ownSite = (url) => new URL(String(url), self.location.href).origin === self.location.origin;
  self.WebSocket = function WebSocket(url) { throw refuse(url); };
  self.EventSource = function EventSource(url) { throw refuse(url); };
  const siteFetch = self.fetch.bind(self);
  self.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : input;
    return ownSite(url) ? siteFetch(input, init) : Promise.reject(refuse(url));
  };
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (!ownSite(url)) throw refuse(url);
    return open.call(this, method, url, ...rest);
  };
}

async function ensureViz() {
  if (viz) return;
  status("Loading Graphviz (WebAssembly) for the graphs...");
  const module = await import("./viz/viz.js");
  viz = await module.instance();
  // Called synchronously from Python (internals_lab.graphs.dot_svg) while a tool runs.
  self.internalsLabDot = (source) => viz.renderString(source, { format: "svg", engine: "dot" });
}

const booting = boot();

self.onmessage = async (event) => {
  const { id, tool, source } = event.data;
  try {
    await booting;
    if (tool === "explore") await ensureViz();
    status("Running...");
    const started = performance.now();
    const reply = handle(tool, source);
    self.postMessage({ type: "reply", id, reply, runMs: performance.now() - started });
  } catch (error) {
    self.postMessage({ type: "failed", id, text: String(error && error.message || error).split("\n").slice(-3).join(" ") });
  }
};
