/* The handbook's sidebar on a small page (conf/handbook/navigation/shared.py).
 *
 * The page carries its own branch of Furo's navigation tree; every other entry with children is a
 * <li data-handbook-subtree="N"> whose checkbox, label and list are in the shared, cached file
 * _static/handbook-navigation.js (window.handbookNavigation). This puts them back, each link's href
 * computed from this page's URL exactly as Sphinx computes it, so the sidebar is Furo's own, node
 * for node. No inline script and no eval: it runs under script-src 'self'.
 */
(function () {
  "use strict";
  var tree = document.querySelector(".sidebar-tree[data-handbook-page]");
  var data = window.handbookNavigation;
  if (!tree || !data) {
    return; // a page with the whole tree, or the shared file did not load: the branch stays usable
  }
  var page = tree.getAttribute("data-handbook-page");

  // sphinx.util.osutil.relative_uri
  function relativeUri(base, to) {
    if (to.charAt(0) === "/") {
      return to;
    }
    var b = base.split("#")[0].split("/");
    var t = to.split("#")[0].split("/");
    while (b.length > 1 && t.length > 1 && b[0] === t[0]) {
      b.shift();
      t.shift();
    }
    if (b.length === t.length && b.every(function (part, i) { return part === t[i]; })) {
      return "";
    }
    if (b.length === 1 && t.length === 1 && t[0] === "") {
      return "./";
    }
    var up = "";
    for (var i = 1; i < b.length; i++) {
      up += "../";
    }
    return up + t.join("/");
  }

  function escape(text) {
    return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  var hrefs = {};
  function href(link) {
    if (!(link in hrefs)) {
      var target = data.links[link];
      hrefs[link] = 'href="' + escape((relativeUri(page, target[0]) + target[1]) || "#") + '"';
    }
    return hrefs[link];
  }

  function fill(number) {
    var out = [];
    data.parts[number].forEach(function (item) {
      if (typeof item === "string") {
        out.push(item);
      } else if (item >= 0) {
        out.push(href(item));
      } else {
        out.push(fill(-1 - item));
      }
    });
    return out.join("");
  }

  tree.querySelectorAll("li[data-handbook-subtree]").forEach(function (item) {
    var number = Number(item.getAttribute("data-handbook-subtree"));
    item.removeAttribute("data-handbook-subtree");
    item.insertAdjacentHTML("beforeend", fill(number));
  });
  tree.removeAttribute("data-handbook-page");
})();
