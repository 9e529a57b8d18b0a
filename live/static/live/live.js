/*
 * Live coverage: while the story is live, ask entries.json for what changed and put
 * new entries at the top without a reload. The server sends escaped HTML fragments
 * (the same partial the page renders); nothing here builds markup from text.
 * Without JavaScript the page shows every entry on reload.
 */
(function () {
  "use strict";

  var section = document.querySelector("[data-live-entries]");
  if (!section || section.dataset.status !== "live" || !window.fetch) {
    return;
  }
  var url = section.dataset.liveEntries;
  var since = section.dataset.since;
  var seconds = parseFloat(section.dataset.pollSeconds);
  var delay = (seconds > 0 ? seconds : 10) * 1000;
  var list = section.querySelector("[data-live-list]");
  var moments = section.querySelector("[data-key-moments]");
  var announcer = section.querySelector("[data-live-announcer]");
  var label = section.querySelector("[data-live-status]");
  var timer = null;
  var busy = false;
  var stopped = false;

  function element(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function keyMoment(anchor) {
    return moments.querySelector('[data-key-moment="' + CSS.escape(anchor) + '"]');
  }

  function placeKeyMoment(entry) {
    var old = keyMoment(entry.anchor);
    if (!entry.key_moment_html) {
      if (old) { old.remove(); }
    } else if (old) {
      old.replaceWith(element(entry.key_moment_html));
    } else {
      moments.prepend(element(entry.key_moment_html));
    }
    moments.closest("nav").hidden = moments.children.length === 0;
  }

  /* Put one entry in place; return true when it is new to this page. */
  function placeEntry(entry) {
    var fresh = element(entry.html);
    var old = document.getElementById(entry.anchor);
    placeKeyMoment(entry);
    if (old) {
      if (old.dataset.updated !== fresh.dataset.updated) { old.replaceWith(fresh); }
      return false;
    }
    var empty = list.querySelector("[data-live-empty]");
    if (empty) { empty.remove(); }
    list.prepend(fresh);
    return true;
  }

  function dropDeleted(ids) {
    var current = new Set(ids.map(function (id) { return "entry-" + id; }));
    list.querySelectorAll(".live-entry").forEach(function (node) {
      if (!current.has(node.id)) {
        var moment = keyMoment(node.id);
        if (moment) { moment.remove(); }
        node.remove();
      }
    });
    moments.closest("nav").hidden = moments.children.length === 0;
  }

  function announce(added) {
    if (added.length === 1) {
      var title = added[0].title || added[0].body.split(/\s+/).slice(0, 12).join(" ");
      announcer.textContent = "New entry: " + title;
    } else if (added.length > 1) {
      announcer.textContent = added.length + " new entries.";
    }
  }

  function end() {
    stopped = true;
    section.dataset.status = "ended";
    label.textContent = "Ended";
    label.className = "live-status live-status-ended";
    var hint = section.querySelector(".live-hint");
    if (hint) { hint.textContent = "The live coverage has ended."; }
    announcer.textContent = "The live coverage has ended.";
  }

  function apply(data) {
    var added = [];
    /* Oldest first, each to the top: the newest ends up first. */
    data.entries.slice().reverse().forEach(function (entry) {
      if (placeEntry(entry)) { added.push(entry); }
    });
    dropDeleted(data.entry_ids);
    since = data.next_since;
    announce(added.reverse());
    if (data.status !== "live") { end(); }
  }

  function schedule() {
    busy = false;
    if (!stopped && !document.hidden) {
      timer = window.setTimeout(poll, delay);
    }
  }

  function poll() {
    timer = null;
    busy = true;
    var address = url + "?since=" + encodeURIComponent(since);
    fetch(address, { headers: { Accept: "application/json" }, credentials: "omit" })
      .then(function (response) {
        if (response.status === 404) { stopped = true; }
        if (!response.ok) { throw new Error("entries.json answered " + response.status); }
        return response.json();
      })
      .then(apply)
      .catch(function (error) {
        /* A network hiccup: try again at the next turn. */
        if (window.console) { window.console.warn("Live coverage:", error.message); }
      })
      .then(schedule);
  }

  /* Hidden tabs do not ask; coming back asks at once. */
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      window.clearTimeout(timer);
      timer = null;
    } else if (!stopped && timer === null && !busy) {
      poll();
    }
  });

  schedule();
})();
