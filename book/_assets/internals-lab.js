/* Every region of an article that scrolls (a wide code cell, figure or table, the trace
   player's bytecode listing) can be reached and scrolled from the keyboard: it gets a tab stop
   (WCAG 2.1.1; axe's scrollable-region-focusable), and widget sliders get a name. Widgets and trace players draw their
   content after the page loads, so the check runs again whenever the article changes. */
(function () {
  "use strict";
  function scrolls(el) {
    var style = getComputedStyle(el);
    var x = (style.overflowX === "auto" || style.overflowX === "scroll") && el.scrollWidth > el.clientWidth + 1;
    var y = (style.overflowY === "auto" || style.overflowY === "scroll") && el.scrollHeight > el.clientHeight + 1;
    return x || y;
  }
  function addTabStops() {
    var article = document.querySelector(".bd-article");
    if (!article) return;
    var all = article.querySelectorAll("pre, div, figure, ol, table");
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (!el.hasAttribute("tabindex") && scrolls(el)) {
        el.setAttribute("tabindex", "0");
        // A list, table or figure keeps its own role (a list's items need it); a div or pre
        // becomes a named region, since a name on a generic element means nothing.
        if (!el.hasAttribute("role") && (el.tagName === "DIV" || el.tagName === "PRE")) {
          el.setAttribute("role", "region");
        }
        if (!el.hasAttribute("aria-label") && !el.hasAttribute("aria-labelledby")) {
          el.setAttribute("aria-label", "scrollable content");
        }
      }
    }
    nameSliders(article);
  }
  /* ipywidgets' sliders draw a handle with role="slider" and no name; give it the label the
     reader sees beside it. */
  function nameSliders(root) {
    var handles = root.querySelectorAll('.noUi-handle[role="slider"]:not([aria-label])');
    for (var i = 0; i < handles.length; i++) {
      var widget = handles[i].closest(".widget-slider");
      var label = widget && widget.querySelector(".widget-label");
      var text = label && label.textContent.trim();
      handles[i].setAttribute("aria-label", text || "slider");
    }
  }
  var pending = null;
  function later() {
    if (pending) clearTimeout(pending);
    pending = setTimeout(function () { pending = null; addTabStops(); }, 50);
  }
  function start() {
    addTabStops();
    var article = document.querySelector(".bd-article");
    if (article && window.MutationObserver) {
      new MutationObserver(later).observe(article, { childList: true, subtree: true });
    }
    window.addEventListener("resize", later);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  window.addEventListener("load", later);
})();
