/* "Run in your browser": the page side of the chapters' in-browser tools.
   Loaded only by pages that have a tool (book/_ext/run_in_browser.py). It un-hides each control
   and does nothing else until the reader presses Run: then it starts one Web Worker for the
   page (worker.mjs, which loads CPython 3.14 compiled to WebAssembly), sends it the reader's
   code and shows the HTML it returns. Stop, or a run longer than RUN_LIMIT_MS, terminates the
   worker; the next run starts a fresh one. */
(function () {
  "use strict";
  var RUN_LIMIT_MS = 20000;
  var script = document.currentScript;
  var base = new URL(".", script ? script.src : location.href);
  var worker = null, ready = null, runtime = null, loadMs = null, nextId = 1;
  var waiting = {};   // id -> {resolve, control}
  var statusSinks = [];

  function startWorker() {
    worker = new Worker(new URL("worker.mjs", base), { type: "module" });
    ready = new Promise(function (resolve, reject) {
      worker.onmessage = function (event) {
        var msg = event.data;
        if (msg.type === "status") statusSinks.forEach(function (sink) { sink(msg.text); });
        else if (msg.type === "ready") { runtime = msg.runtime; loadMs = msg.loadMs; resolve(); }
        else if (msg.type === "reply" || msg.type === "failed") {
          var job = waiting[msg.id];
          delete waiting[msg.id];
          if (job) job.resolve(msg);
        }
      };
      worker.onerror = function (event) {
        event.preventDefault();
        var text = "The in-browser runtime could not start: " + (event.message || "unknown error");
        reject(new Error(text));
        Object.keys(waiting).forEach(function (id) { waiting[id].resolve({ type: "failed", text: text }); });
        waiting = {};
      };
    });
    ready.catch(function () {});
  }

  function stopWorker(reason) {
    if (worker) worker.terminate();
    worker = null; ready = null;
    Object.keys(waiting).forEach(function (id) { waiting[id].resolve({ type: "stopped", text: reason }); });
    waiting = {};
  }

  function runScripts(root) {
    // innerHTML does not run scripts; the trace player's own script must run, as it does in
    // the stored outputs. Its data block (type=application/json) stays as it is.
    root.querySelectorAll("script").forEach(function (old) {
      if (old.type && old.type !== "text/javascript" && old.type !== "module") return;
      var fresh = document.createElement("script");
      fresh.textContent = old.textContent;
      old.replaceWith(fresh);
    });
  }

  function seconds(ms) { return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + " s"; }

  function describeRuntime(control) {
    var native = control.getAttribute("data-native");
    var text = runtime.summary + " (Pyodide, in this page).";
    if (native) {
      var magic = Number(control.getAttribute("data-native-magic"));
      text += " The stored outputs on this page come from CPython " + native + ". "
        + (magic === runtime.magic
          ? "Both use the same bytecode format (.pyc magic number " + magic + "); "
          : "Their bytecode formats differ (.pyc magic number " + runtime.magic + " here, " + magic + " there), so instructions can differ; ")
        + "sizes, addresses and timings can differ, because WebAssembly here is a 32-bit platform without threads.";
    }
    return text;
  }

  function setUp(control) {
    var tool = control.getAttribute("data-tool");
    var source = control.querySelector(".ilr-source");
    var runButton = control.querySelector(".ilr-run");
    var stopButton = control.querySelector(".ilr-stop");
    var statusLine = control.querySelector(".ilr-status");
    var output = control.querySelector(".ilr-output");
    var busy = false;
    control.hidden = false;
    statusSinks.push(function (text) { if (busy) statusLine.textContent = text; });

    function finish(msg, clicked) {
      busy = false;
      runButton.disabled = false;
      stopButton.disabled = true;
      runButton.textContent = "Run again";
      control.setAttribute("data-state", msg.type === "reply" ? (msg.reply.ok ? "done" : msg.reply.kind) : msg.type);
      if (msg.type === "reply") {
        var reply = msg.reply;
        output.innerHTML = reply.html;
        runScripts(output);
        var timing = (clicked.loaded ? "runtime loaded in " + seconds(loadMs) + ", " : "") + "ran in " + seconds(msg.runMs);
        statusLine.textContent = (reply.ok ? "" : (reply.kind === "syntax" ? "Syntax error: " : reply.kind === "limit" ? "Stopped by a bound: " : "Error: "))
          + reply.message + " (" + timing + ")";
        var about = control.querySelector(".ilr-runtime") || document.createElement("p");
        about.className = "ilr-runtime";
        about.textContent = describeRuntime(control);
        output.after(about);
      } else {
        statusLine.textContent = msg.text;
        if (msg.type === "failed") {
          // The interpreter may be unusable after a failure outside Python (the WebAssembly
          // stack overflowing, say): start afresh on the next run.
          stopWorker("");
          statusLine.textContent = (/Maximum call stack size exceeded/.test(msg.text)
            ? "The program nests too deeply for this page: a browser gives a Web Worker a smaller stack "
              + "than a native thread has, and the interpreter ran out of it (a native CPython reports a "
              + "SyntaxError or RecursionError for such code instead)."
            : msg.text) + " The runtime restarts on the next run.";
        }
      }
      control.setAttribute("data-run-ms", String(Math.round(performance.now() - clicked.at)));
    }

    runButton.addEventListener("click", function () {
      if (busy) return;
      busy = true;
      runButton.disabled = true;
      stopButton.disabled = false;
      control.setAttribute("data-state", "running");
      var clicked = { at: performance.now(), loaded: !worker };
      if (!worker) startWorker();
      statusLine.textContent = clicked.loaded ? "Starting the runtime (about 13 MB, once per visit)..." : "Running...";
      var id = nextId++;
      var timer = null;
      var done = new Promise(function (resolve) { waiting[id] = { resolve: resolve }; });
      ready.then(function () {
        timer = setTimeout(function () {
          stopWorker("Stopped after " + RUN_LIMIT_MS / 1000 + " s: the program ran too long (an endless loop?). "
            + "The runtime restarts on the next run.");
        }, RUN_LIMIT_MS);
        worker.postMessage({ id: id, tool: tool, source: source.value });
      }, function (error) { if (waiting[id]) { delete waiting[id]; finish({ type: "failed", text: error.message }, clicked); } });
      done.then(function (msg) { clearTimeout(timer); finish(msg, clicked); });
    });

    stopButton.addEventListener("click", function () {
      if (!busy) return;
      stopWorker("Stopped. The runtime restarts on the next run.");
    });
  }

  function start() {
    document.querySelectorAll("section.ilr[data-tool]").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
