// Visitors' feedback, posted as JSON to the ticket endpoint's `feedback` sibling (no cookies).
// "Was this article helpful?" works as a plain form without this script (the function answers
// 303 to #feedback-thanks or #feedback-error, shown by CSS :target); with it: no reload, the
// reasons after "No", and one vote per article per browser, remembered in localStorage.
// Searches that found nothing are reported through `helpcenterFeedback.searched`, which app.js
// calls from the search page and the ticket form's suggestions.
(function () {
  "use strict";

  var SETTLE_MS = 1500; // a query counts once the visitor has stopped typing
  var MAX_QUERY = 100;

  function post(endpoint, body, keepalive) {
    // Not sendBeacon: it cannot send JSON to another origin (the function's, in production).
    return fetch(endpoint, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      credentials: "omit", keepalive: keepalive
    });
  }

  // --- missed searches: each query once per page view, after it settled ---------------------
  var reported = {}, timer, pending = null;
  function flush() {
    clearTimeout(timer);
    if (pending) pending();
    pending = null;
  }
  function searched(query, count) {
    clearTimeout(timer); pending = null; // a newer query replaces one still settling
    var box = document.querySelector("[data-feedback]");
    var q = Array.from(String(query).trim().toLowerCase().replace(/\s+/g, " ")).slice(0, MAX_QUERY).join("").trim();
    if (!box || count || Array.from(q).length < 3 || reported[q]) return;
    pending = function () {
      reported[q] = true;
      var body = { kind: "search_miss", language: document.documentElement.lang, query: q };
      post(box.getAttribute("data-feedback"), body, true).catch(function () { /* only a count */ });
    };
    timer = setTimeout(flush, SETTLE_MS);
  }
  // Leaving the page does not lose a query still settling (keepalive outlives the page).
  addEventListener("pagehide", flush);

  // --- "Was this article helpful?" -------------------------------------------------------
  function remembered(key, value) {
    try {
      if (value) localStorage.setItem(key, value);
      return localStorage.getItem(key);
    } catch (e) { return null; /* storage disabled: the vote is just not remembered */ }
  }

  function voteForm(form) {
    var $ = function (sel) { return form.parentNode.querySelector(sel); };
    var key = "helpcenter:vote:" + form.elements.page.value;
    var reasons = $(".feedback-reasons"), vote = $(".feedback-vote");
    var thanks = $("#feedback-thanks"), error = $("#feedback-error"), sending = false;
    function thank(helpful, focus) {
      form.hidden = true;
      error.classList.remove("shown");
      $(".feedback-ticket").hidden = helpful !== "no";
      thanks.classList.add("shown");
      if (focus) thanks.focus(); // the button pressed is gone with the form
    }
    var voted = remembered(key);
    if (voted) { thank(voted, false); return; }
    // The plain form offers the reasons before its buttons; here they follow a "No".
    reasons.hidden = true;
    $(".feedback-hint").hidden = true;
    $(".feedback-send").hidden = false;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var helpful = (ev.submitter || document.activeElement).value;
      if (sending || (helpful !== "yes" && helpful !== "no")) return;
      if (helpful === "no" && reasons.hidden) {
        vote.hidden = true; reasons.hidden = false;
        reasons.focus();
        return;
      }
      var f = form.elements, reason = form.querySelector("input[name=reason]:checked");
      var body = { kind: f.kind.value, language: f.language.value, page: f.page.value, helpful: helpful };
      if (helpful === "no" && reason) body.reason = reason.value;
      if (f.website.value) body.website = f.website.value; // the honeypot: only robots fill it
      sending = true;
      post(form.action, body, false).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        remembered(key, helpful);
        thank(helpful, true);
      }).catch(function () {
        error.classList.add("shown"); // the form stays for another try
      }).then(function () { sending = false; });
    });
  }

  window.helpcenterFeedback = { searched: searched };
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".feedback-form");
    if (form && window.fetch) voteForm(form);
  });
})();
