// The default theme's one script. Every page works without it; with it, the root page picks the
// visitor's language, the search page searches, and the ticket form gets its smart behaviour.
(function () {
  "use strict";

  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  var store = {
    get: function (k) { try { return JSON.parse(localStorage.getItem(k)); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, JSON.stringify(v)); } catch (e) { /* private mode */ } },
    del: function (k) { try { localStorage.removeItem(k); } catch (e) { /* private mode */ } }
  };
  var fmt = function (s, vars) { return String(s || "").replace(/\{(\w+)\}/g, function (m, k) { return k in vars ? vars[k] : m; }); };
  var fold = function (s) { return String(s).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d"); };

  // --- / : go to the visitor's language -------------------------------------------------
  function chooseLanguage(root) {
    var offered = root.getAttribute("data-languages").split(" ");
    var wanted = navigator.languages || [navigator.language || ""];
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i]).toLowerCase();
      var match = offered.indexOf(code) >= 0 ? code : (offered.indexOf(code.split("-")[0]) >= 0 ? code.split("-")[0] : null);
      if (match) {
        var link = $('a[hreflang="' + match + '"]', root);
        if (link) { location.replace(link.href); return; }
      }
    }
  }

  // --- search over the language's index ------------------------------------------------
  var indexes = {};
  function loadIndex(url) {
    if (!indexes[url]) {
      indexes[url] = fetch(url).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (entries) {
          entries.forEach(function (e) { e.folded = fold(e.title); e.foldedAll = fold(e.title + " " + e.summary + " " + e.category); });
          return entries;
        });
    }
    return indexes[url];
  }
  function search(entries, query, audience) {
    var words = fold(query).split(/[\s,.;:!?¿¡"'()]+/).filter(function (w) { return w.length > 1; });
    if (!words.length) return [];
    return entries.map(function (e) {
      if (audience && e.audience !== audience) return null;
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        if (e.folded.indexOf(words[i]) >= 0) score += 3;
        else if (e.foldedAll.indexOf(words[i]) >= 0) score += 1;
        else return null;
      }
      return { entry: e, score: score };
    }).filter(Boolean).sort(function (a, b) { return b.score - a.score; }).map(function (r) { return r.entry; });
  }
  function resultItem(e) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = e.url; a.textContent = e.title;
    li.appendChild(a);
    if (e.summary) { var p = document.createElement("p"); p.textContent = e.summary; li.appendChild(p); }
    return li;
  }
  function searchPage(form) {
    var q = new URLSearchParams(location.search).get("q") || "";
    var input = $("#q", form), list = $("#search-results"), status = $("#search-status");
    input.value = q;
    if (!q.trim()) return;
    loadIndex(form.getAttribute("data-index")).then(function (entries) {
      var found = search(entries, q);
      list.textContent = "";
      found.slice(0, 50).forEach(function (e) { list.appendChild(resultItem(e)); });
      status.textContent = found.length ? fmt(status.getAttribute("data-count"), { n: found.length }) : status.getAttribute("data-none");
    });
  }

  // --- the ticket form -------------------------------------------------------------------
  function ticketForm(form) {
    var t = JSON.parse(form.getAttribute("data-strings"));
    var draftKey = "helpcenter:draft:" + location.pathname;
    var started = Date.now();
    var field = function (name) { return form.elements[name]; };
    var audience = field("audience"), category = field("category"), subcategory = field("subcategory");
    var subject = field("subject"), username = field("username"), remember = $("#f-remember");
    form.setAttribute("novalidate", "");

    // audience → category → subcategory: show only the choices that belong together
    function filter(select, match) {
      $$("optgroup", select).forEach(function (g) { var ok = match(g); g.hidden = !ok; g.disabled = !ok; });
      var chosen = select.selectedOptions[0];
      if (chosen && chosen.parentNode.tagName === "OPTGROUP" && chosen.parentNode.disabled) select.value = "";
    }
    function cascade() {
      filter(category, function (g) { return !audience.value || g.getAttribute("data-audience") === audience.value; });
      filter(subcategory, function (g) {
        return (!audience.value || g.getAttribute("data-audience") === audience.value) &&
          (!category.value || g.getAttribute("data-category") === category.value);
      });
    }
    audience.addEventListener("change", cascade);
    category.addEventListener("change", function () {
      var opt = category.selectedOptions[0];
      if (opt && opt.getAttribute("data-audience") && !audience.value) audience.value = opt.getAttribute("data-audience");
      cascade();
    });

    // the draft survives reloads and failures until it is sent
    var draft = store.get(draftKey) || {};
    var params = new URLSearchParams(location.search);
    ["audience", "category", "subcategory", "username", "email", "subject", "description"].forEach(function (n) {
      if (draft[n]) field(n).value = draft[n];
    });
    if (params.get("audience")) audience.value = params.get("audience");
    cascade();
    if (params.get("category")) category.value = params.get("category");
    cascade();
    var remembered = store.get("helpcenter:username");
    if (remembered && !username.value) { username.value = remembered; remember.checked = true; }
    if (!draft.submission_id) draft.submission_id = newId();
    function save() {
      ["audience", "category", "subcategory", "username", "email", "subject", "description"].forEach(function (n) { draft[n] = field(n).value; });
      store.set(draftKey, draft);
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);

    // the subject: word count hint and matching articles
    var counter = $("#f-subject-count"), box = $("#f-suggestions"), min = +form.getAttribute("data-min-words"), max = +form.getAttribute("data-max-words");
    var timer;
    subject.addEventListener("input", function () {
      var n = subject.value.trim() ? subject.value.trim().split(/\s+/).length : 0;
      counter.textContent = n ? fmt(t.words_count, { n: n }) + (n < min ? " — " + t.words_hint_short : n > max ? " — " + t.words_hint_long : "") : "";
      clearTimeout(timer);
      timer = setTimeout(suggest, 150);
    });
    function suggest() {
      loadIndex(form.getAttribute("data-index")).then(function (entries) {
        var found = search(entries, subject.value, audience.value).slice(0, 5);
        var list = $("ul", box);
        list.textContent = "";
        found.forEach(function (e) { var li = resultItem(e); $("a", li).target = "_blank"; list.appendChild(li); });
        box.hidden = !found.length;
      }).catch(function () { box.hidden = true; });
    }

    // errors next to their fields, and a summary that takes focus (GOV.UK pattern)
    function showErrors(fields) {
      var summary = $("#error-summary"), list = $("ul", summary);
      list.textContent = "";
      $$(".field", form).forEach(function (f) { f.classList.remove("invalid"); var e = $(".error", f); if (e) { e.hidden = true; e.textContent = ""; } });
      Object.keys(fields).forEach(function (name) {
        var message = t["error_" + fields[name]] || t.error_invalid;
        var box = $('.field[data-field="' + name + '"]', form);
        var label = box ? $("label", box).firstChild.textContent.trim() : name;
        if (box) { box.classList.add("invalid"); var e = $(".error", box); e.textContent = message; e.hidden = false; }
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = "#" + (box ? $("input,select,textarea", box).id : "ticket-form");
        a.textContent = label + ": " + message;
        li.appendChild(a); list.appendChild(li);
      });
      summary.hidden = !Object.keys(fields).length;
      if (!summary.hidden) summary.focus();
    }
    function localErrors() {
      var out = {};
      $$("input[required],select[required],textarea[required]", form).forEach(function (el) {
        if (!el.value.trim()) out[el.name] = "required";
        else if (el.type === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(el.value.trim())) out[el.name] = "invalid_email";
        else if (el.maxLength > 0 && el.value.trim().length > el.maxLength) out[el.name] = "too_long";
        else if (el.minLength > 0 && el.value.trim().length < el.minLength) out[el.name] = "too_short";
      });
      return out;
    }

    // what the mailto: fallback carries: the same structure as the form
    function ticketText() {
      var label = function (n) { var b = $('.field[data-field="' + n + '"] label', form); return b ? b.firstChild.textContent.trim() : n; };
      var choice = function (el) { var o = el.selectedOptions[0]; return o && o.value ? o.textContent.trim() : ""; };
      return [
        label("username") + ": " + username.value,
        label("email") + ": " + field("email").value,
        label("audience") + ": " + choice(audience),
        label("category") + ": " + choice(category),
        label("subcategory") + ": " + choice(subcategory),
        label("subject") + ": " + subject.value,
        "",
        field("description").value,
        "",
        "— " + location.href + " (" + field("language").value + ", " + draft.submission_id + ")"
      ].join("\n");
    }
    function showFallback() {
      var panel = $("#fallback-panel"), email = form.getAttribute("data-fallback-email");
      $("#fallback-mailto").href = "mailto:" + email + "?subject=" + encodeURIComponent(subject.value) + "&body=" + encodeURIComponent(ticketText());
      panel.hidden = false;
      panel.focus();
    }
    $("#fallback-copy").addEventListener("click", function () {
      var button = this;
      navigator.clipboard.writeText(ticketText()).then(function () { button.textContent = t.fallback_copied; });
    });

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var errors = localErrors();
      showErrors(errors);
      if (Object.keys(errors).length) return;
      if (remember.checked) store.set("helpcenter:username", username.value); else store.del("helpcenter:username");
      var body = {};
      ["language", "audience", "category", "subcategory", "username", "email", "subject", "description", "page", "website"].forEach(function (n) { body[n] = field(n).value; });
      body.submission_id = draft.submission_id;
      body.elapsed_ms = Date.now() - started;
      var status = $("#form-status"), button = $("button[type=submit]", form);
      status.textContent = t.sending; button.disabled = true;
      var controller = window.AbortController ? new AbortController() : null;
      var timeout = setTimeout(function () { if (controller) controller.abort(); }, 15000);
      fetch(form.action, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal: controller && controller.signal })
        .then(function (r) { return r.json().catch(function () { return {}; }).then(function (data) { return { status: r.status, data: data }; }); })
        .then(function (res) {
          if (res.status === 201 || res.status === 202) {
            store.del(draftKey);
            $("#success-ticket").textContent = res.data.ticket_id || "";
            form.hidden = true;
            var ok = $("#form-success"); ok.hidden = false; ok.focus();
          } else if (res.status === 400 && res.data.fields) {
            showErrors(res.data.fields);
          } else if (res.status === 429) {
            showErrors({ form: "rate_limited" });
          } else {
            showFallback();
          }
        })
        .catch(showFallback)
        .then(function () { clearTimeout(timeout); status.textContent = ""; button.disabled = false; });
    });
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "s-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var chooser = $(".language-chooser[data-languages]");
    if (chooser) chooseLanguage(chooser);
    var searchForm = $("#search-form");
    if (searchForm) searchPage(searchForm);
    var form = $("#ticket-form");
    if (form) ticketForm(form);
  });
})();
