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

  // --- search: the language's Pagefind bundle, /<lang>/pagefind/ (generator/src/search/) ---
  // One instance per bundle, shared by the search page and the ticket form's suggestions.
  var bundles = {};
  function pagefindAt(url) {
    if (!bundles[url]) {
      bundles[url] = import(url).then(function (pagefind) {
        // Result URLs are site paths already (no prefix from the bundle's folder); no web worker:
        // one file less to download, and an index of this size answers in milliseconds. Result
        // links carry the searched words (?highlight=…): the article marks them (highlight.js).
        var options = { baseUrl: "/", noWorker: true, excerptLength: 24, highlightParam: "highlight" };
        return Promise.resolve(pagefind.options(options))
          .then(function () { return pagefind; });
      });
      bundles[url].catch(function () { delete bundles[url]; }); // try again next time
    }
    return bundles[url];
  }
  // The articles of the bundle's language matching `query` (of one audience when given):
  // Pagefind's results, best first; each one's `data()` loads its URL, title and excerpt.
  function findArticles(url, query, audience) {
    return pagefindAt(url).then(function (pagefind) {
      return pagefind.search(query, audience ? { filters: { audience: audience } } : {});
    }).then(function (found) { return (found && found.results) || []; });
  }
  // A result: <li class="search-result"><a href>title</a> <span class="search-category">…</span>
  // <p class="search-excerpt">text with <mark>matches</mark></p>, then the sections it matched
  // in: <ul class="search-sections"><li><a class="search-section" href="…#heading">heading</a>
  // <p class="search-excerpt">…</p></li></ul></li>.
  function resultItem(d) {
    var li = document.createElement("li"), a = document.createElement("a");
    li.className = "search-result";
    a.href = d.url; a.textContent = (d.meta && d.meta.title) || d.url;
    li.appendChild(a);
    if (d.meta && d.meta.category) {
      var c = document.createElement("span");
      c.className = "search-category"; c.textContent = d.meta.category;
      li.appendChild(document.createTextNode(" ")); li.appendChild(c);
    }
    var parts = bestParts(d), sections = parts.filter(function (s) { return s.anchor; });
    // The page's own excerpt when no section is shown, else the matches before the first heading.
    var intro = sections.length ? parts.filter(function (s) { return !s.anchor; })[0] : d;
    if (intro) li.appendChild(excerpt(intro.excerpt));
    if (sections.length) {
      var ul = document.createElement("ul");
      ul.className = "search-sections";
      sections.forEach(function (s) {
        var item = document.createElement("li"), link = document.createElement("a");
        link.className = "search-section"; link.href = s.url; link.textContent = s.title;
        item.appendChild(link); item.appendChild(excerpt(s.excerpt));
        ul.appendChild(item);
      });
      li.appendChild(ul);
    }
    return li;
  }
  function excerpt(html) {
    var p = document.createElement("p");
    p.className = "search-excerpt";
    p.innerHTML = html; // Pagefind escapes the text (< and >) and adds only <mark>
    return p;
  }
  // Pagefind's sub-results (the part before the first heading, then one per heading, `url#id`):
  // the SECTIONS with the most matches, in the page's order (as Pagefind's own UI picks them).
  var SECTIONS = 3;
  function bestParts(d) {
    var parts = d.sub_results || [];
    var most = parts.slice().sort(function (x, y) { return y.locations.length - x.locations.length; }).slice(0, SECTIONS);
    return parts.filter(function (s) { return most.indexOf(s) >= 0; });
  }
  var PAGE = 10;
  function searchPage(form) {
    var input = $("#q", form), list = $("#search-results"), status = $("#search-status"), more = $("#search-more");
    var url = form.getAttribute("data-pagefind"), results = [], shown = 0, asked = 0;
    function show() {
      var mine = asked, next = results.slice(shown, shown + PAGE);
      shown += next.length; more.hidden = true;
      return Promise.all(next.map(function (r) { return r.data(); })).then(function (pages) {
        if (mine !== asked) return;
        pages.forEach(function (d) { list.appendChild(resultItem(d)); });
        more.hidden = shown >= results.length;
      });
    }
    function run(q) {
      var mine = ++asked;
      list.textContent = ""; results = []; shown = 0; more.hidden = true;
      list.setAttribute("aria-busy", "true");
      if (!q.trim()) { status.textContent = ""; list.removeAttribute("aria-busy"); return; }
      findArticles(url, q).then(function (found) {
        if (mine !== asked) return;
        results = found;
        if (window.helpcenterFeedback) helpcenterFeedback.searched(q, found.length); // feedback.js
        status.textContent = found.length ? fmt(status.getAttribute("data-count"), { n: found.length }) : status.getAttribute("data-none");
        return show();
      }).catch(function () {
        if (mine === asked) status.textContent = status.getAttribute("data-failed");
      }).then(function () { if (mine === asked) list.removeAttribute("aria-busy"); });
    }
    more.addEventListener("click", function () {
      var first = list.children.length;
      show().then(function () { var next = list.children[first]; if (next) $("a", next).focus(); }); // keyboard users go on from there
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
      run(input.value);
    });
    input.value = new URLSearchParams(location.search).get("q") || "";
    run(input.value);
  }

  // --- the ticket form -------------------------------------------------------------------
  // Without this script the form posts natively (the function answers 303 → thank-you page).
  // With it: choices that belong together, preselection from the ticket link, a local draft,
  // word counter and article suggestions, files uploaded as they are chosen (uploads.js), JSON
  // submit with a per-draft submission_id, field errors with a summary (GOV.UK pattern), and a
  // mailto: fallback when the function cannot be reached.
  var TICKET_FIELDS = ["audience", "category", "subcategory", "username", "email", "subject", "description"];
  var SEND_TIMEOUT_MS = 15000;

  function ticketForm(form) {
    if (!window.fetch || !window.JSON) return; // the native post still works
    var t = JSON.parse(form.getAttribute("data-strings"));
    var draftKey = "helpcenter:draft:" + location.pathname;
    var userKey = "helpcenter:username";
    var started = Date.now();
    var minFill = +form.getAttribute("data-min-fill-ms") || 0;
    var field = function (name) { return form.elements[name]; };
    var audience = field("audience"), category = field("category"), subcategory = field("subcategory");
    var subject = field("subject"), username = field("username"), remember = $("#f-remember");
    var summary = $("#error-summary"), fallback = $("#fallback-panel"), success = $("#form-success");
    var status = $("#form-status"), button = $("button[type=submit]", form);
    var title = document.title, sending = false;
    form.setAttribute("novalidate", "");

    // audience → category → subcategory: only the choices that belong together are offered.
    // The option groups are taken out of the list rather than hidden (hidden options still
    // show in some mobile pickers).
    function choices(select) {
      var groups = $$("optgroup", select);
      return function (keep) {
        var value = select.value;
        groups.forEach(function (g) { if (g.parentNode) g.parentNode.removeChild(g); });
        groups.forEach(function (g) { if (keep(g)) select.appendChild(g); });
        select.value = value;
        if (select.value !== value) select.value = "";
      };
    }
    var categoryChoices = choices(category), subcategoryChoices = choices(subcategory);
    var subcategoryBox = subcategory.closest(".field");
    function cascade() {
      categoryChoices(function (g) { return !audience.value || g.getAttribute("data-audience") === audience.value; });
      subcategoryChoices(function (g) {
        return (!audience.value || g.getAttribute("data-audience") === audience.value) &&
          (!category.value || g.getAttribute("data-category") === category.value);
      });
      // A category without subcategories takes none: the question disappears.
      var none = !!category.value && !$("option[value]:not([value=''])", subcategory);
      subcategoryBox.hidden = none; subcategory.disabled = none; subcategory.required = !none;
    }
    // Choosing a category (or subcategory) first also chooses what it belongs to.
    function adopt(select) {
      var opt = select.selectedOptions[0];
      if (!opt || !opt.value) return;
      if (opt.getAttribute("data-audience")) audience.value = opt.getAttribute("data-audience");
      cascade();
      if (opt.getAttribute("data-category")) category.value = opt.getAttribute("data-category");
      cascade();
    }
    audience.addEventListener("change", cascade);
    category.addEventListener("change", function () { adopt(category); });
    subcategory.addEventListener("change", function () { adopt(subcategory); });

    // The draft survives reloads and failures until it is sent. The ticket link's
    // ?audience=&category= (and the no-JavaScript post's way back) win over an older draft.
    var draft = store.get(draftKey) || {};
    var params = new URLSearchParams(location.search);
    TICKET_FIELDS.forEach(function (n) { if (draft[n] && field(n)) field(n).value = draft[n]; });
    if (!draft.username && tabStore(draftKey)) username.value = tabStore(draftKey);
    cascade();
    ["audience", "category", "subcategory"].forEach(function (n) {
      var wanted = params.get(n);
      if (!wanted) return;
      field(n).value = wanted;
      if (field(n).value === wanted) adopt(field(n)); else cascade();
    });
    // From an article that did not help (its feedback's ticket link): support sees which one.
    if (params.get("page")) field("page").value = params.get("page");
    if (!draft.submission_id) draft.submission_id = newId();
    field("submission_id").value = draft.submission_id;
    // The files go to the bucket under this draft's submission_id; the draft keeps their keys.
    var fileBox = $(".file-field", form);
    var files = fileBox && window.helpcenterUploads ? window.helpcenterUploads(fileBox, {
      t: t, submissionId: draft.submission_id, saved: draft.attachments,
      save: function (list) { draft.attachments = list; save(); }
    }) : null;

    // The username is remembered on this device only when the visitor ticks the box.
    var remembered = store.get(userKey);
    if (remembered) { if (!username.value) username.value = remembered; remember.checked = true; }
    // Ticking it remembers at once, unticking forgets at once. Without that consent the draft's
    // username stays in this tab only (it survives a reload, not the tab); everything else waits
    // in localStorage until the ticket is sent.
    function save() {
      TICKET_FIELDS.forEach(function (n) { draft[n] = field(n).value; });
      if (remember.checked) {
        if (username.value.trim()) store.set(userKey, username.value.trim()); else store.del(userKey);
        tabStore(draftKey, null);
      } else {
        store.del(userKey);
        tabStore(draftKey, draft.username); delete draft.username;
      }
      store.set(draftKey, draft);
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);

    // The subject: a word counter (5–7 words) and matching articles of this language.
    var counter = $("#f-subject-count"), spoken = $("#f-subject-count-live"), box = $("#f-suggestions");
    var minWords = +form.getAttribute("data-min-words"), maxWords = +form.getAttribute("data-max-words");
    var typing, speaking, asked = 0, suggested = "";
    // Screen readers hear the count (and the suggestions) once the typing pauses, not at every key.
    function speak() {
      clearTimeout(speaking);
      speaking = setTimeout(function () {
        if (spoken) spoken.textContent = counter.textContent + (suggested ? ". " + suggested : "");
      }, 1200);
    }
    function count() {
      var n = subject.value.trim() ? subject.value.trim().split(/\s+/).length : 0;
      var hint = n < minWords ? t.words_hint_short : n > maxWords ? t.words_hint_long : "";
      counter.textContent = n ? fmt(t.words_count, { n: n }) + (hint ? " — " + hint : "") : "";
      counter.className = "counter" + (n && hint ? " counter-hint" : n ? " counter-ok" : "");
      speak();
    }
    subject.addEventListener("input", function () {
      count();
      clearTimeout(typing);
      typing = setTimeout(suggest, 200);
    });
    audience.addEventListener("change", function () { if (subject.value.trim()) suggest(); });
    function suggest() {
      var query = subject.value.trim(), mine = ++asked;
      var list = $("ul", box);
      if (query.length < 3) { box.hidden = true; list.textContent = ""; suggested = ""; return; }
      suggestArticles(form, query, audience.value, 5).then(function (found) {
        if (mine !== asked) return; // an older answer arriving late
        if (window.helpcenterFeedback) helpcenterFeedback.searched(query, found.length); // feedback.js, where loaded
        list.textContent = "";
        found.forEach(function (e) { list.appendChild(suggestionItem(e)); });
        box.hidden = !found.length;
        suggested = found.length ? t.suggestions_title + " " + found.map(function (e) { return e.title; }).join("; ") : "";
        speak();
      }).catch(function () { box.hidden = true; suggested = ""; });
    }
    if (subject.value) count();

    // Errors next to their fields, and a summary that takes focus (GOV.UK pattern).
    function fieldBox(name) { return $('.field[data-field="' + name + '"]', form); }
    // The control a field's label is for (the file field's is the button uploads.js adds).
    function controlOf(fb) {
      var label = fb && !fb.hidden && $(":scope > label", fb);
      return label ? document.getElementById(label.htmlFor) : null;
    }
    function labelOf(name) {
      var l = $('.field[data-field="' + name + '"] > label', form);
      return l ? l.firstChild.textContent.trim() : name;
    }
    // "Email address: …", but "What is it about? …" (no colon after a label's own punctuation).
    function labelled(name, text) {
      var label = labelOf(name);
      return label + (/[?:…؟：]$/.test(label) ? " " : ": ") + text;
    }
    // `vars` fill the messages' placeholders ({files}, {mib}, {types}): the file field's limits.
    function showErrors(fields, vars) {
      var list = $("ul", summary), names = Object.keys(fields);
      list.textContent = "";
      $$(".field", form).forEach(function (f) {
        f.classList.remove("invalid");
        var e = $(".error", f); if (e) { e.hidden = true; e.textContent = ""; }
        $$("[aria-invalid]", f).forEach(function (c) { c.removeAttribute("aria-invalid"); });
      });
      names.forEach(function (name) {
        var message = fmt(t["error_" + fields[name]] || t.error_invalid, vars || (files ? files.vars() : {}));
        var fb = fieldBox(name), control = controlOf(fb);
        var li = document.createElement("li");
        if (control) {
          fb.classList.add("invalid");
          control.setAttribute("aria-invalid", "true");
          var e = $(".error", fb); e.textContent = message; e.hidden = false;
          var a = document.createElement("a");
          a.href = "#" + control.id;
          a.textContent = labelled(name, message);
          a.addEventListener("click", function (ev) {
            // Move to the field itself, with its label in view (a fragment only scrolls).
            ev.preventDefault();
            var label = $("label", fb);
            (label || control).scrollIntoView({ block: "start" });
            control.focus({ preventScroll: true });
          });
          li.appendChild(a);
        } else {
          li.textContent = message; // about the whole form (too fast, rate limit…)
        }
        list.appendChild(li);
      });
      summary.hidden = !names.length;
      document.title = names.length ? t.error_summary_title + " · " + title : title;
      if (names.length) { summary.scrollIntoView({ block: "start" }); summary.focus({ preventScroll: true }); }
    }
    function localErrors() {
      var out = {};
      $$("input[required],select[required],textarea[required]", form).forEach(function (el) {
        if (el.disabled) return;
        var v = el.value.trim(), chars = Array.from(v).length;
        if (!v) out[el.name] = "required";
        else if (el.type === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) out[el.name] = "invalid_email";
        else if (el.maxLength > 0 && chars > el.maxLength) out[el.name] = "too_long";
        else if (el.minLength > 0 && chars < el.minLength) out[el.name] = "too_short";
      });
      var u = username.value.trim();
      if (username.maxLength > 0 && Array.from(u).length > username.maxLength) out.username = "too_long";
      if (files && files.problem()) out.attachments = files.problem();
      return out;
    }

    // What the mailto: fallback carries: the ticket in the same structure as the form.
    function ticketText() {
      var choice = function (el) { var o = el.selectedOptions[0]; return o && o.value ? o.textContent.trim() : ""; };
      var lines = [
        labelled("username", username.value.trim()),
        labelled("email", field("email").value.trim()),
        labelled("audience", choice(audience)),
        labelled("category", choice(category))
      ];
      if (!subcategory.disabled) lines.push(labelled("subcategory", choice(subcategory)));
      lines.push(labelled("subject", subject.value.trim()), "", labelled("description", "").trim(), field("description").value.trim(), "");
      if (files && files.names().length) lines.push(labelled("attachments", files.names().join(", ")), "");
      lines.push("— " + field("page").value + " · " + field("language").value + " · " + draft.submission_id);
      return lines.join("\n");
    }
    function showFallback() {
      var email = form.getAttribute("data-fallback-email");
      var mailSubject = subject.value.trim() || t.form_title;
      $("#fallback-mailto").href = "mailto:" + email + "?subject=" + encodeURIComponent(mailSubject) + "&body=" + encodeURIComponent(ticketText());
      $("#fallback-copy-status").textContent = "";
      // Files in the bucket belong to no ticket yet: the person attaches every one to the email.
      note("#fallback-files", t.attachments_fallback, files ? files.names() : []);
      fallback.hidden = false;
      fallback.scrollIntoView({ block: "start" });
      fallback.focus({ preventScroll: true });
    }
    $("#fallback-copy").addEventListener("click", function () {
      var text = ticketText(), said = $("#fallback-copy-status");
      var done = function () { said.textContent = t.fallback_copied; };
      var byHand = function () {
        var area = document.createElement("textarea");
        area.value = text; area.setAttribute("readonly", ""); area.className = "visually-hidden";
        document.body.appendChild(area); area.select();
        var ok = false; try { ok = document.execCommand("copy"); } catch (e) { /* not allowed */ }
        document.body.removeChild(area);
        $("#fallback-copy").focus();
        if (ok) done();
      };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, byHand);
      else byHand();
    });

    // A panel's line about files, shown when `names` has any.
    function note(sel, text, names) {
      var p = $(sel);
      if (!p) return;
      p.textContent = fmt(text, { names: names.join(", ") });
      p.hidden = !names.length;
    }
    function showSuccess(data) {
      store.del(draftKey); tabStore(draftKey, null);
      // Files the bucket could not take, and those that never reached it: the person replies
      // to the acknowledgement with them.
      note("#success-files", t.attachments_failed, files ? (data.attachments_failed || []).concat(files.unsent()) : []);
      $("#success-ticket").textContent = data.ticket_id || "";
      form.hidden = true; summary.hidden = true; fallback.hidden = true;
      document.title = t.thanks_title + " · " + title;
      success.hidden = false;
      success.scrollIntoView({ block: "start" });
      success.focus({ preventScroll: true });
    }
    function done() { sending = false; status.textContent = ""; button.removeAttribute("aria-disabled"); }

    function send(retried) {
      var body = {};
      // Files are not the control's: uploads.js sent them to the bucket, the ticket names their keys.
      $$("input[name],select[name],textarea[name]", form).forEach(function (el) { if (!el.disabled && el.type !== "file") body[el.name] = el.value; });
      body.submission_id = draft.submission_id;
      body.elapsed_ms = Date.now() - started;
      if (files && files.keys().length) body.attachments = files.keys();
      var controller = window.AbortController ? new AbortController() : null;
      var timer = setTimeout(function () { if (controller) controller.abort(); }, SEND_TIMEOUT_MS);
      fetch(form.action, {
        method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(body), signal: controller && controller.signal, credentials: "omit"
      })
        .then(function (r) { return r.json().catch(function () { return {}; }).then(function (data) { return { status: r.status, data: data || {} }; }); })
        .then(function (res) {
          clearTimeout(timer);
          var fields = res.data.fields || {};
          if (res.status === 201 || res.status === 202) { done(); showSuccess(res.data); return; }
          if (res.status === 400 && res.data.fields) {
            // Too fast for the function's clock: wait the missing time once and send again.
            if (!retried && Object.keys(fields).length === 1 && fields.elapsed_ms === "too_fast") {
              setTimeout(function () { send(true); }, minFill || 3000);
              return;
            }
            if (files && res.data.files) files.refused(res.data.files);
            done(); showErrors(fields); return;
          }
          done();
          if (res.status === 429) showErrors({ form: "rate_limited" });
          else showFallback(); // 5xx, 503, or anything the page cannot act on
        })
        .catch(function () { clearTimeout(timer); done(); showFallback(); });
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (sending) return;
      fallback.hidden = true;
      var errors = localErrors();
      showErrors(errors);
      if (Object.keys(errors).length) return;
      save();
      sending = true; button.setAttribute("aria-disabled", "true");
      var waiting = files ? files.uploading() : [];
      status.textContent = waiting.length ? fmt(t.attachments_waiting, { names: waiting.join(", ") }) : t.sending;
      // Running uploads finish first: the ticket carries their keys.
      (files ? files.settled() : Promise.resolve()).then(function () {
        var problem = files && files.problem();
        if (problem) { done(); showErrors({ attachments: problem }); return; }
        status.textContent = t.sending;
        // The function refuses posts faster than a person types; a quick visitor just waits.
        setTimeout(function () { send(false); }, Math.max(0, minFill + 100 - (Date.now() - started)));
      });
    });

    // Back from the no-JavaScript post with ?errors=field:code,…
    if (params.get("errors")) {
      var back = {};
      params.get("errors").split(",").forEach(function (pair) {
        var i = pair.indexOf(":");
        if (i > 0) back[pair.slice(0, i)] = pair.slice(i + 1);
      });
      if (back.form === "unavailable") showFallback();
      else showErrors(back, files && files.vars(true)); // too_large there: the whole post's limit
    }
  }

  // sessionStorage: tabStore(key) reads, tabStore(key, value) writes, a null value removes.
  function tabStore(key, value) {
    try {
      if (arguments.length < 2) return sessionStorage.getItem(key + ":username");
      if (value) sessionStorage.setItem(key + ":username", value); else sessionStorage.removeItem(key + ":username");
    } catch (e) { /* storage disabled */ }
    return null;
  }

  // Article suggestions for the ticket form: [{url, title}] of the form's language (and audience),
  // from the language's Pagefind bundle (the same index as the search page).
  function suggestArticles(form, query, audience, limit) {
    return findArticles(form.getAttribute("data-pagefind"), query, audience).then(function (found) {
      return Promise.all(found.slice(0, limit).map(function (r) { return r.data(); }));
    }).then(function (pages) {
      // The page's own URL (`raw_url`, without ?highlight=): a subject is a sentence, and most of
      // its words would be marked all over the article.
      return pages.map(function (d) { return { url: d.raw_url || d.url, title: (d.meta && d.meta.title) || d.url }; });
    });
  }

  function suggestionItem(e) {
    var li = document.createElement("li"), a = document.createElement("a");
    a.href = e.url; a.textContent = e.title;
    li.appendChild(a);
    return li;
  }

  // --- the thank-you page: the ticket number from ?ticket= --------------------------------
  function thanksPage(box) {
    var params = new URLSearchParams(location.search), ticket = params.get("ticket");
    // The post without JavaScript says how many of its files the bucket could not take.
    var lost = Math.floor(+params.get("attachments_failed")), note = $("#thanks-files", box);
    if (lost > 0 && note) { note.textContent = fmt(note.textContent, { n: lost }); note.hidden = false; }
    if (!ticket || !/^[A-Za-z0-9_-]{1,64}$/.test(ticket)) return;
    $("#ticket-id", box).textContent = ticket;
    $(".ticket-number", box).hidden = false;
    var draftKey = "helpcenter:draft:" + location.pathname.replace(/thanks\/?$/, "");
    store.del(draftKey); tabStore(draftKey, null);
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
    var thanks = $("#thanks");
    if (thanks) thanksPage(thanks);
  });
})();
