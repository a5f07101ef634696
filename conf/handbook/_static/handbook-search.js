/* The handbook's search page (conf/handbook/search/): asks Pagefind's chunked index, which loads only
 * the parts of the index a query needs and the fragments of the results it shows.
 *
 * Everything comes from the site itself (pagefind/ beside the pages). No inline script; Pagefind runs
 * its search in WebAssembly, which a Content-Security-Policy allows with 'wasm-unsafe-eval'.
 *
 * The script is loaded async from the page's head: the query goes to Pagefind at once, while the
 * rest of the page (and its navigation) is still being parsed, and each result is shown as soon as
 * its own fragment has arrived, in its place in the list.
 */
(function () {
  "use strict";
  var PAGE_SIZE = 10;
  var script = document.currentScript;
  if (!script) {
    return;
  }
  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  var fromFile = window.location.protocol === "file:";
  var bundle = new URL(script.getAttribute("data-pagefind"), window.location.href).href;
  var siteRoot = new URL(document.documentElement.getAttribute("data-content_root") || "./", window.location.href);
  // A large site's index comes in parts (pagefind/handbook-parts.json lists the others), merged into
  // one search. Started before the page is parsed; the page is filled in once it is.
  var searching = null;
  if (query && !fromFile) {
    var parts = fetch(new URL("handbook-parts.json", bundle)).then(function (response) {
      return response.ok ? response.json() : [];
    });
    searching = Promise.all([import(bundle), parts]).then(function (loaded) {
      var pagefind = loaded[0];
      var options = {baseUrl: siteRoot.pathname, excerptLength: 24};
      return pagefind.options(options).then(function () {
        return Promise.all(loaded[1].map(function (part) {
          return pagefind.mergeIndex(new URL(part, bundle).pathname, {baseUrl: siteRoot.pathname});
        }));
      }).then(function () {
        return pagefind.search(query);
      });
    });
  }

  function whenParsed(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  whenParsed(function () {
    var root = document.querySelector(".handbook-search");
    if (!root) {
      return;
    }
    var input = root.querySelector(".handbook-search-input");
    var status = root.querySelector(".handbook-search-status");
    var list = root.querySelector(".handbook-search-results");
    var more = root.querySelector(".handbook-search-more");
    input.value = query;
    // The header's search box (Furo's) carries the query too.
    document.querySelectorAll("input.sidebar-search").forEach(function (box) { box.value = query; });

    function say(text) {
      status.textContent = text;
    }

    if (fromFile) {
      // Browsers do not let a page opened from a file load the index's modules and chunks.
      say("Search works when the handbook is served over HTTP, not opened as a file: run " +
          "\"python3 -m http.server --directory _build/html\" and open http://127.0.0.1:8000/search.html " +
          "(or use \"make livehtml\"). Every page is also reachable from the navigation.");
      return;
    }
    if (!query) {
      input.focus();
      return;
    }

    function fill(item, result) {
      var link = document.createElement("a");
      link.href = result.url;
      link.className = "handbook-search-title";
      link.textContent = (result.meta && result.meta.title) || result.url;
      var excerpt = document.createElement("p");
      excerpt.className = "handbook-search-excerpt";
      // Pagefind's excerpt is the page's text, escaped, with the matches in <mark>.
      excerpt.innerHTML = result.excerpt;
      item.appendChild(link);
      item.appendChild(excerpt);
      item.className = "handbook-search-result";
      item.hidden = false;
    }

    say("Searching\u2026");
    searching.then(function (search) {
      var results = search.results;
      var shown = 0;
      function next() {
        var batch = results.slice(shown, shown + PAGE_SIZE);
        shown += batch.length;
        more.hidden = true;
        // A place for each result, in order, filled when its fragment arrives.
        var items = batch.map(function () {
          var item = document.createElement("li");
          item.className = "handbook-search-pending";
          item.hidden = true;
          list.appendChild(item);
          return item;
        });
        return Promise.all(batch.map(function (result, index) {
          return result.data().then(function (page) { fill(items[index], page); });
        })).then(function () {
          more.hidden = shown >= results.length;
        });
      }
      more.addEventListener("click", function () { next(); });
      if (!results.length) {
        say("No pages match \u201c" + query + "\u201d.");
        return null;
      }
      var counted = results.length === 1 ? "1 page matches \u201c" + query + "\u201d."
        : results.length + " pages match \u201c" + query + "\u201d.";
      return next().then(function () {  // said once the first page of results is complete
        say(counted);
      });
    }).catch(function (error) {
      say("Search could not load its index (" + error + "). Every page is also reachable from the navigation.");
    });
  });
})();
