// Article pages: marks the words the visitor searched for. Search results link here with them
// (`?highlight=word&highlight=word`, Pagefind's highlightParam); each matching word of the article's
// text is wrapped in <mark>. Text only: never inside code, never in attributes or markup, and
// nowhere but the article's body.
(function () {
  "use strict";

  // As the index compares words: lower case, without diacritics, đ as d.
  function fold(s) { return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/đ/g, "d"); }
  var WORD = /[\p{L}\p{N}_]+/gu;
  var SKIP = "code, pre, kbd, samp, script, style, textarea, mark";

  // The index finds words by their stems, so a word with another ending matches too
  // (passwords → password, пароль → пароля); a short term matches only itself.
  function same(word, term) {
    if (word === term) return true;
    var n = 0, max = Math.min(word.length, term.length);
    while (n < max && word[n] === term[n]) n++;
    return term.length >= 3 && (n === term.length || (n >= 4 && n >= Math.max(word.length, term.length) - 2));
  }

  // The text node split into text and <mark>ed words, or null when nothing in it matches.
  function marked(node, terms) {
    var text = node.nodeValue, out = document.createDocumentFragment(), last = 0, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) {
      var word = fold(m[0]);
      if (!terms.some(function (t) { return same(word, t); })) continue;
      out.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      out.appendChild(mark);
      last = m.index + m[0].length;
    }
    if (!last) return null;
    out.appendChild(document.createTextNode(text.slice(last)));
    return out;
  }

  function highlight(body, terms) {
    var walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT), nodes = [], n;
    while ((n = walker.nextNode())) if (!n.parentElement.closest(SKIP)) nodes.push(n);
    nodes.forEach(function (node) {
      var parts = marked(node, terms);
      if (parts) node.parentNode.replaceChild(parts, node);
    });
  }

  var terms = [];
  new URLSearchParams(location.search).getAll("highlight").forEach(function (t) {
    terms = terms.concat(fold(t).match(WORD) || []);
  });
  var body = document.querySelector(".article .prose");
  if (terms.length && body) highlight(body, terms);
})();
