// The ticket form's files (loaded on contact pages whose tickets take attachments). Without this
// script the native file control posts the files with the form. With it, the control gives way
// to a drop zone with a plain button (dragging is never the only way: WCAG 2.5.7), pasting a
// screenshot works anywhere in the form, and every file goes straight to the bucket as soon as it
// is chosen: an upload slot from the function (`POST …/uploads`), then a `PUT` with per-file
// progress. app.js sends the uploaded files' keys with the ticket.
(function () {
  "use strict";

  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var fmt = function (s, vars) { return String(s || "").replace(/\{(\w+)\}/g, function (m, k) { return k in vars ? vars[k] : m; }); };
  var SLOT_TIMEOUT_MS = 15000;

  // box: the form's `.file-field`; o: { t (UI strings), submissionId, saved (the draft's
  // uploaded files: [{key, name, size, type}]), save(list) (keeps that list in the draft) }.
  window.helpcenterUploads = function (box, o) {
    var t = o.t, form = box.closest("form");
    var input = $("input[type=file]", box), zone = $(".drop-zone", box), choose = $("button", zone);
    var list = $(".file-list", box), live = $("#f-attachments-live"), error = $(".error", box);
    var row = $("#f-attachments-item");
    var maxFiles = +box.getAttribute("data-max-files"), maxMib = +box.getAttribute("data-max-file-mib");
    var types = JSON.parse(box.getAttribute("data-types"));
    var items = [], waiters = [], serial = 0;
    var size = sizeFormat(document.documentElement.lang);

    // The script takes over the control (app.js leaves it out of the JSON post).
    input.hidden = true;
    $("#f-attachments-nojs").hidden = true; // the post's limit does not apply to uploads
    zone.hidden = false;
    $("label", box).htmlFor = choose.id; // the label, and the error summary's link, lead here
    choose.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", function () { add(input.files); input.value = ""; });

    // Drop anywhere on the field; the zone shows where.
    var hasFiles = function (ev) { return ev.dataTransfer && Array.prototype.indexOf.call(ev.dataTransfer.types, "Files") >= 0; };
    box.addEventListener("dragover", function (ev) {
      if (!hasFiles(ev)) return;
      ev.preventDefault();
      zone.classList.add("dragging");
    });
    box.addEventListener("dragleave", function (ev) { if (!box.contains(ev.relatedTarget)) zone.classList.remove("dragging"); });
    box.addEventListener("drop", function (ev) {
      zone.classList.remove("dragging");
      if (!hasFiles(ev)) return;
      ev.preventDefault();
      add(ev.dataTransfer.files);
    });
    // A file dropped beside the field would make the browser open it and leave the form.
    ["dragover", "drop"].forEach(function (type) {
      document.addEventListener(type, function (ev) {
        if (hasFiles(ev) && !box.contains(ev.target)) ev.preventDefault();
      });
    });
    // A pasted screenshot, wherever the focus is in the form. Text pasted into a field stays
    // text, even when the clipboard also holds a picture of it (office apps put both).
    form.addEventListener("paste", function (ev) {
      var data = ev.clipboardData, files = data ? Array.prototype.slice.call(data.files) : [];
      if (!files.length || (/^(INPUT|TEXTAREA)$/.test(ev.target.tagName) && data.getData("text/plain"))) return;
      ev.preventDefault();
      add(files.map(pastedName));
    });

    (o.saved || []).forEach(function (s) {
      if (!s || !s.key || items.length >= maxFiles) return;
      var item = newItem({ name: s.name, size: s.size, type: s.type });
      item.key = s.key; item.state = "done";
      show(item);
    });

    // --- choosing: the same limits as the function's; it judges the bytes again ----------
    function add(files) {
      var extra = 0;
      fieldError("");
      Array.prototype.forEach.call(files, function (file) {
        if (items.length >= maxFiles) { extra++; return; }
        var item = newItem(file);
        item.file = file; item.type = typeOf(file);
        item.code = problem(file, item.type);
        if (item.code) { item.state = "rejected"; show(item); say(item); } else upload(item);
      });
      if (extra) fieldError(message("too_many_files"));
    }
    function problem(file, type) {
      if (!file.size) return "empty_file";
      if (file.size > maxMib * 1048576) return "too_large";
      return type ? "" : "unsupported_type";
    }
    // The media type to ask a slot for: the browser's claim when it is allowed, else the one of
    // the name's extension (browsers claim nothing for .log, or something odd for .mov).
    function typeOf(file) {
      var claimed = String(file.type).split(";")[0].trim().toLowerCase();
      var ext = (/\.([^.]+)$/.exec(file.name) || [])[1];
      ext = ext && ext.toLowerCase();
      var found = types.filter(function (k) { return k.mime === claimed; })[0] ||
        types.filter(function (k) { return k.extensions.indexOf(ext) >= 0; })[0];
      return found ? found.mime : "";
    }
    // Pasted pictures are all called image.png: a time stamp tells them apart in the ticket.
    function pastedName(file) {
      var ext = (/^image\/(\w+)/.exec(file.type) || [])[1];
      if (!ext || !/^image\.\w+$/.test(file.name) || !window.File) return file;
      var stamp = new Date().toISOString().slice(0, 19).replace(/\D/g, "");
      return new File([file], "screenshot-" + stamp + "-" + (++serial) + "." + ext.replace("jpeg", "jpg"), { type: file.type });
    }

    // --- uploading: a slot from the function, then the file straight to the bucket ---------
    function upload(item) {
      item.state = "uploading"; item.code = ""; item.progress = 0;
      show(item);
      var body = { submission_id: o.submissionId, name: item.name, size: item.size, type: item.type };
      var controller = window.AbortController ? new AbortController() : null;
      var timer = setTimeout(function () { if (controller) controller.abort(); }, SLOT_TIMEOUT_MS);
      item.cancel = function () { if (controller) controller.abort(); };
      fetch(box.getAttribute("data-uploads"), {
        method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(body), signal: controller && controller.signal, credentials: "omit"
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) { return { status: r.status, data: data || {} }; });
      }).then(function (res) {
        clearTimeout(timer);
        if (item.removed) return;
        var code = res.data.fields && res.data.fields.attachments;
        if (res.status === 201 && res.data.url) put(item, res.data);
        else if (res.status === 400 && code) finish(item, "rejected", code);
        else finish(item, "failed", res.status === 429 ? "rate_limited" : "upload_missing");
      }).catch(function () { clearTimeout(timer); if (!item.removed) finish(item, "failed", "upload_missing"); });
    }
    function put(item, slot) {
      var xhr = new XMLHttpRequest();
      item.cancel = function () { xhr.abort(); };
      xhr.open(slot.method || "PUT", slot.url);
      Object.keys(slot.headers || {}).forEach(function (h) { xhr.setRequestHeader(h, slot.headers[h]); });
      xhr.upload.onprogress = function (ev) {
        if (ev.lengthComputable) { item.progress = Math.round(100 * ev.loaded / ev.total); show(item); }
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) { item.key = slot.key; finish(item, "done", ""); } else finish(item, "failed", "upload_missing");
      };
      xhr.onerror = xhr.ontimeout = function () { finish(item, "failed", "upload_missing"); };
      xhr.send(item.file);
    }
    function finish(item, state, code) {
      item.state = state; item.code = code; item.cancel = null;
      show(item); say(item); keep(); settle();
    }
    function remove(item) {
      var at = items.indexOf(item);
      item.removed = true;
      if (item.cancel) item.cancel();
      if (item.url) URL.revokeObjectURL(item.url);
      items.splice(at, 1);
      list.removeChild(item.el);
      list.hidden = !items.length;
      live.textContent = fmt(t.attachments_removed, { name: item.name });
      // The focus goes on to the next file's button, or back to the button that adds files.
      var next = items[at] || items[at - 1];
      (next ? $(".file-remove", next.el) : choose).focus();
      fieldError("");
      keep(); settle();
    }
    // The draft keeps what is in the bucket: a reload shows those files again.
    function keep() {
      o.save(items.filter(function (i) { return i.state === "done"; }).map(function (i) {
        return { key: i.key, name: i.name, size: i.size, type: i.type };
      }));
    }
    function settle() {
      if (uploading().length) return;
      waiters.splice(0).forEach(function (resolve) { resolve(); });
    }
    function uploading() { return items.filter(function (i) { return i.state === "uploading"; }); }

    // --- the list: one row per file (the template's #f-attachments-item) -------------------
    function newItem(file) {
      var item = { name: file.name, size: file.size, type: file.type, el: row.content.firstElementChild.cloneNode(true) };
      var id = "f-attachments-file-" + (++serial);
      $(".file-name", item.el).id = id;
      $(".file-progress", item.el).setAttribute("aria-labelledby", id);
      $$(".file-of", item.el).forEach(function (s) { s.textContent = " " + file.name; });
      $(".file-remove", item.el).addEventListener("click", function () { remove(item); });
      $(".file-retry", item.el).addEventListener("click", function () {
        fieldError(""); upload(item);
        $(".file-remove", item.el).focus(); // Retry hides while the file uploads again
      });
      items.push(item);
      list.appendChild(item.el);
      list.hidden = false;
      return item;
    }
    function show(item) {
      var el = item.el, failed = item.state === "failed" || item.state === "rejected";
      $(".file-name", el).textContent = item.name;
      $(".file-size", el).textContent = size(item.size);
      if (item.file && /^image\//.test(item.type) && !item.url && !failed) {
        item.url = URL.createObjectURL(item.file);
        $(".file-thumb", el).src = item.url;
        $(".file-thumb", el).hidden = false;
      }
      var progress = $(".file-progress", el);
      progress.hidden = item.state !== "uploading";
      progress.value = item.progress || 0;
      $(".file-status", el).textContent = item.state === "uploading" ? t.attachments_uploading
        : item.state === "done" ? t.attachments_uploaded : "";
      var problem = $(".file-error", el);
      problem.textContent = failed ? message(item.code) : "";
      problem.hidden = !failed;
      $(".file-retry", el).hidden = !(item.state === "failed" && item.file);
      el.className = "file-item file-" + item.state;
    }
    // Screen readers hear when a file is done, or not, not every step of the progress.
    function say(item) {
      live.textContent = item.name + ": " + (item.code ? message(item.code) : t.attachments_uploaded);
    }
    function fieldError(text) {
      error.textContent = text; error.hidden = !text;
      box.classList.toggle("invalid", !!text);
      if (text) live.textContent = text;
    }
    function vars(post) {
      return { files: maxFiles, mib: post ? box.getAttribute("data-max-post-mib") : maxMib, types: box.getAttribute("data-type-labels") };
    }
    function message(code) { return fmt(t["error_" + code] || t.error_invalid, vars()); }

    return {
      // The placeholders of the error messages; `post`: about the post without JavaScript.
      vars: vars,
      // A problem the person has to solve before sending (a file the function would refuse).
      problem: function () {
        var bad = items.filter(function (i) { return i.state === "rejected"; })[0];
        return bad ? bad.code : "";
      },
      // Names of the files still uploading; settled() resolves when there are none.
      uploading: function () { return uploading().map(function (i) { return i.name; }); },
      settled: function () { return new Promise(function (resolve) { waiters.push(resolve); settle(); }); },
      // The uploaded files' keys, in the list's order: what the ticket carries.
      keys: function () { return items.filter(function (i) { return i.state === "done"; }).map(function (i) { return i.key; }); },
      // Every file's name, and those of the files that are not in the bucket.
      names: function () { return items.map(function (i) { return i.name; }); },
      unsent: function () { return items.filter(function (i) { return i.state !== "done"; }).map(function (i) { return i.name; }); },
      // The function's verdict on files of the ticket: [{key, name, code}].
      refused: function (files) {
        files.forEach(function (f) {
          var item = items.filter(function (i) { return i.key === f.key; })[0];
          if (!item) return;
          // A file missing from the bucket can be sent again; one with a wrong type or size cannot.
          if (f.code === "upload_missing") finish(item, "failed", f.code); else finish(item, "rejected", f.code);
        });
      }
    };
  };

  function $$(sel, root) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }

  // 12345 → "12 kB" in the page's language (a tiny file is "0.2 kB").
  function sizeFormat(lang) {
    var units = [["kilobyte", 1024], ["megabyte", 1048576], ["gigabyte", 1073741824]];
    return function (bytes) {
      var u = units.filter(function (x) { return bytes >= x[1]; }).pop() || units[0];
      var n = bytes ? Math.max(bytes / u[1], 0.1) : 0;
      try {
        return new Intl.NumberFormat(lang, { style: "unit", unit: u[0], unitDisplay: "short", maximumFractionDigits: n < 10 ? 1 : 0 }).format(n);
      } catch (e) {
        return Math.round(n) + " " + u[0]; // a browser without unit formatting
      }
    };
  }
})();
