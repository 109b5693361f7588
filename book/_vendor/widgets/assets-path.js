// Loaded right after require.js and before embed-amd.js on pages with widgets. The embed
// manager resolves its icon fonts against the URL RequireJS gives its own module, which
// defaults to the page's folder: map the bundle's modules (@jupyter-widgets/controls,
// .../html-manager/dist/libembed-amd, ...) to _static/widgets/, where the fonts are.
(function () {
  var here = document.currentScript.src.replace(/assets-path\.js(\?.*)?$/, "");
  window.__jupyter_widgets_assets_path__ = here;
  var dir = here.replace(/\/$/, "");
  window.requirejs.config({ paths: { "@jupyter-widgets": dir, "@jupyter-widgets/html-manager/dist": dir } });
})();
