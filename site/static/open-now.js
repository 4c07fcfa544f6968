// "Open now?" (loaded on the contact page and the pages with a "still need help?" block). Without
// this script visitors read the hours table. With it, each `.open-now` element says whether
// support is open right now and, when closed, when it opens again in the support's time and in
// the visitor's. The hours are wall-clock times of the support's IANA zone: every instant is
// turned into that zone's calendar with Intl (never a fixed offset), so the answer stays right
// across daylight-saving changes of either side.
(function () {
  "use strict";

  var DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
  var MINUTE = 60000;
  var fmt = function (s, vars) { return String(s || "").replace(/\{(\w+)\}/g, function (m, k) { return k in vars ? vars[k] : m; }); };
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };

  // The wall clock of `zone` at instant `ms`: {y, m, d, h, min}.
  function wall(zone, ms) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric"
    }).formatToParts(ms).forEach(function (p) { parts[p.type] = +p.value; });
    return { y: parts.year, m: parts.month, d: parts.day, h: parts.hour % 24, min: parts.minute };
  }

  // The instant at which `zone`'s clock shows the wall time w. The zone's offset is read at a
  // first guess and again at the result, which settles it when a change lies in between.
  function instant(zone, w) {
    var asUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min);
    var offset = function (ms) { var x = wall(zone, ms); return Date.UTC(x.y, x.m - 1, x.d, x.h, x.min) - ms; };
    var guess = asUtc - offset(asUtc);
    return asUtc - offset(guess);
  }

  var minutes = function (hhmm) { var p = hhmm.split(":"); return +p[0] * 60 + +p[1]; };
  var isoDay = function (w) { return w.y + "-" + pad(w.m) + "-" + pad(w.d); };

  // The rows of hours that apply on the civil day of w (none on a holiday), earliest first.
  function rowsOn(s, w) {
    if (s.holidays.indexOf(isoDay(w)) >= 0) return [];
    var day = DAYS[new Date(Date.UTC(w.y, w.m - 1, w.d)).getUTCDay()];
    return s.hours.filter(function (r) { return r.days.indexOf(day) >= 0; })
      .sort(function (a, b) { return minutes(a.from) - minutes(b.from); });
  }

  // Whether support is open at `now`, else the instant it opens next (null: not in two weeks).
  function status(s, now) {
    var here = wall(s.zone, now), at = here.h * 60 + here.min;
    var open = rowsOn(s, here).some(function (r) { return minutes(r.from) <= at && at < minutes(r.to); });
    if (open) return { open: true };
    for (var i = 0; i < 15; i++) {
      var day = new Date(Date.UTC(here.y, here.m - 1, here.d + i));
      var w = { y: day.getUTCFullYear(), m: day.getUTCMonth() + 1, d: day.getUTCDate() };
      var rows = rowsOn(s, w);
      for (var j = 0; j < rows.length; j++) {
        var from = minutes(rows[j].from);
        var opens = instant(s.zone, { y: w.y, m: w.m, d: w.d, h: Math.floor(from / 60), min: from % 60 });
        if (opens > now) return { open: false, opens: opens };
      }
    }
    return null;
  }

  // The sentence for element `el` at instant `now`, in the page's language.
  function sentence(el, s, now) {
    var st = status(s, now);
    if (!st) return "";
    var t = function (name) { return el.getAttribute("data-" + name); };
    if (st.open) return fmt(t("open"), { hours: s.responseHours });
    var lang = document.documentElement.lang;
    var f = function (o) { return new Intl.DateTimeFormat(lang, o).format(st.opens); };
    var theirs = { timeZone: s.zone, hour: "numeric", minute: "2-digit" };
    var mine = { hour: "numeric", minute: "2-digit" };
    var day = f({ timeZone: s.zone, weekday: "long" });
    var time = f(theirs), local = f(mine);
    // The visitor's day is named only when it differs from the support's.
    if (f({ weekday: "long" }) !== day) local = f({ weekday: "short", hour: "numeric", minute: "2-digit" });
    var same = f({ timeZone: s.zone, day: "numeric", hour: "numeric", minute: "numeric" }) ===
      f({ day: "numeric", hour: "numeric", minute: "numeric" });
    return fmt(t(same ? "closed-here" : "closed"), { day: day, time: time, local: local });
  }

  function show(el) {
    var s = {
      zone: el.getAttribute("data-zone"),
      hours: JSON.parse(el.getAttribute("data-hours")),
      holidays: JSON.parse(el.getAttribute("data-holidays")),
      responseHours: el.getAttribute("data-response-hours")
    };
    var text = sentence(el, s, Date.now());
    el.textContent = text;
    el.hidden = !text;
    // Opening and closing happen on the minute: say it again then, for a page left open.
    setTimeout(function () { show(el); }, MINUTE - (Date.now() % MINUTE));
  }

  Array.prototype.forEach.call(document.querySelectorAll(".open-now[data-zone]"), function (el) {
    try { show(el); } catch (e) { el.hidden = true; /* an old browser without time zones: the hours stay */ }
  });
})();
